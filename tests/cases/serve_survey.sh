#!/usr/bin/env bash
# Patients' own questionnaires (web_survey.c) and the Arabic interface.
# A data-entry user issues a one-time link for P001's m1 visit (password
# typed again); the patient opens it with no account and no cookie: VAS for
# each study hip, large controls; an out-of-range value comes back 422 with
# the store's own message and what was typed; the corrected answers are
# saved through store_enter with the patient recorded as their source in the
# audit trail; the link then answers 410 (single use). Kiosk mode logs the
# staff member out of that browser and opens the questionnaire there.
# ?lang=ar and the avn_lang cookie give dir="rtl" pages with the Arabic of
# tests/cases/serve_survey.ar (the translation file's words, checked by a
# reader of Arabic, not copied from the program's output); instrument labels
# in Arabic where the definition carries them (label_ar: the VAS).
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/weblib.sh"
export AVN_TODAY=2024-03-01
db=$T/q.db
web_users "$db" "dora data_entry main" "stan statistician main" || { echo "FAIL: users"; exit 1; }
"$AVN" screen "$db" S001 --date 2024-01-25 $SEED_SCREEN >/dev/null || bad "screen"
"$AVN" enroll "$db" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01 >/dev/null || bad "enroll"
"$AVN" logout "$db" >/dev/null

serve_start "$db" "$T/serve.out" || exit 1
B=$SERVE_BASE
is "dora logs in" "$(web_login "$T/dora" dora pw-of-dora-long)" 303
is "stan logs in" "$(web_login "$T/stan" stan pw-of-stan-long)" 303
is "review page" "$(req -b "$T/dora" "$B/review/P001")" 200
body_has 'action="/survey/new"'
c=$(csrf_of)
req -b "$T/stan" "$B/review/P001" >/dev/null
body_lacks 'action="/survey/new"'    # a statistician enters nothing, so issues no questionnaire
sc=$(csrf_of)
is "stan may not issue a link" "$(req -b "$T/stan" -d "patient=P001&visit=m1&mode=link&minutes=60&password=pw-of-stan-long&csrf=$sc" "$B/survey/new")" 422
body_has "role statistician"
is "a wrong password" "$(req -b "$T/dora" -d "patient=P001&visit=m1&mode=link&minutes=60&password=nope-nope-nope&csrf=$c" "$B/survey/new")" 422
body_has "wrong password"
is "a link for 0 minutes" "$(req -b "$T/dora" -d "patient=P001&visit=m1&mode=link&minutes=0&password=pw-of-dora-long&csrf=$c" "$B/survey/new")" 422
body_has "1 to 1440 minutes"
is "dora issues a link" "$(req -b "$T/dora" -d "patient=P001&visit=m1&mode=link&minutes=60&password=pw-of-dora-long&csrf=$c" "$B/survey/new")" 200
link=$(grep -o 'href="/s/[0-9a-f]*"' "$T/body" | head -1 | sed 's/href="//; s/"//')
is "the link carries 64 hex digits" "${#link}" $((3 + 64))
tok=${link#/s/}
# the token is not kept anywhere in the database (the server holds its hash, in memory)
# (LIKE, both engines': a '_' in the token matches any character, so it can only find more)
db_is "token not stored" "SELECT count(*) FROM audit WHERE coalesce(new_value,'')||coalesce(record,'') LIKE '%$tok%'" 0

# --- the patient: no cookie, no account ---
is "the questionnaire" "$(req "$B$link")" 200
body_has 'class="survey"'
body_has 'name="vas.left.pain_mm"'
body_has 'name="vas.right.pain_mm"'
body_lacks 'name="hhs.'                 # the HHS is the clinician's, not the patient's
pc=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | sed 's/.*value="//; s/"//')
is "without its CSRF token" "$(req -d "vas.left.pain_mm=35" "$B$link")" 403
n0=$(sqlite3 "$db" "SELECT count(*) FROM item_value")
is "an out-of-range answer" "$(req -d "vas.left.pain_mm=35&vas.right.pain_mm=120&csrf=$pc" "$B$link")" 422
body_has "120"
body_has 'name="vas.right.pain_mm" type="text" inputmode="decimal" value="120"'
is "the right hip refused" "$(sqlite3 "$db" "SELECT count(*) FROM item_value v JOIN form f ON f.id=v.form_id WHERE f.side='right'")" 0
s0=$(sqlite3 "$db" "SELECT count(*) FROM session")
is "the answers" "$(req -d "vas.left.pain_mm=35&vas.right.pain_mm=70&csrf=$pc" "$B$link")" 200
db_is "the spent link's store session ended" "SELECT count(*) FROM session" $((s0 - 1))
body_has "Thank you"
db_is "left VAS" "SELECT value_text FROM item_value v JOIN form f ON f.id=v.form_id WHERE f.instrument='vas' AND f.side='left' AND v.item='pain_mm'" 35
db_is "right VAS" "SELECT value_text FROM item_value v JOIN form f ON f.id=v.form_id WHERE f.instrument='vas' AND f.side='right' AND v.item='pain_mm'" 70
db_is "the patient recorded as the source" \
  "SELECT user||' / '||reason FROM audit WHERE action='insert' AND field='pain_mm' AND record LIKE '%vas right%'" \
  "dora / reported by the patient (survey link issued by dora)"
db_is "the visit dated the day it was answered" "SELECT actual FROM event WHERE name='m1' AND kind='visit'" 2024-03-01
is "the link is spent" "$(req "$B$link")" 410
is "and cannot be posted again" "$(req -d "vas.left.pain_mm=1&csrf=$pc" "$B$link")" 410
is "an unknown link" "$(req "$B/s/$(printf '%064d' 0)")" 410

# --- kiosk: the tablet is handed over ---
req -b "$T/dora" "$B/review/P001" >/dev/null
c=$(csrf_of)
s0=$(sqlite3 "$db" "SELECT count(*) FROM session")
is "kiosk" "$(req -b "$T/dora" -c "$T/dora" -d "patient=P001&visit=m3&mode=kiosk&minutes=30&password=pw-of-dora-long&csrf=$c" "$B/survey/new")" 303
grep -qi '^Location: /s/[0-9a-f]\{64\}' "$T/hdr" && ok || bad "kiosk does not open the questionnaire: $(cat "$T/hdr")"
grep -qi 'Set-Cookie: avn_session=;.*Max-Age=0' "$T/hdr" && ok || bad "kiosk does not end the staff session"
is "staff logged out on the tablet" "$(req -b "$T/dora" "$B/")" 303
# dora's store session ended, the kiosk link's began: the same count
db_is "dora's store session ended" "SELECT count(*) FROM session" "$s0"

# --- Arabic, right to left ---
is "Arabic by ?lang=ar" "$(req "$B/login?lang=ar")" 200
body_has '<html lang="ar" dir="rtl">'
body_has "$(sed -n 1p "$AVN_SOURCE_DIR/tests/cases/serve_survey.ar")"
is "the choice kept in a cookie" "$(req -c "$T/lang" "$B/lang?to=ar&back=/login")" 303
grep -qi '^Location: /login' "$T/hdr" && ok || bad "not back to /login"
is "a later page in Arabic" "$(req -b "$T/lang" "$B/login")" 200
body_has 'dir="rtl"'
is "no open redirect" "$(req "$B/lang?to=ar&back=//evil.example")" 303
grep -qi '^Location: /$' <(tr -d '\r' <"$T/hdr") && ok || bad "lang redirects off-site: $(cat "$T/hdr")"
# the questionnaire in Arabic: the VAS's own translation (label_ar in its definition, public domain)
is "dora logs in again" "$(web_login "$T/dora" dora pw-of-dora-long)" 303
req -b "$T/dora" "$B/review/P001" >/dev/null
c=$(csrf_of)
is "a link for m6" "$(req -b "$T/dora" -d "patient=P001&visit=m6&mode=link&minutes=60&password=pw-of-dora-long&csrf=$c" "$B/survey/new")" 200
link=$(grep -o 'href="/s/[0-9a-f]*"' "$T/body" | head -1 | sed 's/href="//; s/"//')
is "the questionnaire in Arabic" "$(req "$B$link?lang=ar")" 200
body_has 'dir="rtl"'
body_has "$(grep -m1 'label_ar:' "$AVN_SOURCE_DIR/src/instruments/defs/vas.yaml" | sed 's/.*label_ar: "//; s/"$//')"
body_has "$(grep -m1 'title_ar:' "$AVN_SOURCE_DIR/src/instruments/defs/vas.yaml" | sed 's/.*title_ar: "//; s/"$//')"
is "English by default" "$(req "$B/login")" 200
body_has '<html lang="en" dir="ltr">'
serve_stop
# the whole replay is an administrator's (store_read_scope)
login "$db" ada "pw-of-ada-long" >/dev/null || bad "ada logs in for the replay"
expect_exit 0 "$AVN" audit "$db" --verify
finish
