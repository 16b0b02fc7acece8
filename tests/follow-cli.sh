#!/bin/sh
# follow-cli.sh - `oaview --print --follow` end to end, as a user runs it:
# a live EVTX that grows chunk by chunk behind a stale file header, a
# forwarded text log that grows line by line (a half-written line, then
# its newline), is rotated, and a pipe whose reader goes away.  Each check
# polls the real program's output, at most ~15 s.
set -u
OAVIEW=${OAVIEW:-./oaview}
DATA=${TEST_DATA_DIR:-$(dirname "$0")/data}
tmp=$(mktemp -d) || exit 99
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; for e in "$tmp"/*.err; do [ -s "$e" ] && sed "s|^|#   ${e##*/}: |" "$e"; done; }
check() { # name, command...
	name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# Wait until the file has at least n lines.
wait_lines() { # file, n
	i=0
	while [ $i -lt 150 ]; do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Record numbers of jsonl output, one per line.
records() { sed -n 's/.*"record":\([0-9]*\),.*/\1/p' "$1"; }
# One field of the event with the given record number.
field() { # file, record, field
	sed -n "s/.*\"record\":$2,.*\"$3\":\([^,]*\),.*/\1/p" "$1"
}

# ---- a live EVTX, grown by whole chunks --------------------------------
# The sample with chunk 13's signature destroyed: the live log must lose
# that chunk alone, name it, and end up as reading the finished file does.
src=$tmp/damaged.evtx
cp "$DATA/mdc_ID4688-5145-WMIexec_execution_via_SMB.evtx" "$src"
printf 'XXXXXXX' | dd of="$src" bs=1 seek=$((4096 + 65536 * 13)) conv=notrunc 2>/dev/null
"$OAVIEW" --print --format jsonl "$src" >"$tmp/whole.jsonl" 2>/dev/null || exit 99
records "$tmp/whole.jsonl" >"$tmp/whole.ids"
total=$(wc -l <"$tmp/whole.ids")
# The file header (copied whole) is stale from the start: it describes
# all 17 chunks while only 5 are there.
head -c $((4096 + 65536 * 5)) "$src" >"$tmp/live.evtx"
: >"$tmp/evtx.out"
"$OAVIEW" --print --follow --format jsonl "$tmp/live.evtx" >"$tmp/evtx.out" 2>"$tmp/evtx.err" &
pid=$!
wait_lines "$tmp/evtx.out" 100
first=$(wc -l <"$tmp/evtx.out")
check "the chunks present at the start are printed" test "$first" -gt 100 -a "$first" -lt "$total"
tail -c +$((4096 + 65536 * 5 + 1)) "$src" | head -c $((65536 * 6)) >>"$tmp/live.evtx"
wait_lines "$tmp/evtx.out" $((first + 1))
tail -c +$((4096 + 65536 * 11 + 1)) "$src" >>"$tmp/live.evtx"
wait_lines "$tmp/evtx.out" "$total"
sleep 0.3 # anything printed twice would show up by now
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
records "$tmp/evtx.out" >"$tmp/evtx.ids"
check "SIGTERM ends --print --follow with status 0" test "$rc" -eq 0
check "every record of the grown EVTX is printed once, in record order, as when reading the file" \
	cmp -s "$tmp/evtx.ids" "$tmp/whole.ids"
check "the damaged chunk is named with its offset" \
	grep -q "live.evtx: chunk 13 (offset $((4096 + 65536 * 13))) has no chunk signature" "$tmp/evtx.err"
# (A poll that sees the chunks after it before it may also report the ids
# it waited for; nothing else may be said: a stale header is normal.)
check "nothing else is reported" \
	test "$(grep -v -e 'chunk 13 (offset' -e 'did not appear within' "$tmp/evtx.err" | wc -l)" -eq 0

# ---- a forwarded text log, line by line ---------------------------------
src=$DATA/text/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl
sed -n 1,2p "$src" >"$tmp/live.jsonl" # the 4656 open and a 4663
: >"$tmp/text.out"
"$OAVIEW" --print --follow --format jsonl "$tmp/live.jsonl" >"$tmp/text.out" 2>"$tmp/text.err" &
pid=$!
wait_lines "$tmp/text.out" 2
check "the open is printed with no close yet" test "$(field "$tmp/text.out" 44315 close_record)" = null
check "the 4663 names its open" test "$(field "$tmp/text.out" 44316 open_record)" = 44315
# The 4660 (handle only) arrives in two writes: nothing until its newline.
sed -n 3p "$src" | tr -d '\n' >>"$tmp/live.jsonl"
sleep 0.6
check "a half-written line is not printed" test "$(wc -l <"$tmp/text.out")" -eq 2
echo >>"$tmp/live.jsonl"
wait_lines "$tmp/text.out" 3
check "the line is printed once its newline comes" test "$(records "$tmp/text.out" | tail -n 1)" = 44317
check "the 4660 gets its object name from the open" test "$(field "$tmp/text.out" 44317 name_from_open)" = true
sed -n 4p "$src" >>"$tmp/live.jsonl" # the 4658 close
wait_lines "$tmp/text.out" 4
check "the 4658 close names its open" test "$(field "$tmp/text.out" 44318 open_record)" = 44315

# Rotation: the log is renamed and a new one started.
mv "$tmp/live.jsonl" "$tmp/live.jsonl.1"
sed -n 5,7p "$src" >"$tmp/live.jsonl"
wait_lines "$tmp/text.out" 7
check "after a rotation the new file's events are printed" \
	test "$(records "$tmp/text.out" | tail -n 3 | tr '\n' ' ')" = "44325 44326 44329 "
check "the rotation is reported on stderr, naming the file, and only as a rotation" \
	grep -q "live.jsonl: was replaced (rotated)" "$tmp/text.err"
check "a rotation is not called a deletion" test "$(grep -c -e deleted -e 'is back' "$tmp/text.err")" -eq 0
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
check "SIGINT ends --print --follow with status 0" test "$rc" -eq 0
check "no event is printed twice" test "$(records "$tmp/text.out" | sort | uniq -d | wc -l)" -eq 0

# ---- the reader goes away -------------------------------------------------
# `| head` ends a follow even while nothing new arrives, quietly.
start=$(date +%s)
{ "$OAVIEW" --print --follow "$tmp/live.jsonl" 2>"$tmp/head.err"; echo $? >"$tmp/head.rc"; } | head -n 1 >"$tmp/head.out"
took=$(($(date +%s) - start))
check "| head ends --print --follow at once" test "$took" -le 5
check "| head: status 0" test "$(cat "$tmp/head.rc")" = 0
check "| head: nothing on stderr" test ! -s "$tmp/head.err"
check "| head: the first event was printed" grep -q '#44325 4656 open' "$tmp/head.out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
