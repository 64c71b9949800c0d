#!/usr/bin/env bash
# Every role boundary of `avn serve`, at the HTTP level, as a table: who
# asks, the method, the path (ids edited in the URL), the form body (ids
# edited in the body), the status wanted, a text the page must hold and one
# it must not. Two sites: main (P001, contact "Layla Hassan" 07700000001,
# born 1985-06-01) and north (P002, "Omar Ali" 07700000002); query 1 is on
# P001. Users: ivy investigator, dora data entry, mona monitor, stan
# statistician, sam safety board (all at main), nora data entry at north.
# The rules come from the issue, not from the code: data entry at site A
# cannot read or change a site B patient however the id is edited; the
# statistician never sees identifying details (name, phone, birth date);
# the monitor changes no data; the safety board sees the safety report and
# nothing else. Every refused request leaves the database byte-identical
# (its dump and its file are hashed before and after).
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/weblib.sh"
export AVN_TODAY=2024-03-01
db=$T/roles.db
web_users "$db" "ivy investigator main" "dora data_entry main" "mona monitor main" "stan statistician main" \
  "sam safety_board main" "nora data_entry north" || { echo "FAIL: users"; exit 1; }
"$AVN" screen "$db" S001 --date 2024-01-25 $SEED_SCREEN >/dev/null || bad "screen S001"
"$AVN" enroll "$db" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01 --name "Layla Hassan" --phone 07700000001 >/dev/null || bad "enroll P001"
"$AVN" screen "$db" S002 --site north --date 2024-01-25 $SEED_SCREEN >/dev/null || bad "screen S002"
"$AVN" enroll "$db" S002 P002 --date 2024-01-31 --sex female --birth 1985-06-01 --name "Omar Ali" --phone 07700000002 >/dev/null || bad "enroll P002"
"$AVN" query open "$db" P001 --message "Please check the baseline date" >/dev/null || bad "query open"
"$AVN" logout "$db" >/dev/null

serve_start "$db" "$T/serve.out" || exit 1
B=$SERVE_BASE
declare -A CSRF
for u in ivy dora mona stan sam nora; do
  is "$u logs in" "$(web_login "$T/$u" "$u" "pw-of-$u-long")" 303
  req -b "$T/$u" "$B/reports" >/dev/null
  CSRF[$u]=$(csrf_of)
done

VAS1="patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10"
VAS2="patient=P002&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10"
SAFE="/report/safety.pdf?from=2024-01-01&to=2024-03-01"
trim() { local x=$1; x=${x#"${x%%[![:space:]]*}"}; printf '%s' "${x%"${x##*[![:space:]]}"}"; }
# user | method | path | body | status | must hold | must not hold
while IFS='|' read -r who method path body want has lacks; do
  who=$(trim "$who"); method=$(trim "$method"); path=$(trim "$path"); body=$(trim "$body"); want=$(trim "$want")
  has=$(trim "$has"); lacks=$(trim "$lacks")
  [ -z "$who" ] || [ "${who:0:1}" = "#" ] && continue
  before=$(snap "$db")
  if [ "$method" = POST ]; then
    got=$(req -b "$T/$who" -d "$body&csrf=${CSRF[$who]}" "$B$path")
  else
    got=$(req -b "$T/$who" "$B$path")
  fi
  is "$who $method $path $body" "$got" "$want"
  [ -n "$has" ] && body_has "$has"
  [ -n "$lacks" ] && body_lacks "$lacks"
  if [ "${want:0:1}" = 4 ]; then [ "$(snap "$db")" = "$before" ] && ok || bad "$who $path: a refused request changed the database"; fi
done <<'TABLE'
# data entry at north (nora) and a main patient: ids edited in the URL
nora | GET  | /patient/P001 |  | 403 | may not see the data of patient P001 at site main | Layla
nora | GET  | /review/P001  |  | 403 | may not see the data of patient P001 | Layla
nora | GET  | /audit/P001   |  | 403 | may not see the data of patient P001 |
nora | GET  | /form?patient=P001&visit=baseline&form=vas&hip=left&entry=1 | | 403 | may not see the data of patient P001 |
nora | GET  | /            |  | 200 | /patient/P002 | /patient/P001
nora | GET  | /patient/P002 |  | 200 | Omar Ali | Layla
# ... and ids edited in the form body
nora | POST | /form | patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10 | 422 | not one of their sites |
nora | POST | /act  | action=query_answer&patient=P001&key=k&id=1&message=x | 403 | may not see the data of patient P001 |
nora | POST | /act  | action=query_answer&patient=P002&key=k&id=1&message=x | 422 | is no query of this patient |
nora | POST | /act  | action=withdraw&patient=P001&key=k&date=2024-03-01&reason=x | 403 | may not see the data of patient P001 |
nora | POST | /act  | action=lock&patient=P001&key=k&reason=x | 403 | may not see the data of patient P001 |
nora | POST | /act  | action=verify&patient=P001&key=k&visit=baseline&form=vas&hip=left&entry=1 | 403 | P001 |
nora | POST | /enroll | screening=S001&patient=P009&date=2024-01-31&sex=male | 422 | |
# the statistician: no identifying details anywhere, no change
stan | GET  | /patient/P001 |  | 200 | Patient P001 | Layla
stan | GET  | /patient/P001 |  | 200 | Patient P001 | 07700000001
stan | GET  | /review/P001  |  | 200 | Review of P001 | Layla
stan | GET  | /audit/P001   |  | 200 | (hidden) | 1985-06-01
stan | GET  | /             |  | 200 | /patient/P001 | Layla
stan | POST | /form | patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10 | 422 | role statistician |
stan | POST | /act  | action=query_open&patient=P001&key=k&message=x | 422 | role statistician |
stan | GET  | /report/study.pdf |  | 200 | %PDF |
# the monitor: sees contact details at their site, changes no data
mona | GET  | /patient/P001 |  | 200 | Layla Hassan |
mona | POST | /form | patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10 | 422 | role monitor |
mona | POST | /act  | action=lock&patient=P001&key=k&reason=x | 422 | role monitor |
mona | POST | /act  | action=withdraw&patient=P001&key=k&date=2024-03-01&reason=x | 422 | role monitor |
mona | POST | /act  | action=query_answer&patient=P001&key=k&id=1&message=x | 422 | role monitor |
mona | POST | /act  | action=sign&patient=P001&key=k&meaning=ok&password=pw-of-mona-long | 422 | role monitor |
mona | GET  | /report/safety.pdf?from=2024-01-01&to=2024-03-01 | | 403 | does not receive the safety report |
# the safety board: the safety report and nothing else
sam  | GET  | /             |  | 303 | |
sam  | GET  | /reports      |  | 200 | Download the safety report | Download the study report
sam  | GET  | /report/safety.pdf?from=2024-01-01&to=2024-03-01 | | 200 | %PDF |
sam  | GET  | /report/safety.pdf?from=2024-13-01&to=2024-03-01 | | 400 | 2024-13-01 |
sam  | GET  | /report/study.pdf |  | 403 | safety report only |
sam  | GET  | /patient/P001 |  | 403 | safety report only | Layla
sam  | GET  | /review/P001  |  | 403 | safety report only |
sam  | GET  | /audit/P001   |  | 403 | safety report only |
sam  | GET  | /form?patient=P001&visit=baseline&form=vas&hip=left&entry=1 | | 403 | safety report only |
sam  | POST | /form | patient=P001&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10 | 403 | safety report only |
sam  | GET  | /screen       |  | 403 | safety report only |
# data entry at main: own site, no locks, no reports
dora | GET  | /patient/P001 |  | 200 | Layla Hassan |
dora | POST | /act  | action=lock&patient=P001&key=k&reason=x | 422 | role data_entry |
dora | GET  | /report/study.pdf |  | 403 | does not receive the study report |
dora | POST | /form | patient=P002&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10 | 422 | not one of their sites |
# allowed, last (they write)
nora | POST | /form | patient=P002&visit=baseline&form=vas&hip=left&entry=1&date=2024-01-31&pain_mm=10 | 303 | |
ivy  | POST | /act  | action=lock&patient=P001&key=k&reason=reviewed | 303 | |
TABLE
req -b "$T/sam" "$B$SAFE" >/dev/null
is "the safety report is a PDF" "$(grep -ci "content-type: application/pdf" "$T/hdr")" 1
grep -qi 'content-disposition: attachment; filename="safety-report.pdf"' "$T/hdr" && ok || bad "no attachment header"
serve_stop
# the whole replay is an administrator's (store_read_scope)
login "$db" ada "pw-of-ada-long" >/dev/null || bad "ada logs in for the replay"
expect_exit 0 "$AVN" audit "$db" --verify
finish
