#!/usr/bin/env bash
# A study team's whole cycle in a real browser (headless chromium over the
# DevTools protocol, tests/tools/web_study_browser.py): log in with a
# password; screen and enrol a bilateral patient; the HHS of the left hip
# with its live total (hand-worked 69.725); a second entry by another user
# (79.725: pain slight 40 for mild 30); the discrepancy adjudicated by a third
# user; a query opened, answered and closed; a signature with the password
# typed again. The database is then read from outside: the adjudication, the
# query thread, the signature, and `avn audit --verify` replays it all.
# Screenshots of each step are kept in the build's test folder
# (AVN_TMP/serve_chromium_study/). Exit 77 (skip) only without chromium.
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
PNGSTAT="$(dirname "${AVN_REAL:-$AVN}")/pngstat"   # (AVN_REAL: the binary, on PostgreSQL)
. "$AVN_SOURCE_DIR/tests/tools/chromelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/weblib.sh"
export AVN_TODAY=2024-03-01
shots="${AVN_TMP:-/tmp}/serve_chromium_study"
rm -rf "$shots"
db=$T/study.db
web_users "$db" "ivy investigator main" "dora data_entry main" || { echo "FAIL: users"; exit 1; }
"$AVN" logout "$db" >/dev/null
serve_start "$db" "$T/serve.out" || exit 1
timeout 300 python3 "$AVN_SOURCE_DIR/tests/tools/web_study_browser.py" "$CHROMIUM" "$SERVE_BASE" "$shots" \
  "$(mktemp -d "$T/profile.XXXXXX")" && ok || bad "browser steps (above; $shots/chromium.err)"
serve_stop
db_is "enrolled with both hips" "SELECT count(*) FROM hip h JOIN patient p ON p.id=h.patient_id WHERE p.code='P001'" 2
# (ordered lists joined by sql_join: the same on both engines)
is "two entries of the HHS by two users" \
  "$(sql_join "$db" , "SELECT DISTINCT user FROM audit WHERE action='create' AND record LIKE '%hhs left%' ORDER BY user")" "ada,dora"
db_is "adjudicated by the third" "SELECT item||'='||value_text||' by '||user FROM adjudication" "pain=mild by ivy"
db_is "the query" "SELECT status FROM query" "closed"
is "the query's thread" "$(sql_join "$db" , "SELECT user FROM query_message ORDER BY query_id, seq")" "ada,dora,ada"
db_is "the signature" "SELECT user||' '||visit FROM signature" "ivy m1"
# the whole replay is an administrator's (store_read_scope)
login "$db" ada "pw-of-ada-long" >/dev/null || bad "ada logs in for the replay"
expect_exit 0 "$AVN" audit "$db" --verify
for s in 01-dashboard 02-screened 03-enrolled 04-hhs-entry1-live-total 05-double-entered 06-adjudicated 07-signed 08-query-closed; do
  if [ -s "$shots/$s.png" ]; then ink "$shots/$s.png" 0 0 1024 600 0.01; else bad "no screenshot $s"; fi
done
finish
