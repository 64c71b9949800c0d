# Screening lists each failed criterion by name; everyone stays in the log;
# enrolment needs an eligible screening; a per-hip criterion excludes only
# that hip. Criteria from protocols/single-dose.yaml (seed 000).
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/e.db"
"$AVN" init "$DB" --protocol single-dose >/dev/null
base="avn_confirmed=yes conservative_months=6 willing_followup=yes consent=yes infection=no hematologic_disorder=no pregnant_or_lactating=no immunocompromised=no malignancy_5y=no"
# Age 70 (> 65), ASA 3 (excluded), left hip Ficat IV (excluded), right hip II.
expect_exit 0 "$AVN" screen "$DB" S1 --date 2024-03-01 --json age=70 asa=3 stage.left=IV stage.right=II prior_surgery.left=no prior_surgery.right=no $base
python3 - "$T/out" <<'PY' || bad "failed criteria S1"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["eligible"] is False
got = sorted((f["criterion"], f["side"]) for f in r["failed"])
assert got == sorted([("age_18_65", "patient"), ("asa_3_plus", "patient"), ("ficat_I_III", "left"), ("ficat_IV", "left")]), got
assert r["study_hips"] == ["right"]
PY
ok
expect_exit 1 "$AVN" enroll "$DB" S1 P1 --sex male --date 2024-03-02
expect_err "enrolment requires an eligible screening"
# A value not entered fails its criterion as 'not assessed'.
expect_exit 0 "$AVN" screen "$DB" S2 --date 2024-03-01 --json age=40 stage.right=I prior_surgery.right=no $base
python3 - "$T/out" <<'PY' || bad "not assessed S2"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["eligible"] is False
assert [(f["criterion"], f["not_assessed"]) for f in r["failed"]] == [("asa_3_plus", True)], r["failed"]
PY
ok
# Eligible, unilateral right hip; a birth date that contradicts the screened age is refused.
expect_exit 0 "$AVN" screen "$DB" S3 --date 2024-03-01 age=40 asa=1 stage.right=III prior_surgery.right=no $base
expect_out "ELIGIBLE"
expect_exit 1 "$AVN" enroll "$DB" S3 P3 --sex female --date 2024-03-05 --birth 1990-01-01
expect_err "gives age 34 at screening (2024-03-01), but the screening recorded age 40"
expect_exit 0 "$AVN" enroll "$DB" S3 P3 --sex female --date 2024-03-05 --birth 1983-07-01
expect_exit 1 "$AVN" enter "$DB" P3 w6 hhs --hip left pain=none --date 2024-04-15
expect_err "patient P3 has no left study hip"
expect_exit 0 "$AVN" check "$DB" --json --today 2024-03-10
python3 - "$T/out" <<'PY' || bad "check after enrolment"
import json, sys
r = json.load(open(sys.argv[1]))
kinds = {f["kind"] for f in r["findings"]}
assert "overdue" in kinds, kinds   # day-0 visit and implantation not recorded, window closed 03-05
PY
ok
finish
