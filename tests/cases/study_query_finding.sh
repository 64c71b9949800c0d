# avn query open --finding: a finding of avn check raised as a query in one
# step. Sequential protocol, enrolment 2024-01-31; the baseline procedure on
# the left hip is entered with a 4 mm drill, where the protocol's limit is
# 3.2 mm (drill_size): a deviation whose id is
# deviation/P001/baseline/procedure/left/drill_mm.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-03-01 AVN_USER=monitor1
DB="$T/q.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 "$AVN" screen "$DB" S001 --date 2024-01-25 age=38 mri_confirmed=yes stage.left=II stage.right=III \
  conservative_months=6 can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no platelets=200000 \
  prior_surgery.left=no prior_surgery.right=no active_malignancy=no pregnant=no aspiration_inadequate=no
expect_exit 0 "$AVN" enroll "$DB" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01
expect_exit 0 "$AVN" enter "$DB" P001 baseline procedure --hip left kind=cd_injection drill_mm=4 injection_min=5 \
  injected_ml=10 anaesthesia=spinal fluoroscopy=yes --date 2024-01-31
ID=deviation/P001/baseline/procedure/left/drill_mm
expect_exit 0 "$AVN" list "$DB" findings --json
grep -qF "\"$ID\"" "$T/out" && ok || bad "the deviation is not listed as $ID: $(head -c 600 "$T/out")"
before=$(sqlite3 "$DB" "SELECT count(*) FROM query")
expect_exit 0 "$AVN" query open "$DB" --finding "$ID"
expect_out "opened query 1 on $ID"
expect_exit 0 "$AVN" query list "$DB" --json
python3 - "$T/out" >"$T/py.out" 2>&1 <<'PY' && ok || bad "the query: $(cat "$T/py.out")"
import json, sys
q = json.load(open(sys.argv[1]))
q = q["queries"] if isinstance(q, dict) else q
assert len(q) == 1, q
on, msgs = q[0]["on"], q[0]["messages"]
for part in ("P001", "baseline", "procedure", "left", "drill_mm"):
    assert part in on, (part, on)
assert q[0]["status"] == "open"
assert msgs[0]["text"].startswith("deviation: drill_mm = 4"), msgs[0]["text"]
PY
# Refusals: not a current finding (exit 1, nothing written); usage errors (exit 2).
expect_exit 1 "$AVN" query open "$DB" --finding deviation/P001/m3/procedure/left/drill_mm
expect_err "is not a current finding of this study"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM query")" = "$((before + 1))" ] && ok || bad "a refused query was written"
expect_exit 2 "$AVN" query open "$DB" P001 --finding "$ID"
expect_err "--finding names the patient, visit, form, hip and item itself"
expect_exit 2 "$AVN" query answer "$DB" 1 --finding "$ID" --message x
expect_err "--finding and --today go with open"
finish
