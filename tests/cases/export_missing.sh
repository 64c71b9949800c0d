# Missing-data codes in .sav, .dta and .xpt, read back by PSPP and R's haven.
# The mapping (src/export/export_stat.c), k the code's place in the table
# NA ND UNK ASKU NASK NI NAV MSK OTH (0..8):
#   SPSS user-missing value -99991 - k, MISSING VALUES -99999 THRU -99991;
#   Stata extended missing .a + k; SAS special missing .A + k
#   (haven reads both as tagged NA, tag in lower case).
# Entries (single-dose: the hip is the unit, vas is double-entered):
#   P1 right baseline vas: ND / ND   -> agreed on the code: ND  -> -99992, .b, .B
#   P2 right baseline vas: ND / 50   -> a disagreement, not settled: blank (system missing)
#   P3 left  baseline vas: 60 / 60   -> 60
#   P3 right baseline vas: UNK (entry 1 only)                  -> -99993, .c, .C
#   P1 baseline form: smoking=ASKU (coded item) -> -99994, .d; weight_kg=NA -> -99991, .a,
#     height 180 -> no BMI (blank, a score is never coded); occupation=ND (text) -> blank
# Valid baseline VAS values: only 60, so any reader that honours the codes
# finds N = 1, mean 60; one that took -99992 as a value would not.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
for tool in pspp Rscript; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing (scripts/setup installs it)"; exit 77; }
done
Rscript -e 'library(haven)' 2>/dev/null || { echo "SKIP: R haven missing (scripts/setup)"; exit 77; }
DB="$T/m.db"
expect_exit 0 "$AVN" init "$DB" --protocol single-dose
three_single_dose "$DB"
vas() { expect_exit 0 "$AVN" enter "$DB" "$1" baseline vas --hip "$2" pain_mm="$3" --entry "$4" --date 2024-03-04; }
vas P1 right ND 1; vas P1 right ND 2
vas P2 right ND 1; vas P2 right 50 2
vas P3 left 60 1;  vas P3 left 60 2
vas P3 right UNK 1
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline weight_kg=NA height_cm=180 smoking=ASKU alcohol=none \
  occupation=ND steroid_use=never trauma=no asa=1 --date 2024-03-04
for f in sav dta xpt; do expect_exit 0 "$AVN" export "$DB" --format $f --out "$T/x/s.$f"; done

# PSPP: the dictionary lists the range, the labels name the codes, and
# DESCRIPTIVES leaves the coded values out (N 1, mean 60).
cat >"$T/d.sps" <<SPS
GET FILE='$T/x/s.sav'.
DISPLAY DICTIONARY /VARIABLES=baseline_vas_pain_mm baseline_baseline_smoking.
DESCRIPTIVES VARIABLES=baseline_vas_pain_mm /STATISTICS=MEAN MIN MAX.
SPS
pspp -O format=csv "$T/d.sps" >"$T/pspp.out" 2>&1
[ "$(grep -c '^baseline_vas_pain_mm,.*,-99999 THRU -99991$' "$T/pspp.out")" = 1 ] && ok || bad "pspp missing values: $(cat "$T/pspp.out")"
grep -q '^baseline_baseline_smoking,.*,-99999 THRU -99991$' "$T/pspp.out" && ok || bad "pspp smoking missing values"
grep -q ',-99992.0\[a\],ND: not done$' "$T/pspp.out" && ok || bad "pspp: no label for ND"
grep -q ',-99994.0\[a\],ASKU: asked but unknown$' "$T/pspp.out" && ok || bad "pspp: no label for ASKU"
grep -q ',1.00,Former smoker$' "$T/pspp.out" && ok || bad "pspp: the item's own labels lost"
grep -q '\[mm\]",1,60.00,60.00,60.00$' "$T/pspp.out" && ok || bad "pspp descriptives: $(grep mm "$T/pspp.out")"

# R's haven: user-missing values (SPSS), tagged missing values (Stata, SAS).
Rscript - "$T/x" >"$T/r.out" 2>&1 <<'R' && ok || bad "haven: $(cat "$T/r.out")"
library(haven)
d <- commandArgs(TRUE)[1]
key <- function(x) paste(x$patient, as.numeric(x$side))   # side 1 left, 2 right
s <- read_sav(file.path(d, "s.sav"), user_na = TRUE)
v <- s$baseline_vas_pain_mm
stopifnot(inherits(v, "haven_labelled_spss"), identical(attr(v, "na_range"), c(-99999, -99991)))
at <- match(c("P1 2", "P2 2", "P3 1", "P3 2"), key(s))
stopifnot(identical(as.numeric(unclass(v))[at], c(-99992, NA, 60, -99993)))
l <- attr(v, "labels")
stopifnot(names(l)[l == -99992] == "ND: not done", names(l)[l == -99993] == "UNK: unknown", length(l) == 9)
p1 <- s[s$patient == "P1", ]
stopifnot(as.numeric(p1$baseline_baseline_smoking) == -99994, as.numeric(p1$baseline_baseline_weight_kg) == -99991)
stopifnot(is.na(p1$baseline_baseline_bmi), p1$baseline_baseline_occupation == "")
# Without user_na, the codes read as missing: the one valid value is 60.
plain <- read_sav(file.path(d, "s.sav"))
stopifnot(mean(as.numeric(plain$baseline_vas_pain_mm), na.rm = TRUE) == 60, sum(is.na(plain$baseline_vas_pain_mm)) == 3)
for (f in c("dta", "xpt")) {
  x <- if (f == "dta") read_dta(file.path(d, "s.dta")) else read_xpt(file.path(d, "s.xpt"))
  at <- match(c("P1 2", "P2 2", "P3 1", "P3 2"), key(x))
  v <- x$baseline_vas_pain_mm[at]
  stopifnot(identical(na_tag(v), c("b", NA, NA, "c")), as.numeric(v[3]) == 60, is.na(v[2]))
  p1 <- x[x$patient == "P1", ]
  stopifnot(na_tag(p1$baseline_baseline_smoking) == "d", na_tag(p1$baseline_baseline_weight_kg) == "a")
  stopifnot(is.na(na_tag(p1$baseline_baseline_bmi)))
  if (f == "dta") {
    l <- attr(x$baseline_baseline_smoking, "labels")
    stopifnot(identical(na_tag(l[names(l) == "ASKU: asked but unknown"]), "d"), l[["Former smoker"]] == 1)
  }
}
cat("haven ok\n")
R
finish
