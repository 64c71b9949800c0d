#!/bin/bash
# bench/report.sh: time `avn report` on a large synthetic study (issue 4:
# 10,000 patients in under 10 s) against peers in the same run:
#   sqlite3 CLI: exporting every form value with its patient, visit, form
#                and hip as CSV (the floor for any tool reading this data);
#   R (if installed): reading that CSV and computing only the outcome table
#                (mean/SD per visit of HHS and VAS) and a Kaplan-Meier fit.
# The study is made once by avn-bench-study (bench/make_study.c, through the
# validated write path in batches) and kept in bench/out/ (git-ignored).
# Prints seconds, peak RSS and the ratios peer / avn.
# Usage: bench/report.sh [BUILD_DIR] [PATIENTS]   (default build, 10000)
# The test suite runs it at 200 patients (bench/report_small) so it cannot
# rot; the 10-second target applies to the full size only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-10000}
out=${BENCH_OUT:-$here/out}   # the test suite points this at its own folder
mkdir -p "$out"
TIME=/usr/bin/time
[ -x "$build/avn" ] && [ -x "$build/avn-bench-study" ] || { echo "report.sh: build avn and avn-bench-study in $build first"; exit 1; }
db=$out/study_$N.db
if [ ! -s "$db" ]; then
  echo "making $db ($N patients, through the store's write path) ..."
  start=$(date +%s.%N)
  AVN_TODAY=2026-11-01 "$build/avn-bench-study" "$db" "$N"
  echo "  made in $(echo "$(date +%s.%N) - $start" | bc) s"
fi
echo "study: $db ($(sqlite3 "$db" 'select count(*) from patient') patients, $(sqlite3 "$db" 'select count(*) from hip') hips, $(sqlite3 "$db" 'select count(*) from form') forms, $(sqlite3 "$db" 'select count(*) from item_value') values, $(du -h "$db" | cut -f1))"

. "$here/lib.sh"

rm -rf "$out/report_$N"
run avn_report env AVN_TODAY=2026-11-01 "$build/avn" report "$db" --out "$out/report_$N"
run sqlite3_export sqlite3 -csv -header "$db" \
  "SELECT p.code, f.visit, f.instrument, f.side, v.item, v.value_text, v.value_num
     FROM item_value v JOIN form f ON f.id = v.form_id JOIN patient p ON p.id = f.patient_id"
cp "$out/sqlite3_export.out" "$out/values_$N.csv"
avn=$(cat "$out/avn_report.sec")
sq=$(cat "$out/sqlite3_export.sec")
printf "ratio sqlite3 export / avn report: %.2f\n" "$(echo "$sq / $avn" | bc -l)"
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
  run R_peer Rscript "$out/peer.R" "$out/values_$N.csv"
  r=$(cat "$out/R_peer.sec")
  printf "ratio R (read CSV + 2 summaries) / avn report: %.2f\n" "$(echo "$r / $avn" | bc -l)"
fi
limit=10
[ "$N" -ge 10000 ] || { echo "avn report: ${avn}s at $N patients (the ${limit}s target is for 10,000)"; exit 0; }
if (( $(echo "$avn < $limit" | bc -l) )); then echo "avn report: ${avn}s < ${limit}s target: met"; else echo "avn report: ${avn}s >= ${limit}s target: NOT met"; fi
