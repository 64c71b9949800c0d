# Every accepted change is in the audit trail with old value, new value and
# reason; the hash chain detects a row altered behind avn's back.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/a.db"
"$AVN" init "$DB" --protocol sequential --user coordinator >/dev/null
"$AVN" screen "$DB" S1 --date 2024-01-10 age=40 mri_confirmed=yes stage.left=I conservative_months=6 can_attend_24m=yes \
  accepts_procedure=yes infection=no severe_coagulopathy=no platelets=200000 prior_surgery.left=no \
  active_malignancy=no pregnant=no aspiration_inadequate=no >/dev/null
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male >/dev/null
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_cm=7.5 --date 2024-01-15 --user nurse1
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=70 --reason "misread the ruler" --user monitor
expect_exit 0 "$AVN" audit "$DB" --json --record "P1"
python3 - "$T/out" <<'PY' || bad "audit rows"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["verified"] is True
rows = [r for r in a["rows"] if r["field"] == "pain_mm"]
assert len(rows) == 2, rows
assert rows[0]["old"] is None and rows[0]["new"] == "75" and rows[0]["user"] == "nurse1"   # 7.5 cm = 75 mm
assert rows[1]["old"] == "75" and rows[1]["new"] == "70" and rows[1]["reason"] == "misread the ruler"
assert rows[1]["user"] == "monitor" and rows[1]["action"] == "update"
PY
ok
# An unchanged value writes nothing to the trail.
n1=$("$AVN" audit "$DB" | wc -l)
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=70
n2=$("$AVN" audit "$DB" | wc -l)
[ "$n1" = "$n2" ] && ok || bad "unchanged value added audit rows ($n1 -> $n2)"
# Tampering: edit a value in the trail directly; avn audit must notice.
sqlite3 "$DB" "UPDATE audit SET new_value='10' WHERE field='pain_mm' AND action='insert'"
expect_exit 1 "$AVN" audit "$DB"
expect_err "the audit trail was altered"
finish
