# avn report's outcome, responder, subgroup and logistic tables against R.
# The study (tests/golden/report/study_a.csv: 20 patients, 24 hips, 4
# bilateral, missing visits, 2 conversions to THA) is entered through the CLI
# (tests/tools/report_enter.py); tests/golden/report/study_a.R computes the
# same tables from the same CSV in R 4.2.2 (t.test, shapiro.test,
# wilcox.test, aov, lmerTest::lmer, kruskal.test, prop.test, glm with CR1
# cluster SE) and writes expected_a_*.csv: every cell must match.
# The flow and table 1 rows are worked by hand from the CSV (below).
. "$(dirname "$0")/../tools/caselib.sh"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
G="$AVN_SOURCE_DIR/tests/golden/report"
DB="$T/a.db"
AVN="$AVN" python3 "$AVN_SOURCE_DIR/tests/tools/report_enter.py" "$G/study_a.csv" "$DB" || bad "entering study A"
AVN_TODAY=2025-06-01 expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
expect_out "20 patients (24 units)"
for t in outcomes outcome_models responders subgroups logistic; do
  if python3 - "$T/rep/tables/$t.csv" "$G/expected_a_$t.csv" <<'PY'
import csv, sys
got = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
want = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
bad = 0
if len(got) != len(want):
    print("%s: %d rows, R has %d" % (sys.argv[1], len(got), len(want))); bad = 1
for i, (g, w) in enumerate(zip(got, want)):
    if g != w:
        print("row %d:\n  avn %s\n  R   %s" % (i, g, w)); bad = 1
sys.exit(bad)
PY
  then ok; else bad "table $t differs from R"; fi
done
# Hand-worked from study_a.csv. Flow (hips): nobody has a 1- or 18-month
# visit date; P14 (1 hip) has no 3-month value; P03 and P11 converted on
# 2023-05-10 and 2023-08-20 (before the 18-month planned date 2023-09-01);
# P17 (1 hip) has no 24-month value.
python3 - "$T/rep/tables" <<'PY' || bad "flow / table1 / hhs_category cells"
import csv, sys
d = sys.argv[1]
rows = lambda t: [r for r in csv.reader(open(d + "/" + t + ".csv", encoding="utf-8"))]
flow = {r[0]: r[1:] for r in rows("flow")[1:]}
want = {"1 month": ["24", "0", "24", "0", "0", "0"], "3 months": ["24", "23", "1", "0", "0", "0"],
        "6 months": ["24", "24", "0", "0", "0", "0"], "12 months": ["24", "24", "0", "0", "0", "0"],
        "18 months": ["22", "0", "22", "0", "0", "2"], "24 months": ["22", "21", "1", "0", "0", "2"]}
assert flow == want, flow
t1 = {r[0]: r[1] for r in rows("table1")[1:]}
# ages at 2022-03-01: 36 31 44 38 34 49 27 52 41 28 45 33 38 30 47 39 42 35 51 30
# (by patient); mean 770/20 = 38.5; range 27-52
exp = {"Age (years), mean \u00b1 SD": None, "Age (years), range": "27-52",
       "Sex: Female": "8 (40.0%)", "Sex: Male": "12 (60.0%)",
       "BMI (kg/m\u00b2), missing": "missing: 20",
       "Laterality: Unilateral": "16 (80.0%)", "Laterality: Bilateral": "4 (20.0%)",
       "Side: Left": "13 (54.2%)", "Side: Right": "11 (45.8%)",
       "Etiology: Corticosteroid-associated": "10 (41.7%)", "Etiology: Alcohol-associated": "6 (25.0%)",
       "Etiology: Idiopathic": "8 (33.3%)",
       "Stage (Steinberg): Stage I": "6 (25.0%)", "Stage (Steinberg): Stage II": "10 (41.7%)",
       "Stage (Steinberg): Stage III": "8 (33.3%)",
       "Lesion size (baseline MRI, % of head): < 30%": "7 (29.2%)",
       "Lesion size (baseline MRI, % of head): 30% to < 50%": "12 (50.0%)",
       "Lesion size (baseline MRI, % of head): \u2265 50%": "5 (20.8%)"}
for k, v in exp.items():
    assert k in t1, k
    if v is not None: assert t1[k] == v, (k, t1[k], v)
assert t1["Age (years), mean \u00b1 SD"].startswith("38.5 \u00b1 "), t1
assert "Patients (n = 20)" in t1 and "Hips (n = 24)" in t1
# HHS category: every baseline HHS < 70 (poor). At 24 months: 90 (P14) excellent;
# 84 83 88 80 85 81 82 good; 74 77 71 72 73 72 73 74 79 fair; 64 63 68 69
# poor; P03, P11 converted; P17 no data.
cat = rows("hhs_category")
poor = [r for r in cat if r[0] == "Poor"][0]
assert poor[1:] == ["1", "7", "9", "4", "2", "1", "24"], poor
PY
ok
finish
