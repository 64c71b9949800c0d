#!/usr/bin/env bash
# The browser's review actions (GET /review/P, POST /act), each the command
# line's own store function, driven over HTTP as four named users: a double
# entry of the HHS by two typists, the discrepancy adjudicated by a third; a
# query opened from a finding, answered and closed (the thread); source data
# verification; a signature with the password typed again; a form lock and
# unlock; a withdrawal. Every refusal comes back 422 with the store's own
# message (the words `avn` prints), the form keeps what was typed (never a
# password), and the database is unchanged. The trail names each user and
# `avn audit --verify` replays it all. Then the corrections: a form voided and
# restored, a visit's date recorded without a form, the withdrawal reversed.
# HHS totals, hand-worked (tests/golden/instruments/hhs.txt case hhs_a_index):
# entry 1 = case A = 69.725; entry 2 differs only in pain, slight (40) for
# mild (30): 69.725 + 10 = 79.725.
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/weblib.sh"
export AVN_TODAY=2024-03-01
db=$T/r.db
web_users "$db" "ivy investigator main" "dora data_entry main" "mona monitor main" || { echo "FAIL: users"; exit 1; }
"$AVN" screen "$db" S001 --date 2024-01-25 $SEED_SCREEN >/dev/null || bad "screen"
"$AVN" enroll "$db" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01 >/dev/null || bad "enroll"
"$AVN" logout "$db" >/dev/null
HHS_A="pain=mild&limp=slight&support=cane_long_walks&distance=six_blocks&stairs=railing&shoes=difficulty&sitting=high_chair&transport=able&flexion_contracture_deg=20&fixed_adduction_deg=5&fixed_ir_deg=5&lld_cm=1.0&flexion_deg=100&abduction_deg=20&adduction_deg=10&er_deg=10&ir_deg=10"
FORM="patient=P001&visit=m1&form=hhs&hip=left&date=2024-02-28"
audit_rows() { sqlite3 "$db" "SELECT count(*) FROM audit"; }

serve_start "$db" "$T/serve.out" || exit 1
B=$SERVE_BASE
for u in ada ivy dora mona; do is "$u logs in" "$(web_login "$T/$u" "$u" "pw-of-$u-long")" 303; done
page() { req -b "$T/$1" "$B$2" >/dev/null; csrf_of; }   # page USER PATH: GETs it, prints its CSRF token

# --- double entry: dora types entry 1, ada entry 2 (the second never sees the first) ---
c=$(page dora "/form?patient=P001&visit=m1&form=hhs&hip=left&entry=1")
is "dora saves entry 1" "$(req -b "$T/dora" -d "$FORM&entry=1&$HHS_A&csrf=$c" "$B/form")" 303
c=$(page ada "/form?patient=P001&visit=m1&form=hhs&hip=left&entry=2")
body_lacks "checked"
body_lacks 'value="100"'
req -b "$T/ada" "$B/patient/P001" >/dev/null
body_lacks "69.725"   # entry 1's total is not on the patient page while entry 2 is missing
is "ada saves entry 2" "$(req -b "$T/ada" -d "$FORM&entry=2&${HHS_A/pain=mild/pain=slight}&csrf=$c" "$B/form")" 303
is "patient page" "$(req -b "$T/ada" "$B/patient/P001")" 200
body_has "<b>69.725</b>"
body_has "<b>79.725</b>"

# --- adjudication by a third person ---
c=$(page ivy /review/P001)
body_has "entry_mismatch"
body_has 'name="value" value="mild"'
body_has 'name="value" value="slight"'
KEY="entry_mismatch/P001/m1/hhs/left/pain"
ADJ="action=adjudicate&patient=P001&visit=m1&form=hhs&hip=left&entry=1&item=pain&key=$KEY&value=mild"
n0=$(audit_rows)
is "adjudication without a reason" "$(req -b "$T/ivy" -d "$ADJ&csrf=$c" "$B/act")" 422
body_has 'adjudicating a value needs --reason'
body_has 'name="value" value="mild" checked'   # the choice made is kept
is "nothing written" "$(audit_rows)" "$n0"
c=$(page dora /review/P001)
is "dora typed entry 1: may not adjudicate" "$(req -b "$T/dora" -d "$ADJ&reason=source+says+mild&csrf=$c" "$B/act")" 422
body_has "dora"
is "nothing written" "$(audit_rows)" "$n0"
c=$(page ivy /review/P001)
is "ivy adjudicates" "$(req -b "$T/ivy" -d "$ADJ&reason=source+document+says+mild&csrf=$c" "$B/act")" 303
db_is "the adjudication, by ivy" "SELECT value_text||' '||user FROM adjudication WHERE item='pain'" "mild ivy"
db_is "audited as ivy's" "SELECT user FROM audit WHERE action='adjudicate' AND field='pain'" "ivy"

# --- a query cycle: opened by the monitor from a finding, answered by data entry, closed ---
c=$(page mona /review/P001)
finding=$(grep -o 'name="finding" value="overdue/P001/baseline[^"]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"//')
[ -n "$finding" ] && ok || bad "no overdue baseline finding on the review page"
is "a query from a finding without a finding id" "$(req -b "$T/mona" -d "action=query_open&patient=P001&key=x&finding=nonsense/P001&csrf=$c" "$B/act")" 422
body_has "is not a current finding of this patient"
is "mona opens a query" "$(req -b "$T/mona" --data-urlencode "finding=$finding" -d "action=query_open&patient=P001&key=q:$finding&message=Baseline+visit+date%3F&csrf=$c" "$B/act")" 303
qid=$(sqlite3 "$db" "SELECT max(id) FROM query")
c=$(page dora /review/P001)
body_has "Baseline visit date?"
is "dora closes: not hers to close" "$(req -b "$T/dora" -d "action=query_close&patient=P001&key=query_close:$qid&id=$qid&message=done&csrf=$c" "$B/act")" 422
body_has "may not close a query on patient P001"
is "dora answers" "$(req -b "$T/dora" -d "action=query_answer&patient=P001&key=query_answer:$qid&id=$qid&message=It+was+2024-01-31&csrf=$c" "$B/act")" 303
c=$(page mona /review/P001)
is "mona closes" "$(req -b "$T/mona" -d "action=query_close&patient=P001&key=query_close:$qid&id=$qid&message=Thanks&csrf=$c" "$B/act")" 303
db_is "closed" "SELECT status FROM query WHERE id=$qid" closed
is "its thread" "$(sql_join "$db" ' | ' "SELECT user||':'||text FROM query_message WHERE query_id=$qid ORDER BY seq")" \
  "mona:Baseline visit date? | dora:It was 2024-01-31 | mona:Thanks"
req -b "$T/mona" "$B/review/P001" >/dev/null
body_has "It was 2024-01-31"
body_lacks "query_close:$qid"   # a closed query has no more forms

# --- script and SQL in a message: stored verbatim, shown escaped ---
EVIL="<script>alert(1)</script>'); DROP TABLE audit;--"
c=$(page mona /review/P001)
is "a query with markup and SQL" "$(req -b "$T/mona" --data-urlencode "message=$EVIL" -d "action=query_open&patient=P001&key=query-patient&csrf=$c" "$B/act")" 303
db_is "stored verbatim" "SELECT count(*) FROM query_message WHERE text = '$(printf '%s' "$EVIL" | sed "s/'/''/g")'" 1
req -b "$T/mona" "$B/review/P001" >/dev/null
body_lacks "<script>alert(1)"
body_has "&lt;script&gt;alert(1)&lt;/script&gt;&#39;); DROP TABLE audit;--"

# --- source data verification (the monitor) ---
VER="action=verify&patient=P001&visit=m1&form=hhs&hip=left&entry=1&key=v"
is "mona verifies entry 1" "$(req -b "$T/mona" -d "$VER&csrf=$c" "$B/act")" 303
db_is "verified" "SELECT status FROM form WHERE instrument='hhs' AND entry=1" verified
is "again: already verified" "$(req -b "$T/mona" -d "$VER&csrf=$c" "$B/act")" 422
body_has "already verified"

# --- a signature: the password typed again; the meaning recorded ---
c=$(page ivy /review/P001)
body_has 'name="password" type="password"'
n0=$(audit_rows)
is "a wrong password" "$(req -b "$T/ivy" -d "action=sign&patient=P001&key=sign&visit=m1&meaning=I+confirm+m1&password=not-my-password&csrf=$c" "$B/act")" 422
body_has "wrong password"
body_has 'value="I confirm m1"'          # the meaning typed is kept
body_lacks 'value="not-my-password"'     # the password never comes back
is "nothing written" "$(audit_rows)" "$n0"
c=$(page dora /review/P001)
body_lacks 'name="action" value="sign"'   # data entry is not offered a signature
is "ivy signs m1" "$(req -b "$T/ivy" -d "action=sign&patient=P001&key=sign&visit=m1&meaning=I+confirm+m1&password=pw-of-ivy-long&csrf=$(page ivy /review/P001)" "$B/act")" 303
db_is "the signature" "SELECT user||' '||visit||' '||meaning FROM signature" "ivy m1 I confirm m1"

# --- a form lock with its reason, and the unlock ---
LOCK="patient=P001&visit=m1&form=hhs&hip=left&entry=2&key=f"
c=$(page ivy /review/P001)
is "lock without a reason" "$(req -b "$T/ivy" -d "action=lock&$LOCK&csrf=$c" "$B/act")" 422
body_has 'a lock or an unlock needs --reason'
is "mona (monitor) may not lock" "$(req -b "$T/mona" -d "action=lock&$LOCK&reason=x&csrf=$(page mona /review/P001)" "$B/act")" 422
body_has "monitor"
is "ivy locks entry 2" "$(req -b "$T/ivy" -d "action=lock&$LOCK&reason=reviewed&csrf=$c" "$B/act")" 303
db_is "locked" "SELECT status FROM form WHERE instrument='hhs' AND entry=2" locked
c=$(page ada "/form?patient=P001&visit=m1&form=hhs&hip=left&entry=2")
is "ada cannot change her locked entry" "$(req -b "$T/ada" -d "$FORM&entry=2&${HHS_A/pain=mild/pain=none}&reason=typo&csrf=$c" "$B/form")" 422
body_has "this form is locked"
c=$(page ivy /review/P001)
is "ivy unlocks" "$(req -b "$T/ivy" -d "action=unlock&$LOCK&reason=query+reopened&csrf=$c" "$B/act")" 303
db_is "the status it had" "SELECT status FROM form WHERE instrument='hhs' AND entry=2" complete

# --- a deviation acknowledgement needs an open deviation ---
is "ack of what is no deviation" "$(req -b "$T/ivy" -d "action=ack&patient=P001&key=a&reason=x&csrf=$c" --data-urlencode "finding=$finding" "$B/act")" 422
body_has "is no open protocol deviation of this patient"

# --- withdrawal ---
is "withdrawn in the future" "$(req -b "$T/ivy" -d "action=withdraw&patient=P001&key=withdraw&date=2024-03-05&reason=moved+away&csrf=$c" "$B/act")" 422
body_has "2024-03-05"
body_has 'value="moved away"'
is "withdrawn today" "$(req -b "$T/ivy" -d "action=withdraw&patient=P001&key=withdraw&date=2024-03-01&reason=moved+away&csrf=$c" "$B/act")" 303
db_is "withdrawn" "SELECT status FROM patient WHERE code='P001'" withdrawn

# --- corrections: void and restore, a visit's date, the withdrawal reversed ---
VOID="patient=P001&visit=m1&form=hhs&hip=left&entry=2&key=x"
c=$(page ada /review/P001)
is "void without a reason" "$(req -b "$T/ada" -d "action=void&$VOID&csrf=$c" "$B/act")" 422
is "ada voids entry 2" "$(req -b "$T/ada" -d "action=void&$VOID&reason=entered+twice&csrf=$c" "$B/act")" 303
db_is "void" "SELECT void_reason FROM form WHERE instrument='hhs' AND entry=2" "entered twice"
req -b "$T/ada" "$B/review/P001" >/dev/null
body_has "Void forms"
is "ada restores it" "$(req -b "$T/ada" -d "action=restore&$VOID&reason=voided+by+mistake&csrf=$c" "$B/act")" 303
db_is "restored" "SELECT count(*) FROM form WHERE instrument='hhs' AND entry=2 AND void_reason IS NULL" 1
is "a visit dated in the future" "$(req -b "$T/ada" -d "action=visit&patient=P001&key=visit&visit=m3&date=2024-03-02&csrf=$c" "$B/act")" 422
body_has "2024-03-02"
is "the m3 visit recorded" "$(req -b "$T/ada" -d "action=visit&patient=P001&key=visit&visit=m3&date=2024-03-01&csrf=$c" "$B/act")" 303
db_is "its date" "SELECT actual FROM event WHERE kind='visit' AND name='m3'" 2024-03-01
c=$(page ivy /review/P001)
is "back into follow-up" "$(req -b "$T/ivy" -d "action=unwithdraw&patient=P001&key=unwithdraw&reason=came+back&csrf=$c" "$B/act")" 303
db_is "active again" "SELECT status FROM patient WHERE code='P001'" active

# --- the study lock (the data freeze): the administrator's ---
c=$(page ivy /review/P001)
is "ivy may not lock the study" "$(req -b "$T/ivy" -d "action=lock_study&reason=freeze&csrf=$c" "$B/act")" 422
body_has "role investigator"
c=$(page ada /)
body_has 'value="lock_study"'
is "a study lock without a reason" "$(req -b "$T/ada" -d "action=lock_study&csrf=$c" "$B/act")" 422
is "ada locks the study" "$(req -b "$T/ada" -d "action=lock_study&reason=data+freeze&csrf=$c" "$B/act")" 303
c=$(page dora "/form?patient=P001&visit=m1&form=hhs&hip=left&entry=1")
is "no change while the study is locked" "$(req -b "$T/dora" -d "$FORM&entry=1&${HHS_A/pain=mild/pain=none}&reason=typo&csrf=$c" "$B/form")" 422
body_has "the study is locked"
c=$(page ada /)
body_has "data freeze"
is "ada unlocks it" "$(req -b "$T/ada" -d "action=unlock_study&reason=query+to+resolve&csrf=$c" "$B/act")" 303

# --- no CSRF, no action ---
is "a post without its CSRF token" "$(req -b "$T/ivy" -d "action=lock&$LOCK&reason=x" "$B/act")" 403
serve_stop
# the whole replay is an administrator's (store_read_scope)
login "$db" ada "pw-of-ada-long" >/dev/null || bad "ada logs in for the replay"
expect_exit 0 "$AVN" audit "$db" --verify
finish
