#!/bin/sh
# first-screen.sh OAVIEW FILE [RUNS [OPTION...]] - how long the viewer takes, from
# start, to show the newest events of FILE (a big EVTX), measured on a real
# terminal (tmux, 80x24): the time until the selected row ('>') of a fully
# drawn list first appears.  Also the time until loading ends.  Prints the
# median of RUNS (default 5).  OPTIONs go to oaview (e.g. -F).
set -eu
OAVIEW=$1
FILE=$2
RUNS=${3:-5}
shift 2
[ $# -gt 0 ] && shift
OPTS="$*"
command -v tmux >/dev/null || { echo "first-screen.sh: tmux is needed" >&2; exit 1; }
sock=oaview-bench-$$
T="tmux -L $sock"
trap '$T kill-server 2>/dev/null' EXIT
now() { date +%s.%N; }
firsts="" ends=""
for r in $(seq "$RUNS"); do
	sync
	start=$(now)
	$T new-session -d -s b -x 80 -y 24 "TERM=linux '$OAVIEW' $OPTS '$FILE'; sleep 60"
	first=""
	while :; do
		screen=$($T capture-pane -p -t b 2>/dev/null || true)
		t=$(now)
		if [ -z "$first" ] && printf '%s\n' "$screen" | grep -q '^>[0-9][0-9]:'; then
			first=$(echo "$t - $start" | bc -l)
		fi
		if [ -n "$first" ] && ! printf '%s\n' "$screen" | grep -q 'LOADING'; then
			end=$(echo "$t - $start" | bc -l)
			break
		fi
		if [ "$(echo "$t - $start > 120" | bc -l)" = 1 ]; then
			echo "first-screen.sh: no screen after 120 s" >&2
			exit 1
		fi
		sleep 0.01
	done
	$T kill-server 2>/dev/null || true
	firsts="$firsts $first"
	ends="$ends $end"
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "first screen with the newest events: $(median "$firsts") s (median of $RUNS: $firsts)"
echo "loading finished:                    $(median "$ends") s (median of $RUNS: $ends)"
