# Corrections, each an audited transaction with a reason, replayed by
# avn audit --verify: clear a value (study_blanks.sh), void a form entered in
# error and restore it, amend enrolment details, screen again (every attempt
# kept), reverse a withdrawal. Refusals leave the file byte-identical.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/c.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 >/dev/null
"$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=80 --date 2024-01-15 >/dev/null

# --- void / restore: a THA entered by mistake converts the hip until voided.
expect_exit 0 "$AVN" enter "$DB" P1 m1 tha --hip left tha_date=2024-02-10 reason=collapse --date 2024-02-14
expect_exit 0 "$AVN" schedule "$DB" --today 2024-06-01 --json
python3 -c "import json,sys; e=json.load(open(sys.argv[1]))['events']; assert any(x['status']=='converted' for x in e), e" "$T/out" \
  && ok || bad "the THA did not convert the hip"
refuse_same "$DB" "--reason: voiding a form needs --reason" void "$DB" P1 m1 tha --hip left
refuse_same "$DB" "form: value 'patient P1 / visit m1 / tha right / entry 1' refused: no such form was entered" \
  void "$DB" P1 m1 tha --hip right --reason "wrong hip"
refuse_same "$DB" "is not void: there is nothing to restore" restore "$DB" P1 m1 tha --hip left --reason x
expect_exit 0 "$AVN" void "$DB" P1 m1 tha --hip left --reason "entered on the wrong patient"
expect_out "voided P1 m1 tha left entry 1"
refuse_same "$DB" "already void (since: entered on the wrong patient)" void "$DB" P1 m1 tha --hip left --reason again
refuse_same "$DB" "this form was voided as entered in error: 'avn restore' it first" \
  enter "$DB" P1 m1 tha --hip left reason=pain --reason "x"
expect_exit 0 "$AVN" schedule "$DB" --today 2024-06-01 --json
python3 -c "import json,sys; e=json.load(open(sys.argv[1]))['events']; assert not any(x['status']=='converted' for x in e), e" "$T/out" \
  && ok || bad "a void THA still converts the hip"
expect_exit 0 "$AVN" show "$DB" P1 --json
python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['forms']; assert [x['form'] for x in f]==['vas'], f" "$T/out" \
  && ok || bad "show lists a void form"
python3 -c "import json,sys; v=json.load(open(sys.argv[1]))['void_forms']; assert v==[{'visit':'m1','form':'tha','hip':'left','instance':'','entry':1,'reason':'entered on the wrong patient'}], v" "$T/out" \
  && ok || bad "show does not list the void form apart"
expect_exit 0 "$AVN" show "$DB" P1
expect_out "  m1 tha left entry 1: entered on the wrong patient"
[ "$(sqlite3 "$DB" "SELECT void_reason FROM form WHERE instrument='tha'")" = "entered on the wrong patient" ] \
  && ok || bad "the void form was not kept"
# A void form is left out of check: the baseline VAS, voided, is missing there.
expect_exit 0 "$AVN" void "$DB" P1 baseline vas --hip left --reason "belongs to P2"
expect_exit 0 "$AVN" check "$DB" --today 2024-01-20 --json
python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['findings']; assert any(x['kind']=='missing_form' and x['form']=='vas' and x['visit']=='baseline' for x in f), f" "$T/out" \
  && ok || bad "check still counts the void vas"
expect_exit 0 "$AVN" restore "$DB" P1 baseline vas --hip left --reason "it was P1's after all"
expect_exit 0 "$AVN" show "$DB" P1 --json
expect_out '"pain_mm": "80"'

# --- amend enrolment details.
refuse_same "$DB" "--reason: amending enrolment details needs --reason" amend "$DB" P1 --sex male
expect_exit 2 "$AVN" amend "$DB" P1 --reason "nothing given"
refuse_same "$DB" "--date: value '2024-01-16' refused: visit 'baseline' was recorded on 2024-01-15, before this enrolment date" \
  amend "$DB" P1 --date 2024-01-16 --reason "typo"
refuse_same "$DB" "enrolment must not be before the screening (2024-01-10)" amend "$DB" P1 --date 2024-01-09 --reason typo
# 1990-01-01 to the screening on 2024-01-10 is 34 years; the screening said 40.
refuse_same "$DB" "birth: value '1990-01-01' refused: gives age 34 at screening (2024-01-10), but the screening recorded age 40" \
  amend "$DB" P1 --birth 1990-01-01 --reason typo
refuse_same "$DB" "--site: value 'north' refused: no such site in this study" amend "$DB" P1 --site north --reason typo
expect_exit 0 "$AVN" amend "$DB" P1 --sex male --birth 1983-06-01 --date 2024-01-14 --reason "copied from the wrong chart"
expect_out "P1: 3 fields amended"
# Day 0 moved to 2024-01-14: m1 (1 month, window 7 days) is planned 2024-02-14,
# 2024-02-07..2024-02-21; the recorded baseline date stays 2024-01-15.
[ "$(sqlite3 "$DB" "SELECT planned || ' ' || earliest || ' ' || latest FROM event WHERE kind='visit' AND name='m1'")" = \
  "2024-02-14 2024-02-07 2024-02-21" ] && ok || bad "the schedule did not move"
[ "$(sqlite3 "$DB" "SELECT actual FROM event WHERE kind='visit' AND name='baseline'")" = 2024-01-15 ] && ok || bad "baseline date"
[ "$(sqlite3 "$DB" "SELECT sex || ' ' || birth_date || ' ' || enrolled_on FROM patient")" = "male 1983-06-01 2024-01-14" ] \
  && ok || bad "amended patient"
before=$(snap "$DB")
expect_exit 0 "$AVN" amend "$DB" P1 --sex male --reason "again"
expect_out "P1: 0 fields amended"
[ "$(snap "$DB")" = "$before" ] && ok || bad "an amendment to the same value wrote"

# --- withdrawal reversed.
"$AVN" withdraw "$DB" P1 --date 2024-03-01 --reason moved >/dev/null
refuse_same "$DB" "a visit must not be after the patient's withdrawal" visit "$DB" P1 m3 --date 2024-04-15
refuse_same "$DB" "--reason: reversing a withdrawal needs --reason" unwithdraw "$DB" P1
expect_exit 0 "$AVN" unwithdraw "$DB" P1 --reason "came back"
refuse_same "$DB" "patient: value 'P1' refused: is not withdrawn" unwithdraw "$DB" P1 --reason "twice"
[ "$(sqlite3 "$DB" "SELECT status || '|' || coalesce(withdrawn_on,'') || '|' || coalesce(withdraw_reason,'') FROM patient")" = "active||" ] \
  && ok || bad "withdrawal not reversed"
expect_exit 0 "$AVN" visit "$DB" P1 m3 --date 2024-04-15

# --- screen again: S2 was screened at 60 (ineligible), the age was misread.
seq_screen "$DB" S2 2024-01-10 left 60 >/dev/null
refuse_same "$DB" "this screening number is already in the log (screen the person again with --again --reason)" \
  screen "$DB" S2 --date 2024-01-12 age=50
refuse_same "$DB" "--reason: screening a person again needs --reason" screen "$DB" S2 --again --date 2024-01-12 age=50
refuse_same "$DB" "already enrolled as patient P1: correct the enrolment with avn amend instead" \
  screen "$DB" S1 --again --reason x --date 2024-01-12 age=50
refuse_same "$DB" "screening again must not be before the last attempt (2024-01-10)" \
  screen "$DB" S2 --again --reason x --date 2024-01-09 age=50
expect_exit 0 seq_screen "$DB" S2 2024-01-12 left 50 --again --reason "age misread"
expect_out "ELIGIBLE"
[ "$(sqlite3 "$DB" "SELECT eligible || ' ' || screened_on FROM screening WHERE code='S2'")" = "1 2024-01-12" ] && ok || bad "latest attempt"
[ "$(sqlite3 "$DB" "SELECT attempt || ' ' || eligible || ' ' || screened_on || ' ' || failed FROM screening_attempt")" = \
  "1 0 2024-01-10 age_18_55" ] && ok || bad "earlier attempt not kept"
expect_exit 0 "$AVN" enroll "$DB" S2 P2 --date 2024-01-15 --sex male
# An enrolment date moved past an in-study date (an AE that began 2024-01-20,
# reported at m1 on 2024-02-14) is refused, though no visit precedes it.
expect_exit 0 "$AVN" enter "$DB" P2 m1 ae --new term=fever grade=1 serious=no related=1 onset_date=2024-01-20 \
  outcome=recovered --date 2024-02-14
refuse_same "$DB" "--date: value '2024-01-25' refused: ae.onset_date at visit m1 is dated 2024-01-20, before this enrolment date" \
  amend "$DB" P2 --date 2024-01-25 --reason typo

# Every correction is in the trail, and the trail replays to the tables.
expect_exit 0 "$AVN" audit "$DB" --json
python3 - "$T/out" <<'PY' || bad "corrections audited"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
acts = {}
for r in rows: acts.setdefault(r["action"], []).append((r["record"], r["field"], r["old"], r["new"], r["reason"]))
assert ("patient P1 / visit m1 / tha left / entry 1", "voided", None, "entered on the wrong patient", "entered on the wrong patient") in acts["void"]
assert ("patient P1 / visit baseline / vas left / entry 1", "voided", "belongs to P2", None, "it was P1's after all") in acts["restore"]
assert ("patient P1", "sex", "female", "male", "copied from the wrong chart") in acts["amend"]
assert ("patient P1", "enrolled", "2024-01-15", "2024-01-14", "copied from the wrong chart") in acts["amend"]
assert ("patient P1", "withdrawn_on", "2024-03-01", None, "came back") in acts["unwithdraw"]
assert ("screening S2", "eligible", "no", "yes", "age misread") in acts["screen"]
assert ("screening S2", "attempts", "1", "2", "age misread") in acts["screen"]
PY
ok
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# An out-of-band edit of the correction tables is caught too.
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "UPDATE form SET void_reason=NULL WHERE instrument='tha'"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "differs: patient P1 / visit m1 / tha left / entry 1 / voided: audit 'entered on the wrong patient', table (none)"
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "DELETE FROM screening_attempt"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "differs: screening S2 / attempts: audit '2', table (none)"
finish
