#!/bin/sh
# keys-bench.sh OAVIEW [EVENTS] - the viewer's keypress cost at a million
# events: builds an NXLog JSON file of EVENTS events (default 1000000) from
# the real lines of the bundled registry sample (fields the viewer uses
# only, record numbers and handle ids renumbered so every lifetime stays
# its own), then drives the real viewer in script mode (screen on
# /dev/null) through moves, pages, jumps and pane switches, and reports
# key handling plus redraw times (OAVIEW_TIMING).  Filters and searches
# over a million events are measured by view_bench.
set -eu
OAVIEW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
N=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../data/run-keys.jsonl
command -v jq >/dev/null && command -v python3 >/dev/null ||
	{ echo "keys-bench.sh: jq and python3 are needed to build the input" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
jq -c '{EventID, Hostname, EventTime, SubjectUserName, SubjectDomainName, SubjectLogonId, ObjectServer,
	ObjectType, ObjectName, HandleId, ProcessId, ProcessName, AccessMask, Keywords}' "$src" >"$dir/lines"
python3 - "$dir/lines" "$N" >"$dir/million.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
out = sys.stdout
for i in range(n):
    ev = dict(lines[i % len(lines)])
    ev["RecordNumber"] = i + 1
    if ev.get("HandleId"):
        # a new handle value per round, so each copy is a lifetime of its own
        ev["HandleId"] = "0x%x%s" % (i // len(lines), ev["HandleId"][2:])
    out.write(json.dumps(ev, separators=(",", ":")) + "\n")
PY
echo "input: $(wc -l <"$dir/million.jsonl") events, $(wc -c <"$dir/million.jsonl") bytes"
{
	echo "keys g j j j j k k <PgDn> <PgDn> <PgUp> <End> <Home> <Enter>"
	echo "keys j j j o c <C-o> <Tab> j j <Tab> <Tab> <Enter>"
	echo "keys G k k k k k <Enter> o c <Enter>"
	for i in $(seq 20); do echo "keys j <PgDn> k"; done
} >"$dir/keys.script"
start=$(date +%s.%N)
OAVIEW_SCRIPT="$dir/keys.script" OAVIEW_TIMING="$dir/timing" LC_ALL=C.UTF-8 TERM=xterm "$OAVIEW" "$dir/million.jsonl"
end=$(date +%s.%N)
echo "viewer run (load + correlate + keys): $(echo "$end - $start" | bc -l | cut -c1-6) s"
cat "$dir/timing"
