# avn stats --data STUDY.db: the analyses run on the study's analysis dataset
# (the one the wide CSV export writes, de-identified), with no CSV step, and
# give R's answers: tests/golden/stats/expected_study.json, made by
# make_expected_study.R from the exported columns kept in
# tests/golden/stats/data/study_single_dose.csv. The test first checks that
# the study still exports exactly those cells (so R's answers are about this
# study), then compares avn on the study with R, and avn on the study with
# avn on its own export (the same analysis, to the byte).
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2026-01-15   # the demo's data cut-off (as demo.sh)
PY=/usr/bin/python3
G="$AVN_SOURCE_DIR/tests/golden/stats"
# (the demo's study named, so on PostgreSQL it is a database of the cluster)
DB="$T/sd.db"
expect_exit 0 "$AVN" demo --out "$T/demo" --only single-dose "$DB"
expect_exit 0 "$AVN" export "$DB" --format csv --deidentified --out "$T/study.csv"
$PY - "$T/study.csv" "$G/data/study_single_dose.csv" >"$T/py.out" 2>&1 <<'PY' && ok || bad "export vs kept columns: $(cat "$T/py.out")"
import csv, sys
got = list(csv.DictReader(open(sys.argv[1], newline="")))
kept = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(got) == len(kept), (len(got), len(kept))
for g, k in zip(got, kept):
    for c, v in k.items():
        assert g[c] == v, (k["patient"], c, g[c], v)
PY

# run NAME ARGS...: avn stats on the study and on its export; the same JSON
run() {
  local name=$1; shift
  expect_exit 0 "$AVN" stats "$@" --data "$DB" --json
  cp "$T/out" "$T/$name.study.json"
  expect_exit 0 "$AVN" stats "$@" --data "$T/study.csv" --json
  cmp -s "$T/out" "$T/$name.study.json" && ok || bad "$name: the study and its CSV export differ"
}
run t t --value m6_hhs_total --group sex
run paired paired-t --x baseline_vas_pain_mm --y m12_vas_pain_mm
run ols ols --outcome m18_hhs_total --predictors baseline_hhs_total,age,stage
run lmm lmm --outcome m6_hhs_total --predictors baseline_hhs_total --subject patient
$PY - "$T" "$G/expected_study.json" >"$T/py.out" 2>&1 <<'PY' && ok || bad "avn vs R: $(cat "$T/py.out")"
import json, sys
d, want = sys.argv[1], json.load(open(sys.argv[2]))
def close(name, key, g, e, tol):
    assert g is not None and abs(g - e) <= tol * max(abs(e), 1e-300), (name, key, g, e)
for name in want:
    got = json.load(open(f"{d}/{name}.study.json"))
    # lme4 stops its optimiser at about 1e-8 in the estimates, which the
    # Satterthwaite df and the tiny p-values amplify to about 1e-5
    tol = 1e-4 if name == "lmm" else 1e-9
    for key, e in want[name].items():
        if key == "coefficients":
            assert [c["term"] for c in got[key]] == [c["term"] for c in e], (name, got[key])
            for gc, ec in zip(got[key], e):
                for k in ("estimate", "se", "statistic", "p"):
                    close(name, gc["term"] + "." + k, gc[k], ec[k], tol)
        else:
            close(name, key, got[key], e, tol)
PY
# A column the study has not: refused naming it, listing what there is.
expect_exit 1 "$AVN" stats t --data "$DB" --value m7_hhs_total --group sex
expect_err "m7_hhs_total: no such column in the data (columns: patient, site, side"
finish
