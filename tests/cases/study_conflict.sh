# Two users saving the same form never silently overwrite each other: a
# save names the form version it was made from (--if-version, as the save
# that made the version printed it); when another save came between, a value
# it would change is refused naming the item, both values and who saved
# last, and nothing is written. Runs on SQLite and (pg/cli/study_conflict)
# on PostgreSQL.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/c.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 >/dev/null
# A new form: version 1.
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=30 --date 2024-01-15 --user ann
expect_out "form complete (version 1)"
# ann and bob both read version 1. ann saves first: version 2.
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=40 --reason "re-measured" --user ann --if-version 1
expect_out "0 new, 1 changed, 0 unchanged; form complete (version 2)"
# bob's save from version 1 would overwrite ann's 40 with his 35: refused.
refuse_same "$DB" "vas.pain_mm: value '35' refused: conflict: ann saved this form after you read it (version 1, now 2); the stored value is '40', yours '35'" \
  enter "$DB" P1 baseline vas --hip left pain_mm=35 --reason "typo" --user bob --if-version 1
# Saving what is stored overwrites nothing: no conflict, nothing changes.
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=40 --user bob --if-version 1
expect_out "0 new, 0 changed, 1 unchanged; form complete (version 2)"
# Having read version 2, bob's change goes through: version 3.
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=35 --reason "typo" --user bob --if-version 2
expect_out "form complete (version 3)"
# Version 0 means "no form yet": someone made it meanwhile.
refuse_same "$DB" "vas.pain_mm: value '20' refused: conflict: bob saved this form after you read it (version 0, now 3); the stored value is '35', yours '20'" \
  enter "$DB" P1 baseline vas --hip left pain_mm=20 --user cy --if-version 0
expect_exit 2 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=20 --if-version x   # usage: exit 2
expect_err "--if-version: value 'x' refused: must be a form version"
# Both at once, from the same version 3: exactly one is saved, the other
# is told of the conflict; the trail holds the one change.
for who in dee eve; do
  "$AVN" enter "$DB" P1 baseline vas --hip left "pain_mm=$([ $who = dee ] && echo 50 || echo 60)" --reason race \
    --user $who --if-version 3 >"$T/$who.out" 2>"$T/$who.err" &
done
wait
saved=$(cat "$T/dee.out" "$T/eve.out" | grep -c "version 4")
conflicts=$(cat "$T/dee.err" "$T/eve.err" | grep -c "conflict: ")
[ "$saved" = 1 ] && [ "$conflicts" = 1 ] && ok || bad "two saves from one version: $saved saved, $conflicts conflicts: $(cat "$T"/dee.err "$T"/eve.err)"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE reason='race'")" = 1 ] && ok || bad "race rows in the trail"
expect_exit 0 "$AVN" audit "$DB" --verify
finish
