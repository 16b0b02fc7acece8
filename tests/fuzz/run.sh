#!/bin/sh
# run.sh SRCDIR OUTDIR [SECONDS] - run every fuzz target for SECONDS
# (default 30) from seeds made from the real samples in tests/data, plus
# the crash inputs kept in tests/fuzz/regressions/<target>/.  Fails if a
# target finds a crash, a leak or a hang (timeout 5 s per input).
set -u
src=$(cd "$1" && pwd)
out=$2
secs=${3:-30}
data=$src/tests/data
seeds=$out/seeds
mkdir -p "$seeds"

mk() { mkdir -p "$seeds/$1"; }
# filter expressions
mk fuzz_filter
i=0
for e in 'user:^alice$' 'name:\.docx$' 'id:4656,4663 !outcome:failure' 'access:write,WriteData' \
	'"name:Program Files"' 'handle:0x1a4 pid:500' 'record:1-100' '(a+)+$' 'text:x|y' 'logon:0x3e7'; do
	printf '%s' "$e" >"$seeds/fuzz_filter/seed$i"
	i=$((i + 1))
done
# access lists: type byte, mask, list
mk fuzz_access
printf '\000\006\000\000\000%%%%4416\r\n\t\t\t%%%%4417' >"$seeds/fuzz_access/codes"
printf '\002\020\024\000\000ReadData (or ListDirectory) WriteData (or AddFile)' >"$seeds/fuzz_access/names"
# EVTX: single real chunks
mk fuzz_evtx
for f in "$data"/mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx \
	"$data"/mdc_ID4688_6416_4648-SystemNightMare.evtx "$data"/mdc_ID472_4728_Hidden_user_creation.evtx \
	"$data"/mdc_ID5140-5145-Bloodhound-SharpHound_enumeration_via_SMB.evtx; do
	dd if="$f" of="$seeds/fuzz_evtx/$(basename "$f").chunk0" bs=65536 skip=0 count=1 iflag=skip_bytes skip=4096 2>/dev/null
done
# EVT: the head of the real legacy log
mk fuzz_evt
head -c 32768 "$data/pls_SysEvent.Evt" >"$seeds/fuzz_evt/SysEvent.head"
# text: real forwarded lines
for t in fuzz_text fuzz_syslog fuzz_xml fuzz_json fuzz_snare fuzz_evtsys fuzz_message; do mk $t; done
if [ -d "$data/text" ]; then
	for f in "$data"/text/*; do
		case $f in *.md) continue ;; esac
		b=$(basename "$f")
		head -c 16384 "$f" >"$seeds/fuzz_text/$b"
		head -n 3 "$f" >"$seeds/fuzz_syslog/$b"
		case $b in
		xml*) cp "$f" "$seeds/fuzz_xml/$b" ;;
		*json*|winlogbeat*) head -c 16384 "$f" >"$seeds/fuzz_json/$b" ;;
		snare*) head -n 5 "$f" >"$seeds/fuzz_snare/$b" ;;
		esac
	done
fi

# leaks inside libevtx itself are suppressed (see lsan.supp)
LSAN_OPTIONS="suppressions=$src/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
# libevtx asks for gigabytes on some damaged BinXML (doc/reliability.md):
# such a request fails (NULL, which libevtx handles) instead of counting as
# an out-of-memory finding; the product tries damaged chunks in a child.
ASAN_OPTIONS="allocator_may_return_null=1:max_allocation_size_mb=1024${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS
status=0
for bin in "$out"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=$out/corpus/$name
	mkdir -p "$corpus"
	reg=$src/tests/fuzz/regressions/$name
	dirs="$corpus $seeds/$name"
	[ -d "$reg" ] && dirs="$dirs $reg"
	echo "== $name: $secs s"
	# shellcheck disable=SC2086
	if ! "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len=262144 \
		-artifact_prefix="$out/$name-" -print_final_stats=1 $dirs >"$out/$name.log" 2>&1; then
		echo "FAIL: $name found a problem; see $out/$name.log and $out/$name-*"
		tail -n 40 "$out/$name.log"
		status=1
	else
		grep -E 'stat::number_of_executed_units|cov:' "$out/$name.log" | tail -n 2
	fi
done
exit $status
