# A study with missing visits, a withdrawal, hips without MRI or etiology and
# a patient without any HHS (tests/golden/report/study_b.csv, 5 unilateral
# patients) gets a report with honest n's; the sections say what they could
# not compute and show no number computed from nothing. Expected values are
# worked by hand from the CSV (comments) or, for p-values and intervals,
# from R 4.2.2 calls quoted next to them.
. "$(dirname "$0")/../tools/caselib.sh"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
G="$AVN_SOURCE_DIR/tests/golden/report"
DB="$T/b.db"
AVN="$AVN" python3 "$AVN_SOURCE_DIR/tests/tools/report_enter.py" "$G/study_b.csv" "$DB" || bad "entering study B"
# Two more screenings: X1 fails the age and stage criteria (stage IV on the
# left: 'advanced_stage' and 'steinberg_I_III' fail for that hip), X2 is
# eligible but never enrolled.
scr() {
  expect_exit 0 "$AVN" screen "$DB" "$1" --date 2022-03-01 age="$2" mri_confirmed=yes stage.left="$3" \
    conservative_months=4 can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no \
    platelets=250000 prior_surgery.left=no active_malignancy=no pregnant=no aspiration_inadequate=no
}
scr X1 60 IV
scr X2 40 II
AVN_TODAY=2025-06-01 expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
python3 - "$T/rep" <<'PY' || bad "study B cells"
import csv, re, html, sys
d = sys.argv[1]
def rows(t):
    return list(csv.reader(open(d + "/tables/" + t + ".csv", encoding="utf-8")))
def check(got, want, what):
    assert got == want, "%s: got %r want %r" % (what, got, want)
# Flow, hips (= patients). Q2 withdrew 2022-07-15: withdrawn from 6 months on
# (planned 2022-09-01). Visit dates: 3 months Q1 Q2 Q3 Q5; 6 months Q1;
# 12 months Q1 Q5; 24 months Q1 Q3 Q5; nobody at 1 or 18 months.
flow = {r[0]: r[1:] for r in rows("flow")[1:]}
check(flow, {"1 month": ["5", "0", "5", "0", "0", "0"], "3 months": ["5", "4", "1", "0", "0", "0"],
             "6 months": ["4", "1", "3", "0", "1", "0"], "12 months": ["4", "2", "2", "0", "1", "0"],
             "18 months": ["4", "0", "4", "0", "1", "0"], "24 months": ["4", "3", "1", "0", "1", "0"]}, "flow")
excl = {r[0]: r[1] for r in rows("flow_exclusions")[1:]}
check(excl, {"Age 18-55 years": "1", "Steinberg stage I-III": "1", "Advanced stage (Steinberg IV-VI)": "1"},
      "exclusion reasons")
t1 = {r[0]: r[1] for r in rows("table1")[1:]}
# ages 42 32 46 36 34: mean 38.0, SD sqrt(136/4) = 5.83
check(t1["Age (years), mean \u00b1 SD"], "38.0 \u00b1 5.8", "age")
check(t1["BMI (kg/m\u00b2), missing"], "missing: 5", "bmi")
check(t1["Etiology, missing"], "missing: 1", "etiology missing")            # Q3
check(t1["Etiology: Corticosteroid-associated"], "2 (50.0%)", "steroid")    # of 4 recorded
check(t1["Lesion size (baseline MRI, % of head), missing"], "missing: 2", "lesion")  # Q3 Q4
assert "BMI (kg/m\u00b2), mean \u00b1 SD" not in t1, "a BMI mean of nothing"
out = {(r[0], r[1]): r[2:] for r in rows("outcomes")[1:]}
V, H = "VAS pain (0-10)", "Harris Hip Score"
# VAS 3 months: pairs -3 -3 -3 -2. shapiro.test p = 0.0012 -> Wilcoxon;
# wilcox.test(c(-3,-3,-3,-2))$p.value = 0.08897 (ties: normal approx.);
# t.test CI -3.546 to -1.954; Bonferroni 4 x 0.08897 = 0.356.
check(out[(V, "3 months")], ["4", "4.9 \u00b1 0.9", "4.8 (4.4-5.2)", "-2.8 (-3.5 to -2.0)",
                             "Wilcoxon signed-rank", "0.089", "0.356"], "VAS 3 months")
# VAS 6 months: Q1 only (4.0): a mean, no SD, no CI, no test.
check(out[(V, "6 months")], ["1", "4.0", "4.0 (4.0-4.0)", "-4.0", "none (n < 3)", "", ""], "VAS 6 months")
# VAS 24 months: pairs -6 -4 -4.5; shapiro p = 0.46 -> paired t,
# t.test: p = 0.01511, CI -7.419 to -2.248; Bonferroni 0.0604.
check(out[(V, "24 months")], ["3", "3.0 \u00b1 1.7", "2.0 (2.0-3.5)", "-4.8 (-7.4 to -2.2)", "Paired t",
                              "0.015", "0.060"], "VAS 24 months")
check(out[(H, "Baseline (day 0)")][0], "4", "HHS baseline n (Q5 has none)")
resp = {(r[0], r[1].split(",")[0]): r[2:] for r in rows("responders")[1:]}
# HHS > 20 at 24 months: Q1 +30 yes, Q3 +15 no; others no data.
# prop.test(1, 5, correct = FALSE): 0.0362-0.6245; (1, 2): 0.0945-0.9055.
check(resp[(H, "improvement > 20")], ["1/5 (20.0%)", "3.6-62.4%", "1/2 (50.0%)", "9.5-90.5%"], "responders")
# VAS MCID 1.53: Q1 6.0, Q3 4.0, Q5 4.5 -> 3/5, 3/3 (prop.test(3,3): 0.4385-1)
check(resp[(V, "improvement \u2265 MCID (1.53)")], ["3/5 (60.0%)", "23.1-88.2%", "3/3 (100.0%)",
                                                   "43.9-100.0%"], "VAS MCID")
cat = {r[0]: r[1:] for r in rows("hhs_category")[1:]}
# baseline poor Q1-Q4 -> 24 months: Q1 80 good, Q3 60 poor, Q2 Q4 no data; Q5 no HHS.
check(cat["Poor"], ["0", "1", "0", "1", "0", "2", "4"], "category poor row")
check(cat["No data"], ["0", "0", "0", "0", "0", "1", "1"], "category no-data row")
sub = rows("subgroups")[1:]
st = [r for r in sub if r[0] == H and r[1] == "Stage"]
check([r[2:5] for r in st], [["Stage II", "1", "30.0"], ["Stage III", "1", "15.0"]], "HHS by stage")
assert st[0][5].startswith("not computed") and st[0][6] == "", st[0]
ety = [r for r in sub if r[0] == H and r[1] == "Etiology"]
check(ety[-1][2:5], ["not recorded", "1", ""], "etiology not recorded")
models = rows("outcome_models")[1:]
rm = [r for r in models if r[1] == "Repeated-measures ANOVA"]
for r in rm:   # one complete case (Q1): no F, no p
    check(r[2], "1 hips (complete cases)", "RM n")
    assert not any(ch.isdigit() for ch in "".join(r[4:])), r
t = open(d + "/report.html", encoding="utf-8").read()
text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", t, flags=re.S)))
for phrase in ("7 screened; 1 not eligible; 1 eligible but not enrolled; 5 patients enrolled with 5 hips",
               "RM-ANOVA not computed for VAS pain (0-10): 1 complete case for 5 visits",
               "are all successes: the odds of success cannot be modelled",
               "fewer than 2 groups with at least 2 units",
               "Missing data were not imputed"):
    assert phrase in re.sub(r"\s+", " ", text), phrase
PY
ok
finish
