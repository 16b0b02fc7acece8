#!/bin/sh
# screen.sh - screen tests: the real viewer driven by key scripts
# (tests/screen/*.script, see src/tui/tui_script.c), each saved screen
# compared with the expected one committed beside the script.
# OAVIEW_UPDATE_SCREENS=1 rewrites the expected screens instead.
set -u
OAVIEW=${OAVIEW:-./oaview}
DATA=${TEST_DATA_DIR:-$(dirname "$0")/data}
DIR=$(cd "$(dirname "$0")/screen" && pwd)
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for script in "$DIR"/*.script; do
	name=$(basename "$script" .script)
	args=$(sed -n 's/^#! args: //p' "$script")
	setup=$(sed -n 's/^#! setup: //p' "$script")
	mkdir -p "$tmp/$name"
	# a script may prepare files (e.g. a log to follow) in its screen dir
	if [ -n "$setup" ]; then
		(cd "$DATA" && OAVIEW_SCREEN_DIR="$tmp/$name" DATA="$DATA" sh -c "$setup")
	fi
	# run from the data directory so paths on screen do not depend on
	# where the tree lives
	(cd "$DATA" && export OAVIEW_SCREEN_DIR="$tmp/$name" && eval "set -- $args" &&
		LC_ALL=C.UTF-8 TERM=xterm OAVIEW_SCRIPT="$script" "$OAVIEW" "$@") >"$tmp/$name.out" 2>&1
	status=$?
	if [ $status -ne 0 ]; then
		echo "not ok - $name: oaview exited $status"; cat "$tmp/$name.out"
		fail=$((fail + 1)); continue
	fi
	for got in "$tmp/$name"/*.screen; do
		[ -e "$got" ] || continue
		[ -e "$got" ] || { echo "not ok - $name saved no screen"; fail=$((fail + 1)); continue; }
		want="$DIR/$(basename "$got")"
		if [ "${OAVIEW_UPDATE_SCREENS:-}" = 1 ]; then
			cp "$got" "$want"
		fi
		if diff -u "$want" "$got" >"$tmp/diff"; then
			pass=$((pass + 1)); echo "ok - $name: $(basename "$got")"
		else
			fail=$((fail + 1)); echo "not ok - $name: $(basename "$got") differs"; cat "$tmp/diff"
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
