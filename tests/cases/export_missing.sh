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
#   P1 right baseline cell_product: harvest_date 2024-03-04, injection_date=ND (a date item)
#     -> 2024-03-04; -99992 (SPSS keeps dates as seconds since 1582-10-14, so the code is
#     -99992 s there: haven turns it into -99992 / 86400 - 141428 days)
# The wide CSV and the .xlsx write the code itself ("ND", "UNK", "ASKU", "NA"), a blank
# stays blank; the .sps reads the CSV into what the .sav holds (the codes as the
# user-missing values above, with their labels): PSPP reads it and saves a .sav
# that haven checks like avn's own; the text item occupation keeps "ND" there.
# Valid baseline VAS values: only 60, so any reader that honours the codes
# finds N = 1, mean 60; one that took -99992 as a value would not.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
for tool in pspp Rscript /usr/bin/python3; do
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
expect_exit 0 "$AVN" enter "$DB" P1 baseline cell_product --hip right harvest_date=2024-03-04 injection_date=ND \
  --date 2024-03-04
for f in sav dta xpt csv xlsx; do expect_exit 0 "$AVN" export "$DB" --format $f --out "$T/x/s.$f"; done

# The wide CSV and its codebook.
PY=/usr/bin/python3
$PY - "$T/x" >"$T/py.out" 2>&1 <<'PY' && ok || bad "csv: $(cat "$T/py.out")"
import csv, sys
d = sys.argv[1]
rows = {(r["patient"], r["side"]): r for r in csv.DictReader(open(d + "/s.csv", newline="", encoding="utf-8"))}
vas = [rows[k]["baseline_vas_pain_mm"] for k in [("P1", "2"), ("P2", "2"), ("P3", "1"), ("P3", "2")]]
assert vas == ["ND", "", "60", "UNK"], vas
p1 = rows["P1", "2"]
got = [p1["baseline_baseline_" + i] for i in ("smoking", "weight_kg", "height_cm", "bmi", "occupation")]
assert got == ["ASKU", "NA", "180", "", "ND"], got
assert p1["baseline_cell_product_harvest_date"] == "2024-03-04" and p1["baseline_cell_product_injection_date"] == "ND"
book = {r["variable"]: r for r in csv.DictReader(open(d + "/s.codebook.csv", newline="", encoding="utf-8"))}
assert "ND=not done" in book["baseline_vas_pain_mm"]["missing_codes"].split("; "), book["baseline_vas_pain_mm"]
assert book["baseline_baseline_bmi"]["missing_codes"] == "", "a score never holds a code"
PY

# PSPP: the dictionary lists the range, the labels name the codes, and
# DESCRIPTIVES leaves the coded values out (N 1, mean 60).
# (the .sps run from the CSV's folder, as a user would; it saves what it read)
for src in "GET FILE='$T/x/s.sav'." "INCLUDE FILE='s.sps'."; do
  cat >"$T/d.sps" <<SPS
$src
DISPLAY DICTIONARY /VARIABLES=baseline_vas_pain_mm baseline_baseline_smoking baseline_cell_product_injection_date.
DESCRIPTIVES VARIABLES=baseline_vas_pain_mm /STATISTICS=MEAN MIN MAX.
SAVE OUTFILE='$T/x/sps.sav'.
SPS
  (cd "$T/x" && pspp -O format=csv "$T/d.sps") >"$T/pspp.out" 2>&1
  [ "$(grep -c '^baseline_vas_pain_mm,.*,-99999 THRU -99991$' "$T/pspp.out")" = 1 ] && ok || bad "pspp missing values ($src): $(cat "$T/pspp.out")"
  grep -q '^baseline_baseline_smoking,.*,-99999 THRU -99991$' "$T/pspp.out" && ok || bad "pspp smoking missing values ($src)"
  grep -q '^baseline_cell_product_injection_date,.*,SDATE10,SDATE10,-99999 THRU -99991$' "$T/pspp.out" && ok || bad "pspp date missing values ($src)"
  grep -q ',-99992.0*\[a\],ND: not done$' "$T/pspp.out" && ok || bad "pspp: no label for ND ($src)"
  grep -q ',-99994.0*\[a\],ASKU: asked but unknown$' "$T/pspp.out" && ok || bad "pspp: no label for ASKU ($src)"
  grep -q ',1\.00*,Former smoker$' "$T/pspp.out" && ok || bad "pspp: the item's own labels lost ($src)"
  grep -q '\[mm\]",1,60.00,60.000*,60.000*$' "$T/pspp.out" && ok || bad "pspp descriptives ($src): $(grep mm "$T/pspp.out")"
  grep -qi 'warning\|error' "$T/pspp.out" && bad "pspp complains ($src): $(grep -i 'warning\|error' "$T/pspp.out")" || ok
done

# R's haven: user-missing values (SPSS), tagged missing values (Stata, SAS).
Rscript - "$T/x" >"$T/r.out" 2>&1 <<'R' && ok || bad "haven: $(cat "$T/r.out")"
library(haven)
d <- commandArgs(TRUE)[1]
key <- function(x) paste(x$patient, as.numeric(x$side))   # side 1 left, 2 right
# avn's .sav, and the one PSPP saved from the CSV through the .sps.
for (f in c("s.sav", "sps.sav")) {
  s <- read_sav(file.path(d, f), user_na = TRUE)
  v <- s$baseline_vas_pain_mm
  stopifnot(inherits(v, "haven_labelled_spss"), identical(attr(v, "na_range"), c(-99999, -99991)))
  at <- match(c("P1 2", "P2 2", "P3 1", "P3 2"), key(s))
  stopifnot(identical(as.numeric(unclass(v))[at], c(-99992, NA, 60, -99993)))
  l <- attr(v, "labels")
  stopifnot(names(l)[l == -99992] == "ND: not done", names(l)[l == -99993] == "UNK: unknown", length(l) == 9)
  p1 <- s[s$patient == "P1", ]
  stopifnot(as.numeric(p1$baseline_baseline_smoking) == -99994, as.numeric(p1$baseline_baseline_weight_kg) == -99991)
  stopifnot(as.numeric(p1$baseline_baseline_height_cm) == 180, is.na(p1$baseline_baseline_bmi))
  stopifnot(p1$baseline_baseline_occupation == if (f == "s.sav") "" else "ND")
  # dates: 2024-03-04 is day 19786 from 1970-01-01 (54 years of 365 days + 13 leap days
  # (1972..2020) + 31 + 29 + 3); the code -99992 s -> -99992 / 86400 - 141428 days
  stopifnot(as.numeric(unclass(p1$baseline_cell_product_harvest_date)) == 19786)
  stopifnot(abs(as.numeric(unclass(p1$baseline_cell_product_injection_date)) - (-99992 / 86400 - 141428)) < 1e-9)
  # Without user_na, the codes read as missing: the one valid value is 60.
  plain <- read_sav(file.path(d, f))
  stopifnot(mean(as.numeric(plain$baseline_vas_pain_mm), na.rm = TRUE) == 60, sum(is.na(plain$baseline_vas_pain_mm)) == 3)
}
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

# Excel: openpyxl finds the codes in the cells and the codebook.
$PY - "$T/x/s.xlsx" >"$T/py.out" 2>&1 <<'PY' && ok || bad "xlsx: $(cat "$T/py.out")"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
def table(name):
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]
vas = {(r["patient"], r["side"]): r["baseline_vas_pain_mm"] for r in table("vas")}
got = [vas[k] for k in [("P1", "Right"), ("P2", "Right"), ("P3", "Left"), ("P3", "Right")]]
assert got == ["ND", None, 60, "UNK"], got
p1 = [r for r in table("baseline") if r["patient"] == "P1"][0]
got = [p1["baseline_baseline_" + i] for i in ("smoking", "weight_kg", "height_cm", "bmi", "occupation")]
assert got == ["ASKU", "NA", 180, None, "ND"], got
cp = [r for r in table("cell_product") if r["patient"] == "P1"][0]
assert cp["baseline_cell_product_injection_date"] == "ND", cp["baseline_cell_product_injection_date"]
book = {r["variable"]: r for r in table("codebook")}
assert "ND=not done" in book["baseline_vas_pain_mm"]["missing codes"].split("; "), book["baseline_vas_pain_mm"]
assert book["baseline_baseline_bmi"]["missing codes"] is None
PY
finish
