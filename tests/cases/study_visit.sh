# avn visit: recording that a visit took place without a form (the 2-week
# wound check of protocols/single-dose.yaml collects none). The recorded visit
# is done in the schedule, no longer overdue in check, attended in the
# report's flow; the audit trail has it with its user (and reason when
# changed); every refusal exits 1, names the field, the value and the rule,
# and leaves the database byte for byte as it was.
#
# Hand-worked schedule for enrolment on Monday 2024-03-04 (single-dose:
# w2 at 2 weeks -3/+3 days, w6 at 6 weeks +-7 days, m3 at 3 months +-14 days):
#   w2  planned 2024-03-18, window 2024-03-15 .. 2024-03-21
#   w6  planned 2024-04-15, window 2024-04-08 .. 2024-04-22
#   m3  planned 2024-06-04, window 2024-05-21 .. 2024-06-18
# Today is 2024-06-01 (AVN_TODAY), so w2 and w6 have closed (overdue until
# recorded), m3 is due.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
DB="$T/v.db"
expect_exit 0 "$AVN" init "$DB" --protocol single-dose
base="avn_confirmed=yes conservative_months=6 willing_followup=yes consent=yes infection=no hematologic_disorder=no
  pregnant_or_lactating=no immunocompromised=no malignancy_5y=no asa=1"
for s in S1 S2 S3; do
  expect_exit 0 "$AVN" screen "$DB" "$s" --date 2024-03-01 age=39 stage.right=II prior_surgery.right=no $base
done
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-03-04 --sex male --birth 1984-05-05
expect_exit 0 "$AVN" enroll "$DB" S3 P2 --date 2024-03-04 --sex female --birth 1984-05-05
# S2 is screened, eligible, never enrolled.

status() {  # patient visit -> the visit's status line in the schedule JSON
  "$AVN" schedule "$DB" --json --patient "$1" >"$T/s.json" || return 1
  python3 - "$T/s.json" "$2" <<'PY'
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["events"] if e["kind"] == "visit" and e["name"] == sys.argv[2]]
assert len(ev) == 1, ev
e = ev[0]
print(e["planned"], e["earliest"], e["latest"], e["status"])
PY
}
# Before: the wound check is an ordinary visit, overdue (no special status).
[ "$(status P1 w2)" = "2024-03-18 2024-03-15 2024-03-21 overdue" ] && ok || bad "w2 before: $(status P1 w2)"
expect_exit 0 "$AVN" check "$DB"
grep -q "^P1 .*overdue .* w2 .*visit w2 overdue: window closed 2024-03-21" "$T/out" && ok || bad "check: w2 not overdue before: $(cat "$T/out")"

# Record it (inside its window): done, and check no longer lists it.
expect_exit 0 "$AVN" visit "$DB" P1 w2 --date 2024-03-19 --user nurse1
expect_out "P1 w2 on 2024-03-19: recorded"
[ "$(status P1 w2)" = "2024-03-18 2024-03-15 2024-03-21 done" ] && ok || bad "w2 after: $(status P1 w2)"
expect_exit 0 "$AVN" check "$DB"
grep -q "^P1 .* w2 " "$T/out" && bad "check still lists P1 w2: $(cat "$T/out")" || ok
# The same date again writes nothing.
n1=$(sqlite3 "$DB" "SELECT count(*) FROM audit")
expect_exit 0 "$AVN" visit "$DB" P1 w2 --date 2024-03-19
expect_out "already recorded"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit")" = "$n1" ] && ok || bad "unchanged date added audit rows"
# Today is allowed (m3, due: 2024-06-01 is inside 05-21..06-18).
expect_exit 0 "$AVN" visit "$DB" P1 m3 --date 2024-06-01
[ "$(status P1 m3)" = "2024-06-04 2024-05-21 2024-06-18 done" ] && ok || bad "m3: $(status P1 m3)"

# P2 withdraws on 2024-04-10: a visit on that day is accepted, not after it.
expect_exit 0 "$AVN" withdraw "$DB" P2 --date 2024-04-10 --reason "moved away"
expect_exit 0 "$AVN" visit "$DB" P2 w6 --date 2024-04-10

# Refusals: exit 1, the field, the value and the rule, nothing written.
refuse() {  # 'stderr text' avn-args...
  local text=$1 before
  shift
  before=$(snap "$DB")
  expect_exit 1 "$AVN" "$@"
  expect_err "$text"
  [ "$(snap "$DB")" = "$before" ] && ok || bad "database changed after refused: $*"
}
refuse "patient: value 'P9' refused: no such patient in this study" visit "$DB" P9 w2 --date 2024-03-19
refuse "patient: value 'S2' refused: no such patient in this study: screening S2 was never enrolled" \
  visit "$DB" S2 w2 --date 2024-03-19
refuse "patient: value 'S1' refused: no such patient in this study: S1 is a screening number, enrolled as patient P1" \
  visit "$DB" S1 w2 --date 2024-03-19
refuse "visit: value 'm5' refused: protocol 'single-dose' has no such visit (its visits: baseline, w2, w6, m3, m6, m12, m18)" \
  visit "$DB" P1 m5 --date 2024-03-19
refuse "--date: value '2024-03-03' refused: a visit must not be before enrolment (2024-03-04)" \
  visit "$DB" P1 w6 --date 2024-03-03
refuse "--date: value '2024-06-02' refused: a visit date must not be in the future" visit "$DB" P1 w6 --date 2024-06-02
refuse "--date: value '2024-04-11' refused: a visit must not be after the patient's withdrawal from follow-up (2024-04-10)" \
  visit "$DB" P2 m3 --date 2024-04-11
refuse "--reason: the visit date was recorded as 2024-03-19; changing it to 2024-03-20 needs --reason" \
  visit "$DB" P1 w2 --date 2024-03-20
# A withdrawal must not predate follow-up already recorded: P1's m3 visit is
# recorded on 2024-06-01, so a withdrawal on 2024-05-01 is refused (on the
# day of that visit it would be accepted, as a visit on the withdrawal day is).
refuse "date: value '2024-05-01' refused: visit 'm3' was recorded on 2024-06-01, after this withdrawal date" \
  withdraw "$DB" P1 --date 2024-05-01 --reason "lost"
# The same rules hold for avn enter's --date (one implementation).
refuse "--date: value '2024-04-11' refused: a visit must not be after the patient's withdrawal from follow-up (2024-04-10)" \
  enter "$DB" P2 m3 vas --hip right pain_mm=30 --date 2024-04-11
refuse "--reason: the visit date was recorded as 2024-06-01; changing it to 2024-05-30 needs --reason" \
  enter "$DB" P1 m3 vas --hip right pain_mm=30 --date 2024-05-30

# A change with its reason; the audit trail shows both, with user and reason.
expect_exit 0 "$AVN" visit "$DB" P1 w2 --date 2024-03-20 --reason "clinic log misread"
expect_out "P1 w2 on 2024-03-20: changed"
expect_exit 0 "$AVN" audit "$DB" --json --record "P1 / visit w2"
python3 - "$T/out" <<'PY' || bad "audit rows of the w2 date"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["verified"] is True
rows = [(r["action"], r["field"], r["old"], r["new"], r["user"], r["reason"]) for r in a["rows"]]
assert rows == [("visit", "date", None, "2024-03-19", "nurse1", None),
                ("visit", "date", "2024-03-19", "2024-03-20", "tester", "clinic log misread")], rows
PY
ok

# Usage errors exit 2 (the wording of cli_parse, see cli_usage.sh) and write nothing.
before=$(snap "$DB")
usage() {  # MESSAGE args...
  local msg=$1; shift
  expect_exit 2 "$AVN" visit "$@"
  expect_err "avn visit: usage error: $msg"
}
usage "--date is required" "$DB" P1 w2
usage "--date: value '2024-02-30' refused: not a date: February 2024 has 29 days" "$DB" P1 w2 --date 2024-02-30
usage "give STUDY.db PATIENT VISIT" "$DB" P1 --date 2024-03-19
usage "unexpected argument 'extra'" "$DB" P1 w2 extra --date 2024-03-19
usage "--reason needs a text" "$DB" P1 w2 --date 2024-03-20 --reason ""
[ "$(snap "$DB")" = "$before" ] && ok || bad "a usage error changed the database"
expect_exit 0 "$AVN" visit --help
expect_out "usage: avn visit STUDY.db PATIENT VISIT --date YYYY-MM-DD"

# The report's flow counts the wound check like any visit (units: hips, one
# per patient). w2 (planned 03-18): P1 attended, P2 not recorded and its
# window closed before the cut-off 2024-06-01: missed. w6 (planned 04-15):
# P2 withdrawn on 04-10 (cumulative, counted before attendance), P1 not
# recorded, window closed: missed.
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
python3 - "$T/rep/tables/flow.csv" <<'PY' || bad "flow rows for w2 and w6"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
flow = {r[0]: r[1:] for r in rows[1:]}
# Expected, Attended, Missed, Not yet due, Withdrawn, Converted
assert flow.get("2 weeks (wound check)") == ["2", "1", "1", "0", "0", "0"], flow
assert flow.get("6 weeks") == ["1", "0", "1", "0", "1", "0"], flow
PY
ok
grep -q "is not shown" "$T/rep/report.html" && bad "the flow still says a visit is not shown" || ok
finish
