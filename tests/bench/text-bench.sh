#!/bin/sh
# text-bench.sh OAVIEW [MB] - text ingest speed: oaview reading, decoding
# and correlating an NXLog JSON file of at least MB megabytes (default 80)
# and printing its 4663s, against `jq -c` selecting the 4663 events from
# the same file, with
# `grep -c .` as the I/O floor.  The file repeats the real lines of the
# OTRF sample (tests/data/text/ or ../shared/data/samples/) with record
# numbers renumbered so each line stays a distinct event.  Prints MB/s and
# ratios; the median of BENCH_RUNS (default 3) runs.
set -eu
OAVIEW=$1
MB=${2:-80}
RUNS=${BENCH_RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
src=""
for f in "$here/../../../shared/data/samples/otrf_cmd_netsh_fw_mod_open_ports_2020-10-2100191105.json" \
	"$here/../data/text/nxlog-json-logstash_mordor-empire_persistence_registry_modification_run_keys_standard_user-4660.jsonl"; do
	[ -f "$f" ] && { src=$f; break; }
done
[ -n "$src" ] || { echo "text-bench.sh: no NXLog sample found" >&2; exit 1; }
command -v jq >/dev/null || { echo "text-bench.sh: jq not installed (apt-get install jq)" >&2; exit 1; }
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
big=$dir/nxlog-${MB}MB.json
# Repeat the sample, renumbering RecordNumber so every line is its own event.
awk -v want=$((MB * 1048576)) -v src="$src" 'BEGIN {
	n = 0; bytes = 0; rec = 1
	while (bytes < want) {
		while ((getline line < src) > 0) {
			if (sub(/"RecordNumber":[0-9]+/, "\"RecordNumber\":" rec, line) == 0)
				sub(/^\{/, "{\"RecordNumber\":" rec ",", line)
			print line
			rec++
			bytes += length(line) + 1
		}
		close(src)
	}
}' >"$big"
size=$(wc -c <"$big")
lines=$(wc -l <"$big")
echo "== text ingest bench: $(date -u +%FT%TZ), $(nproc) CPUs, $RUNS runs (median)"
echo "   file: $big, $size bytes, $lines lines (from $(basename "$src"))"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # name, command...
	name=$1; shift
	t=$(for r in $(seq "$RUNS"); do
		s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
		echo "$e - $s" | bc -l
	done | median)
	echo "$name $t"
}
# Both select the 4663s for output; oaview decodes and correlates every
# record to get there (its links need the opens and closes too).
r_oa=$(measure oaview "$OAVIEW" --print --format jsonl -f id:4663 "$big")
r_jq=$(measure jq jq -c 'select(.EventID == 4663)' "$big")
r_grep=$(measure grep sh -c "grep -c . \"$big\" | cat")
printf '%-10s %10s %10s %12s\n' tool seconds MB/s "oaview/tool"
for r in "$r_oa" "$r_jq" "$r_grep"; do
	name=${r% *}; t=${r#* }
	mbs=$(echo "$size / 1048576 / $t" | bc -l)
	oat=${r_oa#* }
	printf '%-10s %10.3f %10.1f %12.2f\n' "$name" "$t" "$mbs" "$(echo "$t / $oat" | bc -l)"
done
echo "   4663 events printed: oaview $("$OAVIEW" --print --format jsonl -f id:4663 "$big" | wc -l), jq $(jq -c 'select(.EventID == 4663)' "$big" | wc -l)"
[ -n "${BENCH_DIR:-}" ] || rm -rf "$dir"
