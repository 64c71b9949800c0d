# Bad input: every refusal names the field, the value and the rule, exits 1,
# and leaves the database exactly as it was (same logical dump, same file).
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/r.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
"$AVN" screen "$DB" S1 --date 2024-01-10 age=40 mri_confirmed=yes stage.left=II conservative_months=6 can_attend_24m=yes \
  accepts_procedure=yes infection=no severe_coagulopathy=no platelets=200000 prior_surgery.left=no \
  active_malignancy=no pregnant=no aspiration_inadequate=no >/dev/null
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 >/dev/null
"$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=80 --date 2024-01-15 >/dev/null
"$AVN" screen "$DB" S3 --date 2024-01-10 age=30 mri_confirmed=yes stage.right=I conservative_months=6 can_attend_24m=yes \
  accepts_procedure=yes infection=no severe_coagulopathy=no platelets=200000 prior_surgery.right=no \
  active_malignancy=no pregnant=no aspiration_inadequate=no >/dev/null
snap_r() { snap "$DB"; }   # caselib's: the dump and the file (PostgreSQL: the dump)
before=$(snap_r)
# refuse CODE 'stderr text' avn-args...
refuse() {
  local text=$1; shift
  expect_exit 1 "$AVN" "$@"
  expect_err "$text"
  [ "$(snap_r)" = "$before" ] && ok || bad "database changed after refused: $*"
}
refuse "vas.pain_mm: value '101' refused: must be between 0 and 100" enter "$DB" P1 m1 vas --hip left pain_mm=101
refuse "vas.pain_mm: value 'abc'" enter "$DB" P1 m1 vas --hip left pain_mm=abc
refuse "hhs.pain: value 'terrible' refused: must be one of" enter "$DB" P1 m1 hhs --hip left pain=terrible
refuse "vas.colour: no such item" enter "$DB" P1 m1 vas --hip left colour=blue
refuse "form: value 'harris' refused" enter "$DB" P1 m1 harris --hip left pain=none
refuse "visit: value 'm5' refused" enter "$DB" P1 m5 vas --hip left pain_mm=10
refuse "patient P1 has no right study hip" enter "$DB" P1 m1 vas --hip right pain_mm=10
refuse "patient: value 'P9' refused" enter "$DB" P9 m1 vas --hip left pain_mm=10
refuse "a visit must not be before enrolment (2024-01-15)" enter "$DB" P1 m1 vas --hip left pain_mm=10 --date 2024-01-14
refuse "a visit date must not be in the future" enter "$DB" P1 m1 vas --hip left pain_mm=10 --date 2999-01-01
refuse "recorded per hip" enter "$DB" P1 m1 vas pain_mm=10
refuse "does not ask for double entry of 'vas'" enter "$DB" P1 m1 vas --hip left --entry 2 pain_mm=10
refuse "changes the recorded value '80'" enter "$DB" P1 baseline vas --hip left pain_mm=60
refuse "must not be before the patient's birth (1983-05-05)" enter "$DB" P1 m1 ae --new term=fever grade=mild serious=no related=unrelated onset_date=1980-01-01 outcome=recovered --date 2024-02-14
refuse "must not be in the future" enter "$DB" P1 m1 ae --new term=fever grade=mild serious=no related=unrelated onset_date=2999-01-01 outcome=recovered --date 2024-02-14
refuse "patient: value 'P1' refused: this study id is already used" enroll "$DB" S3 P1 --date 2024-01-16 --sex female
refuse "screening: value 'S1' refused: already enrolled as patient P1" enroll "$DB" S1 P2 --date 2024-01-16 --sex female
refuse "platelets: value 'many' refused: must be a number" screen "$DB" S2 --date 2024-01-10 platelets=many
refuse "stage.left: value 'VII' refused: must be one of" screen "$DB" S2 --date 2024-01-10 stage.left=VII
refuse "has no screening field 'height'" screen "$DB" S2 --date 2024-01-10 height=180
refuse "already in the log" screen "$DB" S1 --date 2024-01-10 age=40
refuse "sex: value 'x' refused: must be male or female" enroll "$DB" S1 P2 --date 2024-01-16 --sex x
# Usage errors exit 2.
expect_exit 2 "$AVN" enter "$DB" P1 m1
expect_exit 2 "$AVN" enter "$DB" P1 m1 vas --hip middle pain_mm=1
expect_exit 2 "$AVN" schedule
expect_exit 2 "$AVN" frobnicate
finish
