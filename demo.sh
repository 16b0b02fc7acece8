#!/bin/sh
# demo.sh - the README's first quick-start command: install what is missing
# (Debian; as root or through sudo), build oaview, and open the bundled
# samples in data/ in the viewer (or print them when not on a terminal).
set -eu
cd "$(dirname "$0")"
pkgs="build-essential autoconf automake pkg-config libncurses-dev libevtx-dev
libbfio-dev libevt-dev libpcre2-dev libexpat1-dev libjansson-dev zlib1g-dev
libcmocka-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else
		echo "demo.sh: missing packages:$missing (run as root or install sudo)" >&2
		exit 1
	fi
	echo "demo.sh: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure -q
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
if [ -t 0 ] && [ -t 1 ]; then
	# The viewer on two real logs: registry keys opened, written, deleted
	# and closed (NXLog JSON), and a process dump of lsass.exe (EVTX).
	# Press h for the keys, q to quit.
	exec ./oaview --volume-map HarddiskVolume2=C: data/run-keys.jsonl data/lsass-dump.evtx
fi
echo "== data/run-keys.jsonl: registry keys opened (4656), deleted (4660) and closed (4658)"
./oaview --print -f id:4656,4663,4660,4658 data/run-keys.jsonl | head -n 8
echo
echo "== data/lsass-dump.evtx: a process dump of lsass.exe; each 4663 names the 4656 that opened its handle"
./oaview --print --volume-map HarddiskVolume2=C: -f id:4656,4663 data/lsass-dump.evtx
echo
echo "== data/SysEvent.Evt: a real legacy Windows XP log (System; --all, as it has no object access)"
./oaview --print --all data/SysEvent.Evt | head -n 5
