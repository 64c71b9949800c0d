#!/usr/bin/env bash
# avn serve on a study with named users (avn init --admin): the browser logs
# in with a user name and password checked by the store (the run's token is
# refused), a wrong password is refused and backs off, another site's patient
# is neither listed nor shown (its page, form and trail: 403), and every save acts as
# the logged-in user under that user's role and sites: a data-entry user of
# site north saves a north patient's form and is refused, with the store's
# own message, for a patient of site main; a statistician saves nothing. The
# audit trail names the user; logging out ends the session.
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
command -v curl >/dev/null || { echo "SKIP: curl missing (scripts/setup installs it)"; exit 77; }
export AVN_TODAY=2024-03-01
db=$T/u.db
init_admin "$db" sequential ada "pw-of-ada-long" >/dev/null || { echo "FAIL: init"; exit 1; }
login "$db" ada "pw-of-ada-long" >/dev/null || { echo "FAIL: login"; exit 1; }
"$AVN" site add "$db" north --name "North hospital" >/dev/null || bad "site add"
printf 'pw-of-nora-long\n' | "$AVN" user add "$db" nora --role data_entry --site north --password-stdin >/dev/null || bad "user add nora"
printf 'pw-of-stan-long\n' | "$AVN" user add "$db" stan --role statistician --site main --password-stdin >/dev/null || bad "user add stan"
"$AVN" screen "$db" S001 --date 2024-01-25 $SEED_SCREEN >/dev/null || bad "screen S001"
"$AVN" enroll "$db" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01 >/dev/null || bad "enroll P001"
"$AVN" screen "$db" S002 --site north --date 2024-01-25 $SEED_SCREEN >/dev/null || bad "screen S002"
"$AVN" enroll "$db" S002 P002 --date 2024-01-31 --sex female --birth 1985-06-01 >/dev/null || bad "enroll P002"
"$AVN" logout "$db" >/dev/null

req() { curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"; }
is() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }
body_has() { if grep -qF -- "$1" "$T/body"; then ok; else bad "body lacks '$1': $(head -c 400 "$T/body")"; fi; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"//'; }

serve_start "$db" "$T/serve.out" || exit 1
B=$SERVE_BASE
token=${SERVE_URL##*token=}
is "the login page asks for a password" "$(req "$B/login")" 200
body_has 'name="password" type="password"'
is "the run's token is refused on a study with users" "$(req "$B/login?token=$token")" 403
body_has "log in with your user name and password"
is "a wrong password" "$(req -d "user=nora&password=wrong-password" "$B/login")" 403
is "at once again: backed off" "$(req -d "user=nora&password=pw-of-nora-long" "$B/login")" 429
sleep 1.2
J=$T/nora
is "nora logs in" "$(req -c "$J" -d "user=nora&password=pw-of-nora-long" "$B/login")" 303
is "dashboard" "$(req -b "$J" "$B/")" 200
body_has 'href="/patient/P002"'
if grep -qF 'href="/patient/P001"' "$T/body"; then bad "nora's dashboard lists P001 (site main)"; else ok; fi
# Another site's patient cannot be seen by editing the id in the address.
is "P001's page (site main)" "$(req -b "$J" "$B/patient/P001")" 403
body_has "may not see the data of patient P001 at site main"
is "P001's form (site main)" "$(req -b "$J" "$B/form?patient=P001&visit=baseline&form=vas&hip=left&entry=1")" 403
is "P001's audit trail (site main)" "$(req -b "$J" "$B/audit/P001")" 403
is "P002's page (site north)" "$(req -b "$J" "$B/patient/P002")" 200
is "P002's VAS form" "$(req -b "$J" "$B/form?patient=P002&visit=baseline&form=vas&hip=left&entry=1")" 200
csrf=$(csrf_of)
is "nora saves P002 (site north)" \
  "$(req -b "$J" -d "patient=P002&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=60&csrf=$csrf" "$B/form")" 303
[ "$(sqlite3 "$db" "SELECT user FROM audit WHERE record LIKE 'patient P002 / visit baseline / vas left%' AND field='pain_mm'")" = nora ] &&
  ok || bad "the audit row does not name nora"
before=$(sqlite3 "$db" "SELECT count(*) FROM item_value")
is "nora is refused for P001 (site main)" \
  "$(req -b "$J" -d "patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=60&csrf=$csrf" "$B/form")" 422
body_has "nora"
body_has "data_entry"
[ "$(sqlite3 "$db" "SELECT count(*) FROM item_value")" = "$before" ] && ok || bad "a refused save wrote something"
S=$T/stan
is "stan logs in" "$(req -c "$S" -d "user=stan&password=pw-of-stan-long" "$B/login")" 303
req -b "$S" "$B/form?patient=P001&visit=baseline&form=vas&hip=left&entry=1" >/dev/null
scsrf=$(csrf_of)
is "the statistician saves nothing" \
  "$(req -b "$S" -d "patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=70&csrf=$scsrf" "$B/form")" 422
body_has "statistician"
is "nora logs out" "$(req -b "$J" -d "csrf=$csrf" "$B/logout")" 303
is "her cookie no longer opens a page" "$(req -b "$J" "$B/")" 303
serve_stop
finish
