#!/bin/sh
# cli.sh - the real oaview binary as a script would use it: --print in each
# format on real samples, filters, streaming into `head`, and the one-line
# errors with exit status 2 for bad files and bad filters.
set -u
OAVIEW=${OAVIEW:-./oaview}
DATA=${TEST_DATA_DIR:-$(dirname "$0")/data}
LSASS="$DATA/mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx"
NIGHTMARE="$DATA/mdc_ID4688_6416_4648-SystemNightMare.evtx"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }

check() { # name, command... : command must succeed
	name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# jsonl: one object per object-access event, with the links
"$OAVIEW" --print --format jsonl "$LSASS" >"$tmp/out.jsonl" 2>"$tmp/err"
check "jsonl exits 0" test $? -eq 0
check "jsonl prints 15 object-access events" test "$(wc -l <"$tmp/out.jsonl")" -eq 15
check "4663 67797 is opened by 67796" \
	grep -q '"record":67797,.*"event_id":4663,.*"open_record":67796,"close_record":null' "$tmp/out.jsonl"
check "jsonl: hex handle and process ids" grep -q '"handle_id":"0xf0","process_id":"0xff8"' "$tmp/out.jsonl"

# csv header and rows
"$OAVIEW" -p -o csv "$LSASS" >"$tmp/out.csv"
check "csv has header and 15 rows" test "$(wc -l <"$tmp/out.csv")" -eq 16
check "csv header names the contract columns" \
	grep -q '^source,record,time,computer,event_id,outcome,user' "$tmp/out.csv"

# filters: AND of several, negation, id lists
n=$("$OAVIEW" -p -o jsonl -f id:4656,4663 -f 'name:lsass\.exe$' "$LSASS" | wc -l)
check "filters AND: id list and name regex give 4" test "$n" -eq 4
n=$("$OAVIEW" -p -o jsonl -f '!id:5145' "$LSASS" | wc -l)
check "negated filter drops the 11 5145s" test "$n" -eq 4

# the volume map rewrites device paths
"$OAVIEW" -p --volume-map HarddiskVolume2=C: "$LSASS" | grep -q 'C:\\Windows\\System32\\lsass.exe'
check "--volume-map rewrites the device path" test $? -eq 0

# streaming into head exits 0 and quietly
"$OAVIEW" -p "$NIGHTMARE" 2>"$tmp/err" | head -n 1 >/dev/null
status=$?
check "| head -n 1 exits 0" test $status -eq 0
check "| head -n 1 writes nothing to stderr" test ! -s "$tmp/err"

# bad inputs: one line naming the culprit, status 2
"$OAVIEW" -p "$DATA/no-such.evtx" >/dev/null 2>"$tmp/err"
check "missing file exits 2" test $? -eq 2
check "missing file message names the file" grep -q 'no-such.evtx: cannot open' "$tmp/err"
check "missing file message is one line" test "$(wc -l <"$tmp/err")" -eq 1
"$OAVIEW" -p -f 'user:(' "$LSASS" >/dev/null 2>"$tmp/err"
check "bad filter exits 2" test $? -eq 2
check "bad filter message names the filter" grep -q "filter 'user:('" "$tmp/err"
"$OAVIEW" -p -f 'colour:red' "$LSASS" >/dev/null 2>"$tmp/err"
check "unknown filter field exits 2" test $? -eq 2
"$OAVIEW" -p -o yaml "$LSASS" >/dev/null 2>"$tmp/err"
check "unknown format exits 2" test $? -eq 2
"$OAVIEW" -p --volume-map nonsense "$LSASS" >/dev/null 2>"$tmp/err"
check "bad volume map exits 2" test $? -eq 2

# config file: volume-map and filter settings, and a bad line named
printf 'volume-map = HarddiskVolume2=C:\nfilter = id:4663\n' >"$tmp/config"
n=$("$OAVIEW" -p -c "$tmp/config" "$LSASS" | grep -c 'C:\\Windows\\System32\\lsass.exe')
check "config file sets volume map and filter" test "$n" -eq 2
printf 'flavour = red\n' >"$tmp/bad.config"
"$OAVIEW" -p -c "$tmp/bad.config" "$LSASS" >/dev/null 2>"$tmp/err"
check "bad config exits 2" test $? -eq 2
check "bad config message names file and line" grep -q 'bad.config:1: unknown setting' "$tmp/err"

# --summary: who did what to which object; --coverage: what auditing was on
RUNKEYS="$DATA/text/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl"
"$OAVIEW" --summary -o jsonl "$RUNKEYS" >"$tmp/summary.jsonl"
check "--summary lists the 15 deleted registry keys" \
	test "$(grep -c '"verdicts":\[[^]]*"delete"' "$tmp/summary.jsonl")" -eq 15
"$OAVIEW" --summary "$LSASS" | grep -A1 'lsass.exe' | grep -q 'done: read'
check "--summary text: lsass.exe was read" test $? -eq 0
"$OAVIEW" --coverage "$LSASS" >"$tmp/coverage.txt"
check "--coverage finds Handle Manipulation evidently off" grep -q 'evidently off  Handle Manipulation' "$tmp/coverage.txt"
check "--coverage gives the auditpol command" grep -q 'auditpol /set /subcategory:"Handle Manipulation"' "$tmp/coverage.txt"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
