#!/bin/sh
# tests/bench/follow-latency.sh -- the latency bench of --follow.
#
# Run:   tests/bench/follow-latency.sh ./oaview      (from the top of the tree)
#
# Builds tests/bench/follow-latency.c (with tests/evtx_replay.c) and runs it
# twice on a growing file that `oaview --print --follow --all --format jsonl`
# follows:
#   text  NXLog JSON lines (tests/data/text, else /work/shared/data/text),
#         one appended per event with a fresh RecordNumber;
#   evtx  tests/data/pye_security.evtx replayed as a live log by
#         tests/evtx_replay.c (lazy chunk headers, wrong CRCs for a while,
#         torn records, 1 MiB growth steps).
# FL_N events are appended at random intervals of FL_MIN_MS..FL_MAX_MS; for
# each, latency = output line read - event complete in the file.  Then the
# idle CPU over FL_IDLE_S seconds (utime+stime from /proc/PID/stat).
# Targets: latency p50 <= 100 ms, p99 <= 250 ms; idle CPU < 1% of a core.
#
# Environment: FL_N (default 200), FL_MIN_MS (5), FL_MAX_MS (150),
# FL_IDLE_S (10), CC (cc; needs zlib1g-dev), TEST_DATA_DIR, FL_DIR (where
# to build the driver; default a temp dir).
# Exit status: 0 when both runs printed every event once and met the
# targets, 1 otherwise, 2 for bad usage.
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 OAVIEW_BINARY" >&2; exit 2; }
OAVIEW=$1
case $OAVIEW in /*) ;; *) OAVIEW=$(pwd)/$OAVIEW ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$HERE/../..
DATA=${TEST_DATA_DIR:-$TOP/tests/data}
N=${FL_N:-200}
MIN=${FL_MIN_MS:-5}
MAX=${FL_MAX_MS:-150}
IDLE=${FL_IDLE_S:-10}
CC=${CC:-cc}

if [ -n "${FL_DIR:-}" ]; then
	WORK=$FL_DIR
	mkdir -p "$WORK" || exit 1
else
	WORK=$(mktemp -d) || exit 1
	trap 'rm -rf "$WORK"' EXIT
fi

TEXT=
for d in "$DATA/text" /work/shared/data/text; do
	f=$d/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl
	[ -r "$f" ] && { TEXT=$f; break; }
done
EVTX=$DATA/pye_security.evtx

$CC -O2 -std=gnu11 -D_GNU_SOURCE -I"$TOP/tests" "$HERE/follow-latency.c" "$TOP/tests/evtx_replay.c" \
	-lz -o "$WORK/follow-latency" || { echo "follow-latency: cannot build the driver" >&2; exit 1; }

status=0
check() { # summary line: p50, p99 and idle against the targets
	echo "$1"
	echo "$1" | awk '{
		for (i = 1; i <= NF; i++) {
			if ($i == "p50") p50 = $(i + 1)
			if ($i == "p99") p99 = $(i + 1)
			if ($i == "CPU") { idle = $(i + 1); sub("%", "", idle) }
		}
		bad = 0
		if (p50 > 100) { print "  over target: p50 > 100 ms"; bad = 1 }
		if (p99 > 250) { print "  over target: p99 > 250 ms"; bad = 1 }
		if (idle >= 1 || idle < 0) { print "  over target: idle CPU >= 1%"; bad = 1 }
		exit bad }' || status=1
}

if [ -n "$TEXT" ]; then
	out=$("$WORK/follow-latency" "$OAVIEW" text "$TEXT" "$N" "$MIN" "$MAX" "$IDLE") || status=1
	check "$out"
else
	echo "follow-latency: no NXLog JSON sample found; text run skipped" >&2
	status=1
fi
out=$("$WORK/follow-latency" "$OAVIEW" evtx "$EVTX" "$N" "$MIN" "$MAX" "$IDLE") || status=1
check "$out"
exit $status
