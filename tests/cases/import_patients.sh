# Patients and visit dates from a records file (docs/import.md, "Patients
# and visit dates"): a wide file (hand-written, shipped `sequential`
# protocol, the hip is the unit) and a REDCap records export (hand-written,
# the dictionary of tests/golden/redcap) name patients the study does not
# have; each goes through avn screen + avn enroll's own checks, visit dates
# through avn visit's, in the import's one transaction: a refusal names
# row, column, value and rule and loads nothing; every change is audited.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2025-06-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential

# The screening columns every new patient needs (sequential's 13 screening
# fields; stage and prior_surgery are per hip: on a hip's row, that hip).
H="screen_age,screen_mri_confirmed,screen_stage,screen_conservative_months,screen_can_attend_24m"
H="$H,screen_accepts_procedure,screen_infection,screen_severe_coagulopathy,screen_platelets,screen_prior_surgery"
H="$H,screen_active_malignancy,screen_pregnant,screen_aspiration_inadequate"
# ok_screen AGE STAGE: an eligible screening (age 18-55, stage I-III, 3+ months of
# conservative therapy, platelets >= 80,000, no exclusion).
ok_screen() { echo "$1,yes,$2,6,yes,yes,no,no,200000,no,no,no,no"; }
HEAD="patient,side,site,sex,birth_date,enrolled,$H,baseline_date,baseline_vas_pain_mm,m1_date,m1_vas_pain_mm"
# N1: both hips (a row each), born 1984-01-01, 40 at screening on the
# enrolment day 2024-01-03; N2: left hip; 1 = male, as avn export writes sex.
cat > "$T/w.csv" <<CSV
$HEAD
N1,left,main,female,1984-01-01,2024-01-03,$(ok_screen 40 II),2024-01-03,70,2024-02-05,50
N1,right,main,female,1984-01-01,2024-01-03,$(ok_screen 40 III),2024-01-03,60,2024-02-05,40
N2,left,main,1,1990-06-15,2024-03-01,$(ok_screen 33 I),2024-03-01,55,,
CSV

# Refusals first: each leaves the study byte-identical.
# bad_row LINE TEXT: the file above with its N2 row replaced by LINE is refused saying TEXT.
bad_row() {
  { head -3 "$T/w.csv"; echo "$1"; } > "$T/b.csv"
  refuse_same "$DB" "$2" import records "$DB" "$T/b.csv" --format wide
  expect_out "3 rows read, 1 refused: nothing loaded"
}
# No enrolment date for a patient the study lacks.
bad_row "N2,left,main,1,1990-06-15,,$(ok_screen 33 I),2024-03-01,55,," \
  "row 4, column 'enrolled': value '' refused: patient N2 is not in the study: enrolling needs its enrolment date"
# No sex.
bad_row "N2,left,main,,1990-06-15,2024-03-01,$(ok_screen 33 I),2024-03-01,55,," \
  "row 4, column 'sex': value '' refused: patient N2 is not in the study: enrolling needs its sex"
# Age 60 is outside the inclusion criterion 18-55.
bad_row "N2,left,main,1,1964-06-15,2024-03-01,$(ok_screen 60 I),2024-03-01,55,," \
  "row 4, column 'screen_age': value '60' refused: inclusion criterion 'Age 18-55 years' is not met"
# A blank platelet count: the exclusion criterion "< 80,000/uL" cannot be judged.
bad_row "N2,left,main,1,1990-06-15,2024-03-01,33,yes,I,4,yes,yes,no,no,,no,no,no,no,2024-03-01,55,," \
  "row 4, column 'screen_platelets': value '' refused: exclusion criterion 'Platelet count < 80,000/uL' needs this value"
# Born 1990-06-15, N2 was 33 on 2024-03-01, not 35 (enrolment's birth check).
bad_row "N2,left,main,1,1990-06-15,2024-03-01,$(ok_screen 35 I),2024-03-01,55,," \
  "row 4, column 'birth_date': value '1990-06-15' refused: gives age 33 at screening (2024-03-01), but the screening recorded age 35"
# A site the study does not have.
bad_row "N2,left,nosuch,1,1990-06-15,2024-03-01,$(ok_screen 33 I),2024-03-01,55,," \
  "row 4, column 'site': value 'nosuch' refused: no such site in this study"
# A month-1 visit dated before enrolment (2024-03-01).
bad_row "N2,left,main,1,1990-06-15,2024-03-01,$(ok_screen 33 I),2024-03-01,55,2024-02-01,50" \
  "row 4, column 'm1_date': value '2024-02-01' refused: a visit must not be before enrolment (2024-03-01)"
# A visit date that is no date.
bad_row "N2,left,main,1,1990-06-15,2024-03-01,$(ok_screen 33 I),2024-03-31x,55,," \
  "row 4, column 'baseline_date': value '2024-03-31x' refused: a visit's date is YYYY-MM-DD"
# The two rows of N1 disagree on a patient-level value: refused with both rows named.
{ head -2 "$T/w.csv"; sed -n 3p "$T/w.csv" | sed 's/,female,/,male,/'; } > "$T/b.csv"
refuse_same "$DB" "row 3, column 'sex': value 'male' refused: row 2 gives 'female' for patient N1" \
  import records "$DB" "$T/b.csv" --format wide
expect_err "row 2, column 'patient': value 'N1' refused: the patient's enrolment is refused (row 3, column 'sex')"

# The file loads: 2 patients (N1 with both hips, N2 with the left), 3
# visit dates (N1 baseline and m1 once, though both rows give them; N2
# baseline), 5 VAS forms (N1 2 x 2, N2 1), 5 values.
expect_exit 0 "$AVN" import records "$DB" "$T/w.csv" --format wide
expect_out "3 rows read, 5 form entries, 5 values new or changed, 2 patients enrolled, 3 visit dates recorded"
expect_exit 0 "$AVN" show "$DB" N1
expect_out "patient N1  (female, site main, enrolled 2024-01-03, active)"
expect_out "left hip: stage II"
expect_out "right hip: stage III"
expect_out "visit      m1                  2024-02-03  2024-01-27..2024-02-10  2024-02-05  done"
expect_exit 0 "$AVN" show "$DB" N2
expect_out "patient N2  (male, site main, enrolled 2024-03-01, active)"
grep -q "right hip" "$T/out" && bad "N2 has a right hip it was not screened for" || ok
# Every change is in the trail: N2's screening (data), enrolment, visit, value.
expect_exit 0 "$AVN" audit "$DB" --record "screening N2"
expect_out "platelets=200000"
expect_exit 0 "$AVN" audit "$DB" --record "patient N2"
expect_out "enroll  patient N2 enrolled: (none) -> 2024-03-01"
expect_out "visit   patient N2 / visit baseline date: (none) -> 2024-03-01"
expect_out "pain_mm: (none) -> 55"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"

# Again: the patients are the study's now, the file agrees with them: nothing changes.
expect_exit 0 "$AVN" import records "$DB" "$T/w.csv" --format wide
expect_out "3 rows read, 5 form entries, 0 values new or changed"
grep -q "patients enrolled\|visit dates" "$T/out" && bad "a second import enrolled or dated again" || ok
# A file that disagrees with a patient the study has is refused, not applied.
sed 's/^N2,left,main,1,1990-06-15,2024-03-01/N2,left,main,1,1990-06-15,2024-03-02/' "$T/w.csv" > "$T/b.csv"
refuse_same "$DB" "row 4, column 'enrolled': value '2024-03-02' refused: differs from the study's enrolment date (2024-03-01): correct it with avn amend" \
  import records "$DB" "$T/b.csv" --format wide

# --skip-invalid: N3 (no sex) is left out, N4 loads.
DB2="$T/s2.db"
expect_exit 0 "$AVN" init "$DB2" --protocol sequential
cat > "$T/w2.csv" <<CSV
$HEAD
N3,left,main,,1984-01-01,2024-01-03,$(ok_screen 40 II),2024-01-03,70,,
N4,right,main,2,1984-01-01,2024-01-03,$(ok_screen 40 II),2024-01-03,30,,
CSV
expect_exit 0 "$AVN" import records "$DB2" "$T/w2.csv" --format wide --skip-invalid
expect_err "row 2, column 'sex'"
expect_out "1 form entries, 1 values new or changed, 1 patients enrolled, 1 visit dates recorded, 1 rows refused and left out"
expect_exit 1 "$AVN" show "$DB2" N3
expect_exit 0 "$AVN" audit "$DB2" --verify

# REDCap: the hip dictionary's forms (as in import_redcap.sh); the records
# name R1 and R2, whom the study lacks. The map says which fields enrol:
# the baseline visit_date is the enrolment date, the demographics sex
# (1 Male, 2 Female) the sex, the age the screening's age; the per-hip stage
# comes from screen_stage_left/_right columns, the site from the data access
# group. Each event's visit_date dates its visit (an m6 row: m6).
G="$AVN_SOURCE_DIR/tests/golden/redcap"
expect_exit 0 "$AVN" import dictionary "$G/hip_dictionary.csv" --out "$T/forms.yaml"
cp "$G/hip_protocol_head.yaml" "$T/p.yaml"
grep -v '^#' "$T/forms.yaml" >> "$T/p.yaml"
RDB="$T/r.db"
expect_exit 0 "$AVN" init "$RDB" --protocol "$T/p.yaml"
expect_exit 0 "$AVN" site add "$RDB" najaf --name "Najaf"
cat > "$T/map.yaml" <<'YAML'
events: {baseline_arm_1: baseline, month_6_arm_1: m6}
date: visit_date
enrolment: {enrolled: visit_date, sex: sex}
screening: {age: age}
YAML
R="record_id,redcap_event_name,redcap_data_access_group,screen_stage_left,screen_stage_right,visit_date,initials,sex,age"
R="$R,demographics_complete,vas_pain_mm,vas_when,vas_pain_complete"
cat > "$T/rec.csv" <<CSV
$R
R1,baseline_arm_1,najaf,II,,2024-01-03,AB,2,45,1,35,1,2
R1,month_6_arm_1,,,,2024-07-02,,,,,20,1,2
R2,baseline_arm_1,najaf,I,III,2024-02-01,CD,1,30,1,50,1,2
CSV
# R3 is 70: outside the inclusion criterion 18-65; nothing loads.
{ cat "$T/rec.csv"; echo "R3,baseline_arm_1,najaf,II,,2024-02-01,EF,1,70,1,50,1,2"; } > "$T/rec3.csv"
refuse_same "$RDB" "row 5, column 'age': value '70' refused: inclusion criterion 'Aged 18-65 years' is not met" \
  import records "$RDB" "$T/rec3.csv" --format redcap --map "$T/map.yaml"
# Loaded: 2 patients; 3 visit dates (R1 baseline and m6, R2 baseline); 5 form
# entries (R1 baseline demographics and VAS, m6 VAS; R2 demographics and VAS).
expect_exit 0 "$AVN" import records "$RDB" "$T/rec.csv" --format redcap --map "$T/map.yaml"
expect_out "3 rows read, 5 form entries"
expect_out "2 patients enrolled, 3 visit dates recorded"
expect_exit 0 "$AVN" show "$RDB" R1
expect_out "patient R1  (female, site najaf, enrolled 2024-01-03, active)"
expect_out "left hip: stage II"
grep -q "right hip" "$T/out" && bad "R1 has a right hip it was not screened for" || ok
expect_out "2024-07-02  done"
expect_exit 0 "$AVN" show "$RDB" R2
expect_out "patient R2  (male, site najaf, enrolled 2024-02-01, active)"
expect_out "right hip: stage III"
expect_exit 0 "$AVN" audit "$RDB" --verify
expect_out "replay: 0 differences"
finish
