# The monitoring cycle with named users at two sites: queries (open, answer,
# close, with their thread), source data verification (a changed value
# clears it), investigator signatures (password again; a change clears
# them), locks at form, patient and study level (the data freeze; report
# --final). Who may do what is store_permit's table (store.h); every
# expectation below is worked out by hand from it. Refusals leave the file
# byte-identical; audit --verify replays all of it.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/m.db"
init_admin "$DB" sequential ada "pw-of-ada" >/dev/null || bad "init"
login "$DB" ada pw-of-ada >/dev/null
"$AVN" site add "$DB" north --name "North hospital" >/dev/null
add() { printf '%s\n' "pw-of-$1" | "$AVN" user add "$DB" "$@" --password-stdin >/dev/null || bad "user add $*"; }
add ivy --role investigator --site main
add dan --role data_entry --site main
add mo --role monitor --site main
add nora --role data_entry --site north
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null || bad "screen S1"
seq_screen "$DB" S2 2024-01-10 right 45 --site north >/dev/null || bad "screen S2"
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female >/dev/null || bad "enroll P1"
"$AVN" enroll "$DB" S2 P2 --date 2024-01-15 --sex male >/dev/null || bad "enroll P2"
"$AVN" logout "$DB" >/dev/null
as() { "$AVN" logout "$DB" >/dev/null 2>&1; login "$DB" "$1" "pw-of-$1" >/dev/null || bad "login $1"; }
as dan
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=80 --date 2024-01-15

# --- a query cycle: the monitor asks, data entry answers, the monitor closes.
as mo
refuse_same "$DB" "user mo (role monitor) may not open a query on patient P2 at site north: not one of their sites" \
  query open "$DB" P2 --message "where is the baseline VAS?"
refuse_same "$DB" "--item: value 'pain' refused: form 'vas' has no such item" \
  query open "$DB" P1 --visit baseline --form vas --hip left --item pain --message "80?"
refuse_same "$DB" "--hip: value 'right' refused: patient P1 has no right study hip" \
  query open "$DB" P1 --visit baseline --form vas --hip right --item pain_mm --message "80?"
expect_exit 0 "$AVN" query open "$DB" P1 --visit baseline --form vas --hip left --item pain_mm --message "the chart says 30, not 80?"
expect_out "opened query 1"
refuse_same "$DB" "user mo (role monitor) may not answer a query on patient P1 at site main: the role does not allow it" \
  query answer "$DB" 1 --message "me"
as nora
refuse_same "$DB" "user nora (role data_entry) may not answer a query on patient P1 at site main: not one of their sites" \
  query answer "$DB" 1 --message "not mine"
as dan
expect_exit 0 "$AVN" query answer "$DB" 1 --message "typo: it is 30"
refuse_same "$DB" "user dan (role data_entry) may not close a query on patient P1 at site main: the role does not allow it" \
  query close "$DB" 1 --message "done"
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=30 --reason "query 1: typo" --date 2024-01-15
as mo
expect_exit 0 "$AVN" query close "$DB" 1 --message "corrected, thanks"
refuse_same "$DB" "query: value '1' refused: the query is closed" query close "$DB" 1 --message "again"
expect_exit 0 "$AVN" query list "$DB" --json
python3 - "$T/out" <<'PY' && ok || bad "query thread: $(cat "$T/out")"
import json, sys
q = json.load(open(sys.argv[1]))["queries"]
assert len(q) == 1 and q[0]["id"] == 1 and q[0]["status"] == "closed", q
assert q[0]["on"] == "patient P1 / visit baseline / vas left / pain_mm", q
assert [(m["user"], m["text"]) for m in q[0]["messages"]] == [
    ("mo", "the chart says 30, not 80?"), ("dan", "typo: it is 30"), ("mo", "corrected, thanks")], q
PY
expect_exit 0 "$AVN" query list "$DB" --status open
[ ! -s "$T/out" ] && ok || bad "a closed query listed as open"
# The trail: open (on, status, message 1), answer (status, message 2), close (status, message 3).
[ "$(sql_join "$DB" '|' "SELECT user || ':' || action || ':' || field || ':' || coalesce(old_value, '-') || '>' || new_value FROM audit WHERE record='query 1' ORDER BY id")" = \
"mo:query_open:on:->patient P1 / visit baseline / vas left / pain_mm|mo:query_open:status:->open|mo:query_open:message 1:->the chart says 30, not 80?|dan:query_answer:status:open>answered|dan:query_answer:message 2:->typo: it is 30|mo:query_close:status:answered>closed|mo:query_close:message 3:->corrected, thanks" ] \
  && ok || bad "query audit rows"

# --- source data verification: the monitor's; a changed value clears it.
form_status() { sqlite3 "$DB" "SELECT f.status FROM form f JOIN patient p ON p.id=f.patient_id WHERE p.code='$1' AND f.visit='$2' AND f.instrument='$3'"; }
as dan
refuse_same "$DB" "user dan (role data_entry) may not verify the source data of patient P1 at site main: the role does not allow it" \
  verify "$DB" P1 baseline vas --hip left
as mo
expect_exit 0 "$AVN" verify "$DB" P1 baseline vas --hip left
[ "$(form_status P1 baseline vas)" = verified ] && ok || bad "not verified"
refuse_same "$DB" "already verified" verify "$DB" P1 baseline vas --hip left
as dan
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=30 --date 2024-01-15   # the same value: stays verified
[ "$(form_status P1 baseline vas)" = verified ] && ok || bad "re-entering the same value cleared the verification"
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=35 --reason "chart re-read" --date 2024-01-15
[ "$(form_status P1 baseline vas)" = complete ] && ok || bad "a changed value kept the verification"
[ "$(sqlite3 "$DB" "SELECT user || ' ' || old_value || '>' || new_value FROM audit WHERE action='status' ORDER BY id DESC LIMIT 1")" = \
  "dan verified>complete" ] && ok || bad "the cleared verification is not audited"
as mo
expect_exit 0 "$AVN" verify "$DB" P1 baseline vas --hip left

# --- signatures: the investigator's, with the password again.
as dan
refuse_same "$DB" "user dan (role data_entry) may not sign patient P1 at site main: the role does not allow it" \
  sign "$DB" P1 --visit baseline --meaning "reviewed" --password-stdin <<<"pw-of-dan"
as ivy
refuse_same "$DB" "unknown user, wrong password or disabled user" sign "$DB" P1 --visit baseline --meaning "reviewed" --password-stdin <<<"not-my-password"
refuse_same "$DB" "user ivy (role investigator) may not sign patient P2 at site north: not one of their sites" \
  sign "$DB" P2 --meaning "reviewed" --password-stdin <<<"pw-of-ivy"
expect_exit 2 "$AVN" sign "$DB" P1 --visit baseline --password-stdin <<<"pw-of-ivy"
expect_exit 0 "$AVN" sign "$DB" P1 --visit baseline --meaning "I reviewed the baseline data: accurate" --password-stdin <<<"pw-of-ivy"
expect_out "signed P1 baseline as ivy"
expect_exit 0 "$AVN" sign "$DB" P1 --meaning "casebook complete and accurate" --password-stdin <<<"pw-of-ivy"
[ "$(sql_join "$DB" '|' "SELECT visit || ':' || user || ':' || meaning FROM signature ORDER BY visit")" = \
  ":ivy:casebook complete and accurate|baseline:ivy:I reviewed the baseline data: accurate" ] && ok || bad "signatures"
# A change at m1 takes the casebook's signature away, not baseline's.
as dan
expect_exit 0 "$AVN" enter "$DB" P1 m1 vas --hip left pain_mm=20 --date 2024-02-14
[ "$(sql_join "$DB" '|' "SELECT visit FROM signature")" = baseline ] && ok || bad "m1 change: $(sqlite3 "$DB" "SELECT visit FROM signature")"
[ "$(sql_join "$DB" '|' "SELECT user || ':' || record || ':' || field || ':' || coalesce(old_value,'-') FROM audit WHERE action='unsign' ORDER BY id")" = \
  "dan:patient P1 / signature casebook:by:ivy|dan:patient P1 / signature casebook:meaning:-" ] && ok || bad "unsign audit rows"
# A change at baseline takes the baseline signature away.
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=36 --reason "rounding" --date 2024-01-15
[ "$(sqlite3 "$DB" "SELECT count(*) FROM signature")" = 0 ] && ok || bad "the baseline signature survived a change"

# --- locks: form, patient, study.
as dan
refuse_same "$DB" "user dan (role data_entry) may not lock patient P1 at site main: the role does not allow it" \
  lock "$DB" P1 baseline vas --hip left --reason "clean"
as mo
expect_exit 0 "$AVN" verify "$DB" P1 baseline vas --hip left
as ivy
refuse_same "$DB" "--reason: a lock or an unlock needs --reason" lock "$DB" P1 baseline vas --hip left
expect_exit 0 "$AVN" lock "$DB" P1 baseline vas --hip left --reason "baseline clean"
[ "$(form_status P1 baseline vas)" = locked ] && ok || bad "form not locked"
as dan
refuse_same "$DB" "this form is locked" enter "$DB" P1 baseline vas --hip left pain_mm=40 --reason x --date 2024-01-15
as ivy
refuse_same "$DB" "the form is already locked" lock "$DB" P1 baseline vas --hip left --reason again
expect_exit 0 "$AVN" unlock "$DB" P1 baseline vas --hip left --reason "query 2 on baseline"
[ "$(form_status P1 baseline vas)" = verified ] && ok || bad "unlock did not give back the verified status"
expect_exit 0 "$AVN" lock "$DB" P1 --reason "casebook reviewed"
as dan
refuse_same "$DB" "patient: value 'P1' refused: the patient's casebook is locked (casebook reviewed)" \
  enter "$DB" P1 m1 vas --hip left pain_mm=25 --reason x --date 2024-02-14
as nora
expect_exit 0 "$AVN" enter "$DB" P2 baseline vas --hip right pain_mm=60 --date 2024-01-15   # another casebook
as ivy
expect_exit 0 "$AVN" unlock "$DB" P1 --reason "late lab value"
refuse_same "$DB" "user ivy (role investigator) may not lock the study: the role does not allow it" lock "$DB" --study --reason freeze
as ada
# An interim report says so; --final refuses an unlocked study and writes nothing.
refuse_same "$DB" "--final: the study is not locked" report "$DB" --out "$T/r0" --final
[ ! -e "$T/r0" ] && ok || bad "report --final wrote a folder for an unlocked study"
expect_exit 0 "$AVN" lock "$DB" --study --reason "database lock for the 24-month analysis"
as nora
refuse_same "$DB" "the study is locked (data freeze since" enter "$DB" P2 m1 vas --hip right pain_mm=50 --date 2024-02-14
expect_err "by ada: database lock for the 24-month analysis)"
at=$(sqlite3 "$DB" "SELECT locked_at FROM study")
[ "$(sql_join "$DB" '|' "SELECT user || ':' || field || ':' || new_value || ':' || reason FROM audit WHERE record='study' AND action='lock' ORDER BY id")" = \
  "ada:lock:database lock for the 24-month analysis:database lock for the 24-month analysis|ada:locked_at:$at:database lock for the 24-month analysis|ada:locked_by:ada:database lock for the 24-month analysis" ] \
  && ok || bad "study lock audit rows"
[ "$(sql_join "$DB" '|' "SELECT user || ':' || action || ':' || old_value || '>' || new_value || ':' || reason FROM audit WHERE record='patient P1 / visit baseline / vas left / entry 1' AND action IN ('lock','unlock') ORDER BY id")" = \
  "ivy:lock:verified>locked:baseline clean|ivy:unlock:locked>verified:query 2 on baseline" ] && ok || bad "form lock audit rows"
AVN_TODAY=2026-01-01 expect_exit 0 "$AVN" report "$DB" --out "$T/r1" --final
expect_out "data locked on $at by ada (database lock for the 24-month analysis)"
grep -q "Data locked on $at by ada" "$T/r1/report.html" && ok || bad "the report does not say when and by whom"
as ada
expect_exit 0 "$AVN" unlock "$DB" --study --reason "late query"
[ "$(sqlite3 "$DB" "SELECT coalesce(lock_reason, 'none') FROM study")" = none ] && ok || bad "study still locked"

# --- the trail replays every table, and notices a signature or a lock changed behind avn's back.
as ivy
expect_exit 0 "$AVN" sign "$DB" P1 --meaning "final review" --password-stdin <<<"pw-of-ivy"
# the whole replay compares every site's tables: an administrator's (store_read_scope)
refuse_same "$DB" "user ivy (role investigator) may not replay the whole audit trail (avn audit --verify): the role does not allow it" \
  audit "$DB" --verify
as ada
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "DELETE FROM signature; UPDATE patient SET lock_reason='x' WHERE code='P2'; UPDATE query_message SET text='edited' WHERE seq=2"
login "$T/t.db" ada pw-of-ada >/dev/null || bad "login to the copy"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "patient P1 / signature casebook"
expect_out "patient P2"
expect_out "query 1"

# --- a study without users: queries, verification and locks by --user; a signature needs a named user.
OLD="$T/old.db"
"$AVN" init "$OLD" --protocol sequential --user carol >/dev/null
seq_screen "$OLD" S1 2024-01-10 left 40 >/dev/null
"$AVN" enroll "$OLD" S1 P1 --date 2024-01-15 --sex female >/dev/null
"$AVN" enter "$OLD" P1 baseline vas --hip left pain_mm=50 --date 2024-01-15 >/dev/null
expect_exit 0 "$AVN" query open "$OLD" P1 --message "consent date?" --user mona
expect_exit 0 "$AVN" verify "$OLD" P1 baseline vas --hip left --user mona
expect_exit 0 "$AVN" lock "$OLD" P1 --reason "clean" --user carol
refuse_same "$OLD" "a signature needs a named user" sign "$OLD" P1 --meaning "ok"
expect_exit 0 "$AVN" audit "$OLD" --verify
finish
