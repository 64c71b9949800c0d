#!/bin/bash
# bench/report_pg.sh: a large study on PostgreSQL (issue 16: a 100,000-patient
# study, the report in under 60 s, an export streamed with bounded memory).
# In one run, on a private cluster with durable commits (tests/tools/pg.sh,
# AVN_PG_FSYNC=1):
#   avn-bench-study's PATIENTS-patient study (bench/make_study.c, through the
#   store's write path, kept in $BENCH_OUT) moved to the server by
#   `avn migrate` (COPY), timed;
#   multiplied there COPIES times by SQL, vacuumed and analysed
#   (bench/lib.sh bench_pg_study);
#   `avn report` and `avn export --format sav` on it, wall seconds and peak
#   RSS (GNU time).
# Usage: bench/report_pg.sh [BUILD_DIR] [PATIENTS] [COPIES]
#   (default build, 1000, 100: 100,000 patients)
# The test suite runs it at 100 patients x 2 (pg/report_small).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-1000}
K=${3:-100}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
TIME=/usr/bin/time
. "$here/lib.sh"
bench_study report_pg.sh
bench_pg_study report "study_${N}x$K" "$K"
echo "study: $db ($(psql_db -c 'SELECT count(*) FROM patient') patients, $(psql_db -c 'SELECT count(*) FROM item_value') values, $(psql_db -c 'SELECT pg_size_pretty(pg_database_size(current_database()))'))"
rm -rf "$out/report_pg"
run avn_report env AVN_TODAY=2026-11-01 "$build/avn" report "$db" --out "$out/report_pg"
run avn_sav "$build/avn" export "$db" --format sav --out "$out/export_pg.sav"
rss=$(cat "$out/avn_sav.rss")
printf "avn report on PostgreSQL: %s s wall, %s s CPU (target < 60 s at 100,000 patients)\n" \
  "$(cat "$out/avn_report.sec")" "$(cat "$out/avn_report.cpu")"
printf "avn export .sav peak RSS: %.1f MB (target < 100 MB)\n" "$(echo "$rss / 1024" | bc -l)"
# Sanitizer builds keep shadow memory and a quarantine: the limit is for real builds.
if [ "${AVN_SANITIZE:-OFF}" != ON ]; then
  [ "$rss" -lt 102400 ] || { echo "avn export: resident memory over 100 MB"; exit 1; }
fi
