#!/usr/bin/env bash
# Builds one libFuzzer target with clang (ASan + UBSan) from the sources it
# needs, replays every saved reproducer in tests/fuzz/regress/TARGET (each
# crash the fuzzer ever found, kept as a regression test), then fuzzes for
# SECONDS from a seed corpus of the repository's own files. A crash fails
# the test and leaves the input in BUILD/fuzz/TARGET-crashes/: copy it to
# tests/fuzz/regress/TARGET/ once fixed.
# Targets: csv, defs, web (the server's form-body, cookie and escaping code),
# redcap (a REDCap data dictionary -> forms), records (a records file's plan).
# Usage: tests/fuzz/run.sh SOURCE_DIR BUILD_DIR TARGET SECONDS
set -euo pipefail
src=$1 build=$2 target=$3 secs=$4
command -v clang >/dev/null || { echo "SKIP: clang missing (scripts/setup installs it)"; exit 77; }
out=$build/fuzz
mkdir -p "$out/$target-corpus" "$out/$target-crashes"
case $target in
  csv)  dirs="core interop"; files="frame/frame_vars.c frame/frame_sel.c frame/frame_code.c"
        seeds=$(find "$src/tests/golden/stats" -name '*.csv' | head -40) ;;
  defs) dirs="core instruments protocol"; seeds="$src/src/instruments/defs/*.yaml $src/protocols/*.yaml $src/docs/examples/*.yaml" ;;
  web)  dirs="core"; files="web/web_parse.c"; seeds="$src/tests/fuzz/seeds/web/*" ;;
  redcap)  dirs="core interop instruments"; files="import/import_dict.c"; seeds="$src/tests/golden/redcap/*.csv" ;;
  records) dirs="core interop instruments protocol"; files="import/import_rows.c import/import_patient.c"
           seeds="$src/tests/golden/redcap/*.csv $src/tests/fuzz/seeds/records/*" ;;
  *) echo "unknown target $target"; exit 2 ;;
esac
sources=("$src/tests/fuzz/fuzz_$target.c")
for d in $dirs; do sources+=("$src"/src/$d/*.c); done
for f in ${files:-}; do sources+=("$src/src/$f"); done
sources+=("$build/generated/embedded_data.c")   # core/embedded.c needs it
bin=$out/fuzz_$target
stale=0
[ -x "$bin" ] || stale=1
for f in "${sources[@]}"; do [ "$f" -nt "$bin" ] && stale=1; done
if [ $stale = 1 ]; then
  echo "building $bin"
  clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -D_POSIX_C_SOURCE=200809L -DAVN_VERSION='"fuzz"' -I"$src/src" $(pkg-config --cflags yaml-0.1 gsl glib-2.0) \
    "${sources[@]}" -o "$bin" -lcsv $(pkg-config --libs yaml-0.1 gsl glib-2.0) -lm
fi
for s in $seeds; do cp -f "$s" "$out/$target-corpus/" 2>/dev/null || true; done
regress=("$src/tests/fuzz/regress/$target"/*)
if [ -e "${regress[0]}" ]; then
  echo "replaying ${#regress[@]} saved reproducers"
  "$bin" "${regress[@]}"
fi
"$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 -timeout=10 \
  -artifact_prefix="$out/$target-crashes/" "$out/$target-corpus" 2>"$out/$target.log" || {
  tail -40 "$out/$target.log"; echo "FAIL: the fuzzer found a crash: $(ls "$out/$target-crashes")"; exit 1; }
tail -3 "$out/$target.log"
echo "fuzz $target: $secs s, no crash"
