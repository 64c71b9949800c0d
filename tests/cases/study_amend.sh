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
# The schedule moved while a patient is enrolled.
edit 's/at: 6 months, before: 14 days/at: 6 months, before: 21 days/'
refuse_same "$DB" "the visit schedule (visits, their timing or procedures) changes while 1 patient(s) are enrolled" \
  protocol amend "$DB" "$T/new.yaml" --reason r
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
finish
