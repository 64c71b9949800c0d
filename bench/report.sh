#!/bin/bash
# bench/report.sh: time `avn report` on a large synthetic study (issue 4:
# 10,000 patients in under 10 s; issue 16: 100,000 in under 60 s) against
# peers in the same run:
#   sqlite3 CLI (psql on PostgreSQL): exporting every form value with its
#                patient, visit, form and hip as CSV (the floor for any tool
#                reading this data);
#   R (if installed): reading that CSV and computing only the outcome table
#                (mean/SD per visit of HHS and VAS) and a Kaplan-Meier fit.
# The study is made once by avn-bench-study (bench/make_study.c, through the
# validated write path in batches) and kept in bench/out/ (git-ignored);
# with COPIES > 1 it is multiplied by SQL (lib.sh bench_multiply, as
# export.sh does): 1000 x 100 is a 100,000-patient study.
# With a postgresql:// URI the report reads that database instead: an empty
# one is filled first (avn migrate of the PATIENTS study, then the copies by
# the same SQL through psql).
# Prints seconds, CPU seconds, peak RSS and the ratios peer / avn.
# Usage: bench/report.sh [BUILD_DIR] [PATIENTS] [COPIES] [postgresql://URI]
#        (defaults: build, 10000, 1, the SQLite file)
# The test suite runs it at 200 patients (bench/report_small) so it cannot
# rot; the targets apply to the full sizes only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-10000}
K=${3:-1}
uri=${4:-}
out=${BENCH_OUT:-$here/out}   # the test suite points this at its own folder
mkdir -p "$out"
TIME=/usr/bin/time
. "$here/lib.sh"
bench_study report.sh
db=$base
if [ "$K" -gt 1 ]; then
  db=$out/report_${N}x$K.db
  [ -s "$db" ] || bench_multiply "$base" "$db" "$K"
fi
P=$((N * K))
case "$uri" in
  "") study=$db ;;
  postgresql://*|postgres://*)
    command -v psql >/dev/null || { echo "report.sh: psql is needed for a PostgreSQL study"; exit 1; }
    study=$uri
    if [ "$(psql -qAt "$uri" -c 'select count(*) from patient' 2>/dev/null || echo 0)" = 0 ]; then
      echo "filling $uri ($N patients by avn migrate, then x $K by SQL) ..."
      "$build/avn" migrate "$base" "$uri"
      [ "$K" -le 1 ] || bench_multiply_sql "$K" | psql -q -v ON_ERROR_STOP=1 "$uri" >/dev/null
    fi ;;
  *) echo "report.sh: '$uri' is not a postgresql:// URI"; exit 2 ;;
esac
values_sql="SELECT p.code, f.visit, f.instrument, f.side, v.item, v.value_text, v.value_num
     FROM item_value v JOIN form f ON f.id = v.form_id JOIN patient p ON p.id = f.patient_id"
if [ -z "$uri" ]; then
  echo "study: $db ($(sqlite3 "$db" 'select count(*) from patient') patients, $(sqlite3 "$db" 'select count(*) from hip') hips, $(sqlite3 "$db" 'select count(*) from form') forms, $(sqlite3 "$db" 'select count(*) from item_value') values, $(du -h "$db" | cut -f1))"
else
  echo "study: $uri ($(psql -qAt "$uri" -c 'select count(*) from patient') patients, $(psql -qAt "$uri" -c 'select count(*) from item_value') values)"
fi

rm -rf "$out/report_$P"
run avn_report env AVN_TODAY=2026-11-01 "$build/avn" report "$study" --out "$out/report_$P"
if [ -z "$uri" ]; then
  run db_export sqlite3 -csv -header "$db" "$values_sql"
else
  run db_export psql -q "$uri" -c "\\copy ($(echo $values_sql)) TO STDOUT WITH CSV HEADER"
fi
cp "$out/db_export.out" "$out/values_$P.csv"
avn=$(cat "$out/avn_report.sec")
sq=$(cat "$out/db_export.sec")
printf "avn report CPU: %s s user, %s s system\n" "$(cat "$out/avn_report.user")" "$(cat "$out/avn_report.sys")"
printf "ratio %s export / avn report: %.2f\n" "$([ -z "$uri" ] && echo sqlite3 || echo psql)" "$(echo "$sq / $avn" | bc -l)"
if command -v Rscript >/dev/null && Rscript -e 'library(survival)' >/dev/null 2>&1; then
  cat >"$out/peer.R" <<'R'
args <- commandArgs(TRUE)
v <- read.csv(args[1])
vas <- v[v$instrument == "vas" & v$item == "pain_mm", ]
print(aggregate(value_num ~ visit, vas, function(x) c(mean = mean(x), sd = sd(x))))
hhs <- v[v$instrument == "hhs", ]
print(nrow(hhs))
suppressMessages(library(survival))
tha <- v[v$instrument == "tha" & v$item == "tha_date", ]
print(nrow(tha))
R
  run R_peer Rscript "$out/peer.R" "$out/values_$P.csv"
  r=$(cat "$out/R_peer.sec")
  printf "ratio R (read CSV + 2 summaries) / avn report: %.2f\n" "$(echo "$r / $avn" | bc -l)"
fi
limit=10
[ "$P" -lt 100000 ] || limit=60
[ "$P" -ge 10000 ] || { echo "avn report: ${avn}s at $P patients (the ${limit}s target is for 10,000)"; exit 0; }
if (( $(echo "$avn < $limit" | bc -l) )); then echo "avn report: ${avn}s < ${limit}s target: met"; else echo "avn report: ${avn}s >= ${limit}s target: NOT met"; fi
