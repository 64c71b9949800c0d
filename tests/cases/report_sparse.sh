# A study with missed visits, a withdrawal and no MRI, arthroplasty, adverse
# event or cell-product data still gets a report, with honest n's, and says
# what it could not compute. Expected numbers worked by hand (below).
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2026-06-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
screen() {  # code age left right
  local l=$3 r=$4
  expect_exit 0 "$AVN" screen "$DB" "$1" --date 2024-01-10 age="$2" mri_confirmed=yes stage.left="$l" stage.right="$r" \
    conservative_months=4 can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no \
    platelets=250000 prior_surgery.left=no prior_surgery.right=no active_malignancy=no pregnant=no aspiration_inadequate=no
}
screen S1 40 II 0
screen S2 35 I III
screen S3 50 II 0
screen S4 62 II 0                      # too old: excluded
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
expect_exit 0 "$AVN" enroll "$DB" S2 P2 --date 2024-01-15 --sex female --birth 1988-06-01
expect_exit 0 "$AVN" enroll "$DB" S3 P3 --date 2024-01-15 --sex male --birth 1973-06-01
expect_exit 1 "$AVN" enroll "$DB" S4 P4 --date 2024-01-15 --sex male
vas() { expect_exit 0 "$AVN" enter "$DB" "$1" "$2" vas --hip "$3" pain_mm="$4" --date "$5"; }
# VAS in mm; the plan reports pain_cm (mm / 10).
vas P1 baseline left 80 2024-01-15
vas P2 baseline left 70 2024-01-15
vas P2 baseline right 75 2024-01-15
vas P3 baseline left 90 2024-01-15
vas P1 m3 left 50 2024-04-15
vas P2 m3 left 40 2024-04-15
vas P2 m3 right 45 2024-04-15
vas P2 m6 left 30 2024-07-15
vas P2 m6 right 36 2024-07-15
expect_exit 0 "$AVN" withdraw "$DB" P2 --date 2024-09-01 --reason "moved away"
rm -rf "$T/rep"
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
for f in report.html report.pdf tables/outcomes.csv tables/flow.csv tables/table1.csv; do
  [ -s "$T/rep/$f" ] && ok || bad "missing $f"
done
# Hand-worked VAS (cm): baseline 8.0, 7.0, 7.5, 9.0 -> n 4, mean 7.875 -> 7.9,
# SD sqrt(2.1875/3) = 0.854 -> 0.9; 3 months 5.0, 4.0, 4.5 -> n 3, 4.5 +- 0.5;
# 6 months 3.0, 3.6 -> n 2, 3.3 +- 0.424 -> 0.4; 12 and 24 months: n 0, no mean.
python3 - "$T/rep/tables/outcomes.csv" <<'PY' || bad "outcomes.csv values"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
vas = {r["Visit"]: r for r in rows if r["Outcome"].startswith("VAS")}
want = {"Baseline (day 0)": ("4", "7.9 \u00b1 0.9"), "3 months": ("3", "4.5 \u00b1 0.5"),
        "6 months": ("2", "3.3 \u00b1 0.4")}
for visit, (n, msd) in want.items():
    assert vas[visit]["n"] == n, (visit, vas[visit])
    assert vas[visit]["Mean \u00b1 SD"] == msd, (visit, vas[visit])
for visit in ("12 months", "24 months"):
    assert vas[visit]["n"] == "0", vas[visit]
    assert not any(ch.isdigit() for ch in vas[visit]["Mean \u00b1 SD"]), vas[visit]
PY
# What could not be computed is said, not shown as numbers.
grep -q "Not computed" "$T/rep/report.html" && ok || bad "no 'Not computed' notice"
grep -qi "no MRI" "$T/rep/report.html" && ok || bad "radiology does not say there are no MRI reads"
grep -qi "withdr" "$T/rep/tables/flow.csv" && ok || bad "flow does not count the withdrawal"
# report.xlsx: every table of tables/*.csv is a sheet (openpyxl reads it):
# caption, header, then the CSV's cells, numbers as numbers.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
  /usr/bin/python3 - "$T/rep" >"$T/xl.out" 2>&1 <<'PY' && ok || bad "report.xlsx: $(cat "$T/xl.out")"
import csv, glob, os, sys, openpyxl
d = sys.argv[1]
wb = openpyxl.load_workbook(os.path.join(d, "report.xlsx"), read_only=True)
tables = sorted(glob.glob(os.path.join(d, "tables", "*.csv")))
assert tables and len(wb.sheetnames) == len(tables), (wb.sheetnames, len(tables))
for f in tables:
    tid = os.path.basename(f)[:-4][:27]
    assert tid in wb.sheetnames, (tid, wb.sheetnames)
    rows = list(csv.reader(open(f, encoding="utf-8")))
    sheet = [list(r) for r in wb[tid].iter_rows(values_only=True)]
    assert [c or "" for c in sheet[1][:len(rows[0])]] == rows[0], (tid, sheet[1], rows[0])
    for want, got in zip(rows[1:], sheet[2:]):
        for j, w in enumerate(want):
            g = got[j] if j < len(got) else None
            if isinstance(g, float) or isinstance(g, int):
                assert abs(float(w) - g) < 1e-12, (tid, w, g)
            else:
                assert (g or "") == w, (tid, j, w, g)
PY
fi
finish
