#!/bin/bash
# bench/import.sh: `avn import records --format long` of a study's every value
# (each through store_enter's checks and audit rows, one transaction) against
# peers reading the same CSV in the same run:
#   sqlite3 CLI `.import --csv` into a table (no checks: the floor for
#   getting this CSV into SQLite);
#   R read.csv (if R is installed): reading the CSV into a data frame.
# The study: avn-bench-study's N patients (bench/make_study.c, through the
# write path), exported long; the target is a copy with its form values
# deleted by SQL (a benchmark fixture: patients and visit dates kept, its
# audit trail not made to match).
# Usage: bench/import.sh [BUILD_DIR] [PATIENTS]   (default build, 2000)
# The test suite runs it at 200 patients (bench/import_small).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-2000}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
TIME=/usr/bin/time
. "$here/lib.sh"
bench_study import.sh
csv=$out/import_$N.csv
"$build/avn" export "$base" --format csv --layout long --out "$csv" >/dev/null
target=$out/import_target.db
cp "$base" "$target"
sqlite3 "$target" "DELETE FROM item_value; DELETE FROM form;"
rows=$(($(wc -l <"$csv") - 1))
echo "file: $csv ($rows values, $(du -h "$csv" | cut -f1))"

export AVN_TODAY=2026-11-01
run avn_import "$build/avn" import records "$target" "$csv" --format long
grep -qF "$rows values new or changed" "$out/avn_import.out" || { echo "avn import: not every value loaded"; cat "$out/avn_import.out"; exit 1; }
rm -f "$out/peer.db"
run sqlite3_import sqlite3 "$out/peer.db" ".import --csv $csv vals"
avn=$(cat "$out/avn_import.sec")
printf "avn import: %.0f values/s (%.0f per CPU second)\n" "$(echo "$rows / ($avn + 0.001)" | bc -l)" \
  "$(echo "$rows / ($(cat "$out/avn_import.cpu") + 0.001)" | bc -l)"
printf "ratio avn import / sqlite3 .import (unchecked): %.1f\n" "$(echo "$avn / ($(cat "$out/sqlite3_import.sec") + 0.001)" | bc -l)"
if command -v Rscript >/dev/null; then
  run R_read_csv Rscript -e "x <- read.csv('$csv'); cat(nrow(x), '\n')"
  printf "ratio avn import / R read.csv: %.1f\n" "$(echo "$avn / ($(cat "$out/R_read_csv.sec") + 0.001)" | bc -l)"
fi
# The round trip holds at this size too: export again, same bytes.
"$build/avn" export "$target" --format csv --layout long --out "$out/import_again.csv" >/dev/null
cmp "$csv" "$out/import_again.csv" || { echo "avn import: the long CSV did not round-trip"; exit 1; }
