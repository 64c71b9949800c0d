# The clinical timeline: in-study dates (THA, AE onset, cell harvest and
# injection) between enrolment and withdrawal and not after the visit they are
# entered at; nothing on a hip at a visit after its THA; a form at a visit that
# does not schedule it refused unless --unscheduled (then marked, and listed by
# check); --date stated on every dated write (--date today accepted); AVN_TODAY
# never dates a write in the future and is recorded in the trail.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/t.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 >/dev/null
"$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=80 --date 2024-01-15 >/dev/null
"$AVN" visit "$DB" P1 m1 --date 2024-02-14 >/dev/null
THA="tha --hip left reason=collapse"
# shellcheck disable=SC2086
{
refuse_same "$DB" "tha.tha_date: value '2000-01-15' refused: must not be before enrolment (2024-01-15)" \
  enter "$DB" P1 m1 $THA tha_date=2000-01-15
refuse_same "$DB" "tha.tha_date: value '2024-02-20' refused: must not be after the date of visit 'm1' (2024-02-14), where it is entered" \
  enter "$DB" P1 m1 $THA tha_date=2024-02-20
}
refuse_same "$DB" "cell_product.harvest_date: value '1990-06-01' refused: must not be before enrolment (2024-01-15)" \
  enter "$DB" P1 baseline cell_product --hip left harvest_date=1990-06-01
refuse_same "$DB" "ae.onset_date: value '2019-01-15' refused: must not be before enrolment (2024-01-15)" \
  enter "$DB" P1 m1 ae --new term=fever grade=1 serious=no related=1 onset_date=2019-01-15 outcome=recovered
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new term=fever grade=1 serious=no related=1 onset_date=2024-02-01 outcome=recovered
# A form at a visit that does not schedule it: satisfaction is due at m24, MRI
# at baseline, m6, m12, m24.
refuse_same "$DB" "form: value 'satisfaction' refused: visit 'm1' does not schedule it (protocol 'sequential' has it at: m24)" \
  enter "$DB" P1 m1 satisfaction overall=satisfied
refuse_same "$DB" "form: value 'mri' refused: visit 'm1' does not schedule it (protocol 'sequential' has it at: baseline, m6, m12, m24)" \
  enter "$DB" P1 m1 mri --hip left reader=dr_a read_date=2024-02-14 mri_positive=yes xray=normal crescent_sign=no \
  subchondral_fracture=no flattening=no jsn=no acetabular_involvement=no advanced_degeneration=no
expect_exit 0 "$AVN" enter "$DB" P1 m1 mri --hip left --unscheduled reader=dr_a read_date=2024-02-14 mri_positive=yes \
  xray=normal crescent_sign=no subchondral_fracture=no flattening=no jsn=no acetabular_involvement=no advanced_degeneration=no
expect_exit 0 "$AVN" check "$DB" --today 2024-02-15 --json
python3 - "$T/out" <<'PY' || bad "check lists the unscheduled MRI"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["kind"] == "unscheduled_form"]
assert [(x["visit"], x["form"], x["hip"]) for x in f] == [("m1", "mri", "left")], f
PY
ok
expect_exit 0 "$AVN" show "$DB" P1
expect_out "  m1 mri left instance dr_a entry 1 (complete, unscheduled)"
# A THA dated 2024-02-10 would come before the MRI read at m1 (2024-02-14).
refuse_same "$DB" "tha.tha_date: value '2024-02-10' refused: the left hip has a mri form at visit m1 (2024-02-14), after this arthroplasty" \
  enter "$DB" P1 m1 tha --hip left reason=collapse tha_date=2024-02-10
# The THA on 2024-02-14, reported at m1 (that day): then nothing on that hip
# at a later visit (m3), and no THA dated before a hip form already entered.
expect_exit 0 "$AVN" enter "$DB" P1 m1 tha --hip left reason=collapse tha_date=2024-02-14
refuse_same "$DB" "--hip: value 'left' refused: the left hip was replaced (THA on 2024-02-14, entered at visit m1): no vas after that (visit m3 is on 2024-04-15)" \
  enter "$DB" P1 m3 vas --hip left pain_mm=20 --date 2024-04-15
refuse_same "$DB" "no hhs after that" enter "$DB" P1 m3 hhs --hip left pain=none --date 2024-04-15
"$AVN" enter "$DB" P1 m3 vas --hip left pain_mm=30 --date 2024-04-15 --reason x >/dev/null 2>&1   # refused too
[ "$(sqlite3 "$DB" "SELECT count(*) FROM form WHERE visit='m3'")" = 0 ] && ok || bad "a hip form after the THA"
"$AVN" void "$DB" P1 m1 tha --hip left --reason "entered early" >/dev/null
expect_exit 0 "$AVN" enter "$DB" P1 m3 vas --hip left pain_mm=30 --date 2024-04-15
refuse_same "$DB" "tha.tha_date: value '2024-02-14' refused: the left hip has a vas form at visit m3 (2024-04-15), after this arthroplasty" \
  enter "$DB" P1 m3 tha --hip left reason=collapse tha_date=2024-02-14
# A visit date moved afterwards keeps the timeline: m1 not before the AE
# (onset 2024-02-01) reported there; m3 not after the THA of 2024-07-10
# (reported at m6) on the hip of its VAS.
refuse_same "$DB" "--date: value '2024-01-25' refused: ae.onset_date at visit m1 is dated 2024-02-01, after this visit date" \
  visit "$DB" P1 m1 --date 2024-01-25 --reason "wrong day"
expect_exit 0 "$AVN" enter "$DB" P1 m6 tha --hip left reason=collapse tha_date=2024-07-10 --date 2024-07-15 --entry 1
refuse_same "$DB" "--date: value '2024-07-12' refused: the vas left form at this visit would come after the left hip's arthroplasty (2024-07-10)" \
  visit "$DB" P1 m3 --date 2024-07-12 --reason "wrong day"
# After a withdrawal: no AE dated after it.
"$AVN" withdraw "$DB" P1 --date 2024-08-01 --reason moved >/dev/null
refuse_same "$DB" "ae.onset_date: value '2024-08-05' refused: must not be after the patient's withdrawal (2024-08-01)" \
  enter "$DB" P1 m3 ae --new term=rash grade=1 serious=no related=1 onset_date=2024-08-05 outcome=recovered
# --date is stated: a visit without a date is refused, "today" is accepted.
seq_screen "$DB" S2 2024-01-10 left 41 >/dev/null
"$AVN" enroll "$DB" S2 P2 --date 2024-01-15 --sex male >/dev/null
refuse_same "$DB" "--date: visit 'baseline' has no date yet: give --date YYYY-MM-DD (or --date today)" \
  enter "$DB" P2 baseline vas --hip left pain_mm=50
expect_exit 0 env AVN_TODAY=2024-01-15 "$AVN" enter "$DB" P2 baseline vas --hip left pain_mm=50 --date today
[ "$(sqlite3 "$DB" "SELECT e.actual FROM event e JOIN patient p ON p.id=e.patient_id WHERE p.code='P2' AND e.name='baseline' AND e.kind='visit'")" = 2024-01-15 ] \
  && ok || bad "--date today"
# AVN_TODAY: a date after the real today is refused for writes; a past one is
# recorded in each audit row's time.
export AVN_TODAY=2099-12-31
refuse_same "$DB" "AVN_TODAY: value '2099-12-31' refused: is after today's date" visit "$DB" P2 m1 --date 2099-12-30
expect_exit 0 "$AVN" audit "$DB"   # reading is fine
unset AVN_TODAY
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE at LIKE '% (AVN_TODAY=2024-01-15)'")" -ge 3 ] && ok || bad "AVN_TODAY not in the trail"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
finish
