#!/bin/bash
# bench/export.sh: `avn export` of a large study (issue: a 100,000-hip study to
# .sav in seconds, resident memory under 100 MB whatever the size) against
# peers in the same run:
#   sqlite3 CLI: every stored value as CSV (the floor for reading this data);
#   R + haven (if installed): reading avn's wide CSV and writing the same .sav.
# The study: avn-bench-study's (bench/make_study.c, through the write path)
# multiplied COPIES times by SQL (new ids and codes; a benchmark fixture, so
# its audit trail is not extended) to reach about 100,000 hips.
# Usage: bench/export.sh [BUILD_DIR] [PATIENTS] [COPIES]   (default build, 10000, 8)
# The test suite runs it at 200 patients x 2 (bench/export_small).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-10000}
K=${3:-8}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
TIME=/usr/bin/time
. "$here/lib.sh"
bench_study export.sh
db=$out/export_${N}x$K.db
[ -s "$db" ] || bench_multiply "$base" "$db" "$K"
echo "study: $db ($(sqlite3 "$db" 'select count(*) from patient') patients, $(sqlite3 "$db" 'select count(*) from hip') hips, $(sqlite3 "$db" 'select count(*) from item_value') values, $(du -h "$db" | cut -f1))"

for f in sav csv xlsx; do
  run "avn_$f" "$build/avn" export "$db" --format "$f" --out "$out/export.$f"
done
run sqlite3_values sqlite3 -csv -header "$db" \
  "SELECT p.code, f.visit, f.instrument, f.side, f.entry, v.item, v.value_text
     FROM item_value v JOIN form f ON f.id = v.form_id JOIN patient p ON p.id = f.patient_id"
avn=$(cat "$out/avn_sav.sec")
printf "ratio sqlite3 value dump / avn .sav: %.2f (CPU %.2f)\n" "$(echo "$(cat "$out/sqlite3_values.sec") / $avn" | bc -l)" \
  "$(echo "$(cat "$out/sqlite3_values.cpu") / $(cat "$out/avn_sav.cpu")" | bc -l)"
if command -v Rscript >/dev/null && Rscript -e 'library(haven)' >/dev/null 2>&1; then
  cat >"$out/export_peer.R" <<'R'
a <- commandArgs(TRUE)
x <- read.csv(a[1])
haven::write_sav(x, a[2])
R
  run R_haven Rscript "$out/export_peer.R" "$out/export.csv" "$out/peer.sav"
  printf "ratio R (read.csv + write_sav) / avn .sav: %.2f (CPU %.2f)\n" "$(echo "$(cat "$out/R_haven.sec") / $avn" | bc -l)" \
    "$(echo "$(cat "$out/R_haven.cpu") / $(cat "$out/avn_sav.cpu")" | bc -l)"
fi
rss=$(cat "$out"/avn_sav.rss "$out"/avn_csv.rss "$out"/avn_xlsx.rss | sort -n | tail -1)
printf "avn export peak RSS: %.1f MB (target < 100 MB)\n" "$(echo "$rss / 1024" | bc -l)"
# Sanitizer builds keep shadow memory and a quarantine: the limit is for real builds.
if [ "${AVN_SANITIZE:-OFF}" != ON ]; then
  [ "$rss" -lt 102400 ] || { echo "avn export: resident memory over 100 MB"; exit 1; }
fi
