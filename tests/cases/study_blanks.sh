# A blank value (item=) is missing: never stored as 0, "no" or 1970-01-01, never
# fed to a derived value; a required item left blank is refused naming it; a
# recorded value is cleared only with a reason; re-entering what is recorded
# writes nothing (not even form.updated_at).
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/b.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 >/dev/null
"$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=80 --date 2024-01-15 >/dev/null
refuse() { refuse_same "$DB" "$@"; }
# The issue's command: weight_kg and trauma are required items of the baseline form.
refuse "baseline.weight_kg: a required item cannot be left blank" \
  enter "$DB" P1 baseline baseline weight_kg= height_cm=175 smoking= alcohol=none steroid_use=never trauma= asa=1
refuse "baseline.trauma: a required item cannot be left blank" \
  enter "$DB" P1 baseline baseline weight_kg=70 height_cm=175 smoking=never alcohol=none steroid_use=never trauma= asa=1
refuse "vas.pain_mm: a required item cannot be left blank" enter "$DB" P1 m1 vas --hip left pain_mm= --date 2024-02-14
refuse "tha.tha_date: a required item cannot be left blank" enter "$DB" P1 m1 tha --hip left tha_date= reason=collapse --date 2024-02-14
refuse "vas: every value given is blank" enter "$DB" P1 m1 vas --hip left pain_cm= --date 2024-02-14
# Optional blanks are simply not recorded; BMI needs the weight, so it is missing.
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline height_cm=175 occupation= symptom_months= smoking=never \
  alcohol=none steroid_use=never trauma=no asa=1
expect_out "6 new, 0 changed, 2 unchanged; form incomplete"
[ "$(sql_join "$DB" ' ' "SELECT item || '=' || value_text FROM item_value v
   JOIN form f ON f.id=v.form_id WHERE f.instrument='baseline' ORDER BY item")" = \
  "alcohol=none asa=asa1 height_cm=175 smoking=never steroid_use=never trauma=no" ] && ok || bad "baseline values"
expect_exit 0 "$AVN" show "$DB" P1 --json
python3 - "$T/out" <<'PY' || bad "bmi from a missing weight"
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["forms"] if f["form"] == "baseline"][0]
assert "weight_kg" not in f["values"] and "occupation" not in f["values"], f
assert f["scores"]["bmi"] is None, f["scores"]
PY
ok
# Completing it later: 70 / 1.75^2 = 70 / 3.0625 = 22.857142857142858 kg/m^2.
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline weight_kg=70
expect_out "1 new, 0 changed, 0 unchanged; form complete"
expect_exit 0 "$AVN" show "$DB" P1 --json
python3 - "$T/out" <<'PY' || bad "bmi"
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["forms"] if f["form"] == "baseline"][0]
assert abs(f["scores"]["bmi"] - 70 / 1.75**2) < 1e-12, f["scores"]
PY
ok
# MRI read with the head extent blank: stage I (normal x-ray, positive MRI) but
# no Steinberg extent letter (A/B/C needs the extent; it is not invented as 0%).
expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip left reader=dr_a read_date=2024-01-14 mri_positive=yes \
  xray=normal crescent_sign=no subchondral_fracture=no flattening=no jsn=no acetabular_involvement=no \
  advanced_degeneration=no head_involved_pct=
expect_exit 0 "$AVN" show "$DB" P1 --json
python3 - "$T/out" <<'PY' || bad "mri stage from a missing extent"
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["forms"] if f["form"] == "mri"][0]
assert "head_involved_pct" not in f["values"], f["values"]
assert f["values"]["read_date"] == "2024-01-14"
assert f["scores"]["steinberg"] == "I" and f["scores"]["steinberg_extent"] is None, f["scores"]
PY
ok
[ "$(sqlite3 "$DB" "SELECT count(*) FROM item_value WHERE value_text IN ('0','1970-01-01') OR value_text=''")" = 0 ] \
  && ok || bad "a blank was stored"
# Clearing a recorded value: a change, so it needs a reason; then it is gone and audited.
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline occupation=teacher
refuse "baseline.occupation: clears the recorded value 'teacher': give --reason" \
  enter "$DB" P1 baseline baseline occupation=
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline occupation= --reason "another patient's job"
expect_out "0 new, 0 changed, 0 unchanged, 1 cleared; form complete"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM item_value WHERE item='occupation'")" = 0 ] && ok || bad "occupation kept"
expect_exit 0 "$AVN" audit "$DB" --json --record "baseline"
python3 - "$T/out" <<'PY' || bad "clear audited"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["field"] == "occupation"]
assert [(r["action"], r["old"], r["new"], r["reason"]) for r in rows] == \
  [("insert", None, "teacher", None), ("clear", "teacher", None, "another patient's job")], rows
PY
ok
# Clearing a required value with a reason leaves the form incomplete.
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline weight_kg= --reason "weighed in shoes"
expect_out "form incomplete"
# Identical values: nothing written, not even updated_at, no audit row.
sleep 1.1
before=$(snap "$DB")
expect_exit 0 "$AVN" enter "$DB" P1 baseline baseline height_cm=175 smoking=never
expect_out "0 new, 0 changed, 2 unchanged"
[ "$(snap "$DB")" = "$before" ] && ok || bad "identical values changed the file"
finish
