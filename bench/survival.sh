#!/bin/bash
# bench/survival.sh: avn vs R end to end on a 1,000,000-row survival CSV
# (3 groups, 5 covariates, tied integer times; fixed seed).
#   avn: `avn stats km`, `logrank`, `cox` on the file (each reads the CSV)
#   R:   read.csv + survfit (+ quantile/summary) + survdiff + coxph (+ summary)
# Prints seconds per step, the totals, the ratio R / avn, and the peak
# resident memory of each (GNU time's "Maximum resident set size"; Debian
# package `time`, installed by scripts/setup). Output files go to bench/out/
# (git-ignored).
# Usage: bench/survival.sh [AVN_BINARY] [ROWS]   (default build/avn, 1000000)
# The test suite runs it at 10,000 rows (bench/survival_small) so it cannot
# rot; without R (scripts/setup --with-r) only avn's side runs there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
AVN=${1:-$here/../build/avn}
N=${2:-1000000}
out=${BENCH_OUT:-$here/out}   # the test suite points this at its own folder
mkdir -p "$out"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "survival.sh: /usr/bin/time missing (apt-get install time)"; exit 1; }
[ -x "$AVN" ] || { echo "survival.sh: no avn binary at $AVN"; exit 1; }

cc -O2 -o "$out/gen_survival" "$here/gen_survival.c" -lm
csv=$out/survival_$N.csv
[ -s "$csv" ] || "$out/gen_survival" "$N" >"$csv"
echo "data: $csv ($(($(wc -l <"$csv") - 1)) rows, $(du -h "$csv" | cut -f1))"

. "$here/lib.sh"

echo "avn ($AVN):"
run avn_km "$AVN" stats km --data "$csv" --time time --event status --group group --json
run avn_logrank "$AVN" stats logrank --data "$csv" --time time --event status --group group --json
run avn_cox "$AVN" stats cox --data "$csv" --time time --event status \
  --covariates x1,x2,x3,x4,x5,group --json
# The same three tests on one read of the file (avn stats km,logrank,cox).
run avn_once "$AVN" stats km,logrank,cox --data "$csv" --time time --event status --group group \
  --covariates x1,x2,x3,x4,x5,group --json

cat >"$out/survival.R" <<REOF
suppressMessages(library(survival))
st <- function(label, expr) { t <- system.time(v <- expr)[["elapsed"]]
  cat(sprintf("  R %-10s %8.2f s\n", label, t), file = stderr()); v }
d <- st("read.csv", read.csv("$csv"))
km <- st("survfit", { f <- survfit(Surv(time, status) ~ group, data = d)
                      quantile(f, 0.5); summary(f); f })
lr <- st("survdiff", survdiff(Surv(time, status) ~ group, data = d))
cx <- st("coxph", { m <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + group, data = d)
                    summary(m); m })
print(coef(cx)); print(lr\$chisq)
REOF
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(survival)' >/dev/null 2>&1; then
  echo "R with its survival package not installed (scripts/setup): the peer is skipped, no ratio"
  exit 0
fi
echo "R ($(R --version | head -1)):"
run R Rscript "$out/survival.R"
cat "$out/R.err"

avn_sec=$(echo "$(cat "$out/avn_km.sec") + $(cat "$out/avn_logrank.sec") + $(cat "$out/avn_cox.sec")" | bc -l)
avn_rss=$(cat "$out"/avn_km.rss "$out"/avn_logrank.rss "$out"/avn_cox.rss | sort -n | tail -1)
once_sec=$(cat "$out/avn_once.sec")
once_rss=$(cat "$out/avn_once.rss")
r_sec=$(cat "$out/R.sec")
r_rss=$(cat "$out/R.rss")
printf "\nend to end: avn %.2f s (3 commands, each reading the CSV), R %.2f s: R / avn = %.1fx\n" \
  "$avn_sec" "$r_sec" "$(echo "$r_sec / $avn_sec" | bc -l)"
printf "peak RSS:   avn %.1f MB (largest of the 3), R %.1f MB: R / avn = %.1fx\n" \
  "$(echo "$avn_rss / 1024" | bc -l)" "$(echo "$r_rss / 1024" | bc -l)" \
  "$(echo "$r_rss / $avn_rss" | bc -l)"
printf "one read:   avn %.2f s, %.1f MB (km,logrank,cox): R / avn = %.1fx time, %.1fx memory\n" \
  "$once_sec" "$(echo "$once_rss / 1024" | bc -l)" "$(echo "$r_sec / $once_sec" | bc -l)" \
  "$(echo "$r_rss / $once_rss" | bc -l)"
# CPU seconds (user + system) do not depend on how many other processes
# share the machine, as wall seconds do on a loaded one.
printf "CPU:        avn %.2f s (one read), R %.2f s: R / avn = %.1fx\n" \
  "$(cat "$out/avn_once.cpu")" "$(cat "$out/R.cpu")" \
  "$(echo "$(cat "$out/R.cpu") / $(cat "$out/avn_once.cpu")" | bc -l)"
grep -o '"estimate": [-0-9.e]*' "$out/avn_cox.out" | head -7 | tr '\n' ' '; echo " (avn cox)"
head -3 "$out/R.out"
