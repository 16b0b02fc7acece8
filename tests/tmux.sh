#!/bin/sh
# tmux.sh - end-to-end: the real binary on a real terminal (tmux at 80x24,
# TERM=linux), driven by send-keys and read back with capture-pane.  A user
# finds a 4663, sees who opened its handle, jumps there with o and back,
# filters to one event id, and quits; the terminal is given back (TERM=linux
# has no alternate screen, so the last screen stays, as with less).
set -u
OAVIEW=${OAVIEW:-./oaview}
DATA=${TEST_DATA_DIR:-$(dirname "$0")/data}
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
# A private tmux: its own socket directory, no configuration file, UTF-8
# whatever the caller's locale, and not nested in the caller's tmux.
tmuxdir=$(mktemp -d) || exit 99
unset TMUX
T="env TMUX_TMPDIR=$tmuxdir LC_ALL=C.UTF-8 tmux -f /dev/null -L oaview-test"
pass=0 fail=0
trap '$T kill-server 2>/dev/null; rm -rf "$tmuxdir"' EXIT

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; printf '%s\n' "$screen" | sed 's/^/#   /'; }

# Poll a session's pane until it shows the pattern (at most ~15 s: a
# loaded CI machine may run every test at once); the last capture is left
# in $screen.
wait_for() { # session, pattern
	i=0
	while [ $i -lt 150 ]; do
		screen=$($T capture-pane -p -t "$1" 2>/dev/null)
		printf '%s\n' "$screen" | grep -q -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

expect() { # pattern, name (on the main session)
	if wait_for oa "$1"; then ok "$2"; else not_ok "$2"; fi
}

$T new-session -d -s oa -x 80 -y 24 \
	"cd '$DATA' && LC_ALL=C.UTF-8 TERM=linux '$OAVIEW' mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx; echo OAVIEW-EXITED-\$?; stty -a | grep -q ' icanon .* echo ' && echo TTY-SANE; sleep 30"
expect 'oaview  mdc_ID4688' "the status bar shows the file"
expect '15/15' "all 15 object-access events are listed"
expect '^>14:29:25 5145 check' "the newest event is selected"
expect 'OFFSEC\\admmig' "user names show their domain"

$T send-keys -t oa g j j j Enter
expect 'opened by #67796 4656 14:29:10, close not audited' "the detail pane shows the 4663's opener"
expect '^  #67796 .*4656 open' "the handle pane lists the open"

$T send-keys -t oa o
expect '^>14:29:10 4656 open' "o jumps to the 4656"
expect '#67796  4656' "the detail pane follows the jump"

$T send-keys -t oa C-o
expect '#67797  4663' "Ctrl-O comes back to the 4663"

$T send-keys -t oa f
$T send-keys -t oa -l 'id:4663'
expect '(2 matches)' "the filter prompt counts matches while typing"
$T send-keys -t oa Enter
expect '2/15  filter id:4663' "the filter applies and shows in the status bar"

out=$(mktemp -u /tmp/oaview-export-XXXXXX).csv
$T send-keys -t oa w C-u
$T send-keys -t oa -l "$out"
$T send-keys -t oa Enter
expect "wrote 2 events to $out" "w writes the filtered view"
if [ -f "$out" ] && [ "$(wc -l <"$out")" -eq 3 ] && ! ls "$out".* >/dev/null 2>&1; then
	ok "the export holds a header and the 2 rows, and no temporary file is left"
else
	screen=$(cat "$out" 2>&1); not_ok "the export holds a header and the 2 rows, and no temporary file is left"
fi
rm -f "$out"
$T send-keys -t oa w C-u
$T send-keys -t oa -l "/nonexistent-dir/x.csv"
$T send-keys -t oa Enter
expect "/nonexistent-dir/x.csv" "a failed export names the file"

$T send-keys -t oa h
expect 'oaview keys' "h shows the help"
$T send-keys -t oa q
$T send-keys -t oa q
expect 'OAVIEW-EXITED-0' "q quits with status 0"
expect 'TTY-SANE' "the terminal is back in canonical mode with echo"

# Following live: events appended to the log show up on screen by themselves.
live=$(mktemp) || exit 99
src="$DATA/text/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl"
head -n 4 "$src" >"$live"
$T new-session -d -s live -x 80 -y 24 "LC_ALL=C.UTF-8 TERM=linux '$OAVIEW' -F '$live'; sleep 30"
wait_for live 'FOLLOW  4/4' || true
sed -n 5,8p "$src" >>"$live"
wait_for live 'FOLLOW  8/8' || true
if printf '%s\n' "$screen" | grep -q 'FOLLOW  8/8' && printf '%s\n' "$screen" | grep -q '^>07:08:03 4656 open'; then
	ok "appended events arrive live and the newest is selected"
else
	not_ok "appended events arrive live and the newest is selected"
fi
$T send-keys -t live q
rm -f "$live"

# SIGTERM while the viewer runs: the terminal comes back sane.  The pane's
# shell writes its pid and execs oaview, so the pid is oaview's.
pidf=$tmuxdir/sig.pid
$T new-session -d -s sig -x 80 -y 24 \
	"cd '$DATA' && LC_ALL=C.UTF-8 TERM=linux sh -c 'echo \$\$ >\"\$0\"; exec \"\$@\"' '$pidf' '$OAVIEW' mdc_ID4688-4663-4656-LSASS_dump_with_LSASSY_process.evtx; echo SIG-EXITED-\$?; stty -a | grep -q ' icanon .* echo ' && echo SIG-TTY-SANE; sleep 30"
# once the list is drawn, curses owns the terminal and the handler is set
wait_for sig '15/15' || true
kill -TERM "$(cat "$pidf" 2>/dev/null)" 2>/dev/null
wait_for sig 'SIG-TTY-SANE' || true
if printf '%s\n' "$screen" | grep -q 'SIG-EXITED-143' && printf '%s\n' "$screen" | grep -q 'SIG-TTY-SANE'; then
	ok "SIGTERM ends the viewer with status 143 and a sane terminal"
else
	not_ok "SIGTERM ends the viewer with status 143 and a sane terminal"
fi

# Hostile log content: an OSC title sequence, a clear-screen CSI, a bidi
# override and invalid UTF-8 in fields.  They must show escaped, and the
# terminal's title and screen must stay ours.
evil=$(mktemp) || exit 99
printf '%s\n' '{"EventID":4663,"Hostname":"H1","RecordNumber":7,"SubjectUserName":"ev\u001b]0;PWNED\u0007il","SubjectDomainName":"CORP","ObjectType":"File","ObjectName":"C:\\x\u001b[2J\u202egnp.exe","HandleId":"0x1","ProcessId":"0x2","AccessMask":"0x2"}' >"$evil"
$T new-session -d -s evil -x 80 -y 24 "LC_ALL=C.UTF-8 TERM=linux '$OAVIEW' '$evil'; sleep 30"
title_before=$($T display -p -t evil '#{pane_title}')
wait_for evil 'oaview  ' || true
$T send-keys -t evil Enter
wait_for evil 'Subject' || true
if printf '%s\n' "$screen" | grep -qF 'ev\e]0;PWNED\x07il'; then ok "an OSC title sequence in a user name is shown escaped"; else not_ok "an OSC title sequence in a user name is shown escaped"; fi
if printf '%s\n' "$screen" | grep -qF 'C:\x\e[2J\u202Egnp.exe'; then ok "CSI and bidi override in an object name are shown escaped"; else not_ok "CSI and bidi override in an object name are shown escaped"; fi
if printf '%s\n' "$screen" | grep -q 'oaview  '; then ok "the screen was not cleared by the log"; else not_ok "the screen was not cleared by the log"; fi
title_after=$($T display -p -t evil '#{pane_title}')
if [ "$title_before" = "$title_after" ] && [ "$title_after" != PWNED ]; then ok "the terminal title is untouched"; else screen="title: $title_after"; not_ok "the terminal title is untouched"; fi
rm -f "$evil"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
