# avn protocol amend: versioned, audited, replayed by audit --verify; an
# amendment that would orphan recorded data is refused naming it, and the
# study file stays byte-identical.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2025-06-01 AVN_USER=tester
OHS="$AVN_SOURCE_DIR/docs/examples/oxford-hip.yaml"
DB="$T/a.db"
expect_exit 0 "$AVN" init "$DB" --protocol "$OHS"
expect_exit 0 "$AVN" screen "$DB" S1 --date 2024-01-02 age=44 stage.left=II consent=yes
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-03 --sex male --birth 1980-01-01
expect_exit 0 "$AVN" enter "$DB" P1 baseline ohs pain=1 washing=2 transport=2 socks=1 shopping=2 walking=1 stairs=2 \
  standing=2 limping=1 sudden_pain=2 work=1 night_pain=1 --date 2024-01-03
expect_exit 0 "$AVN" enter "$DB" P1 baseline employment status=retired sick_days=3 --date 2024-01-03

# edit 'sed script' > $T/new.yaml
edit() { sed "$1" "$OHS" >"$T/new.yaml"; }
# The employment form removed from the protocol (it has a recorded instance).
python3 - "$OHS" "$T/new.yaml" <<'PY'
import sys
t = open(sys.argv[1]).read()
a, b = t.index("  # A plain data form"), t.index("visits:")
t = t[:a] + t[b:]
t = t.replace("[baseline, ohs, employment]", "[baseline, ohs]").replace("[ohs, employment]", "[ohs]")
open(sys.argv[2], "w").write(t)
PY
refuse_same "$DB" "form 'employment' has 1 recorded instance(s) at visit baseline" protocol amend "$DB" "$T/new.yaml" --reason r
# An item with values removed.
edit '/name: sick_days/d'
refuse_same "$DB" "item employment.sick_days has 1 recorded value(s)" protocol amend "$DB" "$T/new.yaml" --reason r
# The code list narrowed under a value in use (retired).
edit 's/value: 2},$/value: 2}]}/; /{name: retired, label: Retired, value: 3}/d'
refuse_same "$DB" "employment.status: recorded 'retired' (1 value(s)) no longer allowed: must be one of: working, not_working" \
  protocol amend "$DB" "$T/new.yaml" --reason r
# A range narrowed under a value in use: sick_days 3 > max 2.
edit 's/min: 0, max: 92/min: 0, max: 2/'
refuse_same "$DB" "employment.sick_days: recorded '3' (1 value(s)) no longer allowed: must be between 0 and 2" \
  protocol amend "$DB" "$T/new.yaml" --reason r
# The baseline visit (forms and a date recorded) renamed away: both named in one refusal.
edit 's/name: baseline, label: Baseline/name: day0, label: Baseline/'
refuse_same "$DB" "visit 'baseline' has 1 recorded form(s) (employment); visit 'baseline' has 1 recorded form(s) (ohs); visit 'baseline' has 1 recorded date(s)" \
  protocol amend "$DB" "$T/new.yaml" --reason r
# A screening field in use removed.
edit '/name: consent, type: bool/d; /name: consent, text:/d'
refuse_same "$DB" "screening S1" protocol amend "$DB" "$T/new.yaml" --reason r
# Another protocol's name, the same text, no reason.
edit 's/^name: oxford-hip/name: oxford-knee/'
refuse_same "$DB" "an amendment keeps the protocol's name ('oxford-hip')" protocol amend "$DB" "$T/new.yaml" --reason r
refuse_same "$DB" "nothing to amend" protocol amend "$DB" "$OHS" --reason r
edit 's/forms: \[ohs\]}/forms: [ohs, employment]}/'
refuse_same "$DB" "needs --reason" protocol amend "$DB" "$T/new.yaml"
# A malformed amendment: file:line, nothing written.
edit 's/sick_days, label/sick_days, lable/'
refuse_same "$DB" "new.yaml:" protocol amend "$DB" "$T/new.yaml" --reason r
expect_exit 2 "$AVN" protocol amend "$DB"
expect_err "give STUDY.db and the amended protocol file"

# Accepted: employment also at 6 months, and a new OHS-independent item on it.
edit 's/forms: \[ohs\]}/forms: [ohs, employment]}/; s/type: int, min: 0, max: 92}$/type: int, min: 0, max: 92}\n      - {name: hours, label: Hours worked per week, type: int, min: 0, max: 100}/'
expect_exit 0 "$AVN" protocol amend "$DB" "$T/new.yaml" --reason "employment followed at 6 months"
expect_out "amended to version 2"
expect_exit 0 "$AVN" enter "$DB" P1 m6 employment status=working hours=20 --date 2024-07-03
expect_out "form complete"
# Version 1 is the protocol as created, version 2 the amendment.
[ "$(sqlite3 "$DB" "SELECT version || ' ' || reason || ' ' || amended_by FROM protocol_version ORDER BY version" | tr '\n' '|')" \
  = "1 as created tester|2 employment followed at 6 months tester|" ] && ok || bad "protocol_version rows"
[ "$(sqlite3 "$DB" "SELECT yaml FROM protocol_version WHERE version=1")" = "$(cat "$OHS")" ] && ok || bad "version 1 text"
[ "$(sqlite3 "$DB" "SELECT protocol_yaml FROM study")" = "$(cat "$T/new.yaml")" ] && ok || bad "study protocol is not v2"
expect_exit 0 "$AVN" audit "$DB"
expect_out "amend   study protocol_yaml"
expect_out "amend   protocol version 2 reason: (none) -> employment followed at 6 months"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# The check sees the m6 employment form as scheduled now (no unscheduled finding).
expect_exit 0 "$AVN" check "$DB"
grep -q "unscheduled.*employment" "$T/out" && bad "m6 employment unscheduled after the amendment" || ok
# A version's text changed behind avn's back: --verify names it.
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE protocol_version SET reason='other' WHERE version=2"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "protocol version 2"

# --- the schedule moves while patients are enrolled (issue 10): re-planned, audited, replayed.
cp "$T/new.yaml" "$T/v2.yaml"
expect_exit 0 "$AVN" screen "$DB" S2 --date 2024-02-01 age=50 stage.left=II consent=yes
expect_exit 0 "$AVN" enroll "$DB" S2 P2 --date 2024-02-10 --sex female --birth 1974-01-01
# Dropping m6, which has P1's employment form and date (2024-07-03), is still refused, naming them.
python3 - "$T/v2.yaml" "$T/v3.yaml" <<'PY'
import sys
t = open(sys.argv[1]).read()
t = "\n".join(l for l in t.split("\n") if "name: m6," not in l)
open(sys.argv[2], "w").write(t)
PY
refuse_same "$DB" "visit 'm6' has 1 recorded form(s) (employment); visit 'm6' has 1 recorded date(s)" \
  protocol amend "$DB" "$T/v3.yaml" --reason r
# v3: m6 moves to 5 months +-7 days, and a new visit m3 at 3 months +-14 days.
# Hand-worked (calendar months from day 0):
#   P1 (day 0 2024-01-03): m6 was 2024-07-03 [2024-06-19 .. 2024-07-17],
#        now 2024-06-03 [2024-05-27 .. 2024-06-10]; m3 new 2024-04-03 [2024-03-20 .. 2024-04-17].
#        Its m6 was recorded on 2024-07-03: in the old window, outside the new one.
#   P2 (day 0 2024-02-10): m6 was 2024-08-10 [2024-07-27 .. 2024-08-24],
#        now 2024-07-10 [2024-07-03 .. 2024-07-17]; m3 new 2024-05-10 [2024-04-26 .. 2024-05-24].
#   baseline and m12 unchanged: 2 moved, 2 added, 0 dropped, 1 visit now outside.
sed 's/{name: m6, label: 6 months, at: 6 months, before: 14 days, after: 14 days/{name: m6, label: 5 months, at: 5 months, before: 7 days, after: 7 days/' \
  "$T/v2.yaml" | sed '/name: baseline, label: Baseline/a\  - {name: m3, label: 3 months, at: 3 months, before: 14 days, after: 14 days, forms: [ohs]}' >"$T/v3.yaml"
grep -q "at: 5 months" "$T/v3.yaml" && grep -q "name: m3" "$T/v3.yaml" && ok || bad "v3 not made"
expect_exit 0 "$AVN" protocol amend "$DB" "$T/v3.yaml" --reason "m6 earlier; m3 added"
expect_out "amended to version 3"
expect_out "schedule re-planned for 2 patients: 2 events moved, 2 added, 0 dropped; 1 recorded visit now outside its window (avn check lists it)"
ev() { sqlite3 "$DB" "SELECT e.planned || ' ' || e.earliest || ' ' || e.latest FROM event e JOIN patient p ON p.id = e.patient_id WHERE p.code='$1' AND e.name='$2'"; }
[ "$(ev P1 m6)" = "2024-06-03 2024-05-27 2024-06-10" ] && ok || bad "P1 m6: $(ev P1 m6)"
[ "$(ev P1 m3)" = "2024-04-03 2024-03-20 2024-04-17" ] && ok || bad "P1 m3: $(ev P1 m3)"
[ "$(ev P2 m6)" = "2024-07-10 2024-07-03 2024-07-17" ] && ok || bad "P2 m6: $(ev P2 m6)"
[ "$(ev P2 m3)" = "2024-05-10 2024-04-26 2024-05-24" ] && ok || bad "P2 m3: $(ev P2 m3)"
[ "$(ev P1 m12)" = "2025-01-03 2024-12-04 2025-02-02" ] && ok || bad "P1 m12 moved: $(ev P1 m12)"
# P1's recorded m6 date stays, and is now an out_of_window finding, not a refusal.
[ "$(sqlite3 "$DB" "SELECT e.actual FROM event e JOIN patient p ON p.id = e.patient_id WHERE p.code='P1' AND e.name='m6'")" = 2024-07-03 ] \
  && ok || bad "P1's m6 date changed"
expect_exit 0 "$AVN" check "$DB"
expect_out "out_of_window"
grep "out_of_window" "$T/out" | grep -q "P1.*m6" && ok || bad "no out_of_window finding for P1 m6: $(cat "$T/out")"
# Audited: one row per bound moved, with the amendment's reason; replayed.
[ "$(sqlite3 "$DB" "SELECT field || ' ' || coalesce(old_value, '-') || ' ' || new_value || ' ' || reason FROM audit WHERE action='replan' AND record='patient P1 / event visit m6' ORDER BY id" | tr '\n' '|')" \
  = "planned 2024-07-03 2024-06-03 m6 earlier; m3 added|earliest 2024-06-19 2024-05-27 m6 earlier; m3 added|latest 2024-07-17 2024-06-10 m6 earlier; m3 added|" ] \
  && ok || bad "replan audit rows for P1 m6"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action='replan' AND record='patient P2 / event visit m3' AND old_value IS NULL")" = 3 ] \
  && ok || bad "new event not audited"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# A planned date changed behind avn's back shows in the replay.
cp "$DB" "$T/t3.db"
sqlite3 "$T/t3.db" "UPDATE event SET planned='2024-06-04' WHERE name='m6' AND patient_id=(SELECT id FROM patient WHERE code='P1')"
expect_exit 1 "$AVN" audit "$T/t3.db" --verify
expect_out "patient P1 / event visit m6"
finish
