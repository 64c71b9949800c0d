# avn export, read back by the real readers: PSPP (.sav and the CSV's .sps),
# R's haven (.sav, .dta, .xpt), python3-openpyxl (.xlsx), xmllint (ODM).
# Expected values are worked by hand from the entries below.
#
# single-dose (unit: the hip; vas is double-entered), enrolment 2024-03-04:
#   P1 male, born 1984-05-05 (age 39 at enrolment), right hip:
#      baseline vas 80 / 80 (agree) -> 80; w6 vas 50 / 55 (disagree) -> missing
#      baseline form: weight 80 kg, height 180 cm -> BMI 80 / 1.8^2 = 24.691358024691358
#   P2 female, right hip: baseline vas 70 / 70 -> 70; w6 vas 40 / 40 -> 40;
#      withdrawn 2024-05-01 = 58 days after enrolment (27 days of March + 30 + 1)
#   P3 male, born 1980-01-01 (age 44), both hips: baseline vas left 60 / 60, right 90 (entry 1 only) -> 60, 90
# Baseline VAS over the four hips: 80, 70, 60, 90: mean 75,
#   SD = sqrt((25 + 25 + 225 + 225) / 3) = sqrt(500/3) = 12.9099...
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
# Debian's python3, where Debian's openpyxl is (a pyenv python may come first on PATH).
PY=/usr/bin/python3
for tool in pspp Rscript xmllint $PY; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing (scripts/setup installs it)"; exit 77; }
done
Rscript -e 'library(haven)' 2>/dev/null || { echo "SKIP: R haven missing (scripts/setup)"; exit 77; }
$PY -c 'import openpyxl' 2>/dev/null || { echo "SKIP: openpyxl missing (scripts/setup)"; exit 77; }
DB="$T/e.db"
expect_exit 0 "$AVN" init "$DB" --protocol single-dose
three_single_dose "$DB"
vas() { expect_exit 0 "$AVN" enter "$DB" "$1" "$2" vas --hip "$3" pain_mm="$4" --entry "$5" --date "$6"; }
vas P1 baseline right 80 1 2024-03-04; vas P1 baseline right 80 2 2024-03-04
vas P1 w6 right 50 1 2024-04-15;       vas P1 w6 right 55 2 2024-04-15
vas P2 baseline right 70 1 2024-03-04; vas P2 baseline right 70 2 2024-03-04
vas P2 w6 right 40 1 2024-04-15;       vas P2 w6 right 40 2 2024-04-15
vas P3 baseline left 60 1 2024-03-04;  vas P3 baseline left 60 2 2024-03-04
vas P3 baseline right 90 1 2024-03-04
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline weight_kg=80 height_cm=180 smoking=former alcohol=none \
  steroid_use=never trauma=no asa=1 --date 2024-03-04
expect_exit 0 "$AVN" withdraw "$DB" P2 --date 2024-05-01 --reason "moved away"
# String widths are sized before the first row, in bytes: occupation "Bäcker"
# is 7 bytes (ä is 2 in UTF-8) and "nurse" 5 -> A7 in SPSS;
# patient codes "P1".."P3" -> A2; the withdrawal reason "moved away" -> A10.
expect_exit 0 "$AVN" enter "$DB" P3 baseline baseline weight_kg=70 height_cm=170 smoking=never alcohol=none \
  steroid_use=never trauma=no asa=1 occupation=nurse --date 2024-03-04
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline occupation=Bäcker --date 2024-03-04
for f in csv sav dta xpt xlsx odm; do
  expect_exit 0 "$AVN" export "$DB" --format $f --out "$T/x/s.$f"
  ls "$T/x/"*.part >/dev/null 2>&1 && bad "$f: a .part file was left behind" || ok
done
expect_exit 0 "$AVN" export "$DB" --format csv --layout long --out "$T/x/long.csv"
expect_exit 0 "$AVN" export "$DB" --format csv --deidentified --out "$T/x/deid.csv"

# CSV (Python's csv module is the reader).
$PY - "$T/x" >"$T/py.out" 2>&1 <<'PY' && ok || bad "csv: $(cat "$T/py.out")"
import csv, sys, math
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/s.csv", newline="", encoding="utf-8")))
assert len(rows) == 4, len(rows)
key = {(r["patient"], r["side"]): r for r in rows}
assert sorted(key) == [("P1", "2"), ("P2", "2"), ("P3", "1"), ("P3", "2")], sorted(key)
assert key["P1", "2"]["baseline_vas_pain_mm"] == "80"
assert key["P1", "2"]["w6_vas_pain_mm"] == "", "a disagreement must be missing"
assert key["P2", "2"]["w6_vas_pain_mm"] == "40"
assert key["P3", "1"]["baseline_vas_pain_mm"] == "60" and key["P3", "2"]["baseline_vas_pain_mm"] == "90"
assert key["P1", "2"]["sex"] == "1" and key["P2", "2"]["sex"] == "2"
assert key["P1", "2"]["age"] == "39" and key["P3", "1"]["age"] == "44"
assert key["P1", "2"]["enrolled"] == "2024-03-04" and key["P2", "2"]["withdrawn"] == "2024-05-01"
assert abs(float(key["P1", "2"]["baseline_baseline_bmi"]) - 80 / 1.8**2) < 1e-12
assert key["P1", "2"]["baseline_baseline_smoking"] == "1"    # former = 1 in the definition
book = {r["variable"]: r for r in csv.DictReader(open(d + "/s.codebook.csv", newline="", encoding="utf-8"))}
assert set(book) == set(rows[0].keys()), "codebook and data disagree on columns"
assert book["sex"]["values"] == "1=Male; 2=Female", book["sex"]["values"]
assert book["baseline_vas_pain_mm"]["unit"] == "mm"
deid = list(csv.DictReader(open(d + "/deid.csv", newline="", encoding="utf-8")))
assert "birth_date" not in deid[0] and "enrolled" not in deid[0]
assert [r["withdrawn"] for r in deid if r["patient"] == "P2"] == ["58"]
long = list(csv.DictReader(open(d + "/long.csv", newline="", encoding="utf-8")))
w6 = sorted((r["entry"], r["value"]) for r in long if r["patient"] == "P1" and r["visit"] == "w6")
assert w6 == [("1", "50"), ("2", "55")], w6
PY
n_values=$(sqlite3 "$DB" "SELECT count(*) FROM item_value WHERE value_text IS NOT NULL")
n_long=$(($(wc -l <"$T/x/long.csv") - 1))
[ "$n_values" = "$n_long" ] && ok || bad "long csv has $n_long values, the database $n_values"

# SPSS: PSPP reads the .sav, and the CSV through the .sps syntax.
for src in "GET FILE='$T/x/s.sav'." "INCLUDE FILE='$T/x/s.sps'."; do
  cat >"$T/d.sps" <<SPS
$src
DESCRIPTIVES VARIABLES=baseline_vas_pain_mm w6_vas_pain_mm /STATISTICS=MEAN STDDEV MIN MAX.
DISPLAY LABELS /VARIABLES=sex baseline_vas_pain_mm.
SPS
  (cd "$T/x" && pspp -O format=csv "$T/d.sps") >"$T/pspp.out" 2>&1
  grep -q "Baseline (day 0)) \[mm\]\",4,75.00,12.91,60.00*,90.00*$" "$T/pspp.out" && ok || bad "pspp ($src): $(head -c 600 "$T/pspp.out")"
  grep -q "6 weeks) \[mm\]\",1,40.00," "$T/pspp.out" && ok || bad "pspp w6 ($src): $(grep w6 "$T/pspp.out")"
  grep -q "Pain" "$T/pspp.out" && ok || bad "pspp labels ($src)"
done

cat >"$T/w.sps" <<SPS
GET FILE='$T/x/s.sav'.
DISPLAY DICTIONARY /VARIABLES=patient withdraw_reason baseline_baseline_occupation.
SPS
pspp -O format=csv "$T/w.sps" >"$T/pspp.out" 2>&1
for want in "patient,1,.*,A2,A2$" "withdraw_reason,.*,A10,A10$" "baseline_baseline_occupation,.*,A7,A7$"; do
  grep -q "^$want" "$T/pspp.out" && ok || bad "pspp width $want: $(grep -E '^(patient|withdraw|baseline_baseline_occ)' "$T/pspp.out")"
done

# R's haven: the three statistical formats, with labels and dates.
Rscript - "$T/x" >"$T/r.out" 2>&1 <<'R' && ok || bad "haven: $(cat "$T/r.out")"
library(haven)
d <- commandArgs(TRUE)[1]
for (f in c("sav", "dta", "xpt")) {
  x <- switch(f, sav = read_sav(file.path(d, "s.sav")), dta = read_dta(file.path(d, "s.dta")),
              xpt = read_xpt(file.path(d, "s.xpt")))
  stopifnot(nrow(x) == 4)
  v <- x[["baseline_vas_pain_mm"]]
  stopifnot(isTRUE(all.equal(sort(as.numeric(v)), c(60, 70, 80, 90))))
  stopifnot(sum(is.na(x[["w6_vas_pain_mm"]])) == 3)
  stopifnot(grepl("Pain", attr(v, "label")))
  stopifnot(inherits(x[["enrolled"]], "Date"), all(x[["enrolled"]] == as.Date("2024-03-04")))
  stopifnot(isTRUE(all.equal(as.numeric(x[["baseline_baseline_bmi"]][x$patient == "P1"]), 80 / 1.8^2)))
  if (f != "xpt") {
    l <- attr(x[["sex"]], "labels")
    stopifnot(identical(unname(l[names(l) == "Male"]) + 0, 1), identical(unname(l[names(l) == "Female"]) + 0, 2))
  }
}
# Stata's 32-character names: cut and numbered, unique, the label keeps the meaning.
x <- read_dta(file.path(d, "s.dta"))
stopifnot(all(nchar(names(x)) <= 32), !anyDuplicated(names(x)))
stopifnot(x$baseline_baseline_occupation[x$patient == "P1"] == "B\u00e4cker")
cat("haven ok\n")
R

# Excel: openpyxl reads the workbook.
$PY - "$T/x/s.xlsx" >"$T/py.out" 2>&1 <<'PY' && ok || bad "xlsx: $(cat "$T/py.out")"
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
assert {"patients", "vas", "baseline", "codebook"} <= set(wb.sheetnames), wb.sheetnames
def table(name):
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]
vas = {(r["patient"], r["side"]): r for r in table("vas")}
assert vas["P1", "Right"]["baseline_vas_pain_mm"] == 80 and vas["P1", "Right"]["w6_vas_pain_mm"] is None
pt = {(r["patient"], r["side"]): r for r in table("patients")}
assert pt["P2", "Right"]["sex"] == "Female"
assert pt["P1", "Right"]["enrolled"] == datetime.datetime(2024, 3, 4), pt["P1", "Right"]["enrolled"]
PY

# ODM 1.3.2: well-formed; the MetaDataVersion's children in the schema's
# order; every stored value is an ItemData; every ItemOID is defined.
expect_exit 0 xmllint --noout "$T/x/s.odm"
$PY - "$T/x/s.odm" "$n_values" >"$T/py.out" 2>&1 <<'PY' && ok || bad "odm: $(cat "$T/py.out")"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.cdisc.org/ns/odm/v1.3}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "ODM" and root.get("ODMVersion") == "1.3.2" and root.get("FileType") == "Snapshot"
mdv = root.find(f"{ns}Study/{ns}MetaDataVersion")
order = ["Include", "Protocol", "StudyEventDef", "FormDef", "ItemGroupDef", "ItemDef", "CodeList"]
seen = [order.index(c.tag[len(ns):]) for c in mdv]
assert seen == sorted(seen), "MetaDataVersion children out of order"
items = {i.get("OID") for i in mdv.iter(ns + "ItemDef")}
data = list(root.iter(ns + "ItemData"))
assert len(data) == int(sys.argv[2]), (len(data), sys.argv[2])
assert all(d.get("ItemOID") in items for d in data)
cls = {c.get("OID") for c in mdv.iter(ns + "CodeList")}
assert all(r.get("CodeListOID") in cls for r in mdv.iter(ns + "CodeListRef"))
subjects = [s.get("SubjectKey") for s in root.iter(ns + "SubjectData")]
assert subjects == ["P1", "P2", "P3"], subjects
PY

# Refusals: usage errors exit 2; an unwritable destination exits 1 naming it
# and leaves nothing.
expect_exit 2 "$AVN" export "$DB" --format spss --out "$T/x.sav"
expect_err "--format spss: must be csv, sav, dta, xpt, xlsx or odm"
expect_exit 2 "$AVN" export "$DB" --format sav --layout long --out "$T/x.sav"
expect_err "applies to --format csv only"
expect_exit 2 "$AVN" export "$DB" --format csv
expect_err "--out FILE is required"
# Missing folders are made (as every --out does); a parent that is a file is refused.
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/new/dir/s.csv"
[ -s "$T/new/dir/s.csv" ] && ok || bad "export did not make its folders"
echo x >"$T/afile"
expect_exit 1 "$AVN" export "$DB" --format sav --out "$T/afile/x.sav"
expect_err "$T/afile"
expect_err "exists and is not a directory"
finish
