#!/bin/sh
# build.sh SRCDIR OUTDIR - build every libFuzzer target (fuzz_*.c) with
# clang, ASan and UBSan, linking the core sources directly (libcore.a is
# built with the normal compiler and no fuzzer instrumentation).
set -eu
src=$(cd "$1" && pwd)
out=$2
mkdir -p "$out"
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "build.sh: $CC not found (Debian: apt-get install clang)" >&2; exit 1; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I$src/src -I$src/tests/fuzz -I$out"
[ -f "$out/config.h" ] || : >"$out/config.h"
awk -f "$src/src/access-table.awk" "$src/data/access-rights.txt" >"$out/access_table.c"
core=""
for f in "$src"/src/*.c; do
	case $(basename "$f") in main.c | options.c | access_table.c) continue ;; esac
	core="$core $f"
done
libs="$(pkg-config --libs libevtx libbfio libevt libpcre2-8 expat jansson zlib) -lpthread"
for target in "$src"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$target" .c)
	case $name in fuzz_parsers) continue ;; esac
	echo "  FUZZ     $name"
	# shellcheck disable=SC2086
	$CC $flags -include "$out/config.h" -o "$out/$name" "$target" $core "$out/access_table.c" $libs
done
