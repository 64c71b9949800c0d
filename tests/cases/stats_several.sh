# avn stats km,logrank,cox: several tests on one read of the file give, test
# by test, exactly what each test gives alone (those are checked against R in
# stats_more.sh and stats_survreg.sh); an option no listed test takes is a
# usage error, as it is for one test.
. "$(dirname "$0")/../tools/caselib.sh"
D="$AVN_SOURCE_DIR/tests/golden/stats/data/m_lung.csv"
expect_exit 0 "$AVN" stats km,logrank,cox --data "$D" --time time --event status --group sex --covariates age,sex --json
cp "$T/out" "$T/all.json"
"$AVN" stats km --data "$D" --time time --event status --group sex --json >"$T/km.json"
"$AVN" stats logrank --data "$D" --time time --event status --group sex --json >"$T/logrank.json"
"$AVN" stats cox --data "$D" --time time --event status --covariates age,sex --json >"$T/cox.json"
python3 - "$T" >"$T/py.out" 2>&1 <<'PY' && ok || bad "several vs one by one: $(cat "$T/py.out")"
import json, sys
d = sys.argv[1]
allj = json.load(open(d + "/all.json"))
assert allj["tests"] == ["km", "logrank", "cox"], allj["tests"]
for t in allj["tests"]:
    alone = json.load(open(f"{d}/{t}.json"))
    assert allj[t] == alone, f"{t} differs from its own run"
PY
# Text output: a heading per test.
expect_exit 0 "$AVN" stats km,logrank --data "$D" --time time --event status --group sex
expect_out "== km =="
expect_out "== logrank =="
expect_exit 2 "$AVN" stats km,logrank --data "$D" --time time --event status --group sex --covariates age
expect_err "--covariates is not an option of any of km,logrank"
expect_exit 2 "$AVN" stats km,nosuch --data "$D" --time time --event status
expect_err "unknown test 'nosuch'"
expect_exit 2 "$AVN" stats km,km --data "$D" --time time --event status
expect_err "test 'km' given twice"
finish
