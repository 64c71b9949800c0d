# avn dump URI FILE --site S: one site's part of a study on PostgreSQL in a
# file. The part holds no row of another site (asked with sqlite3 on the
# file; another site's patient's name is not even in the file's bytes),
# `avn audit --verify` on it passes and says it is a site's part (the chain
# spans every site), an edited record of the part is caught, and the study
# on the server is unchanged by the dump. A part of a study with named
# users is read by them offline (avn login checks the part's users and
# writes nothing), never written.
. "$(dirname "$0")/../tools/caselib.sh"
: "${AVN_PG_DIR:?}"
. "$AVN_SOURCE_DIR/tests/tools/pglib.sh"
U=$(pg_db_uri "$T/server.db")
pg_db_create "$T/server.db"
expect_exit 0 "$AVN" init "$U" --protocol sequential
expect_exit 0 "$AVN" site add "$U" north --name North
seq_screen "$U" S1 2024-01-10 left 40 >/dev/null
seq_screen "$U" S2 2024-01-11 right 33 --site north >/dev/null
seq_screen "$U" S3 2024-01-12 left 35 --site north >/dev/null
seq_screen "$U" S4 2024-01-12 left 70 >/dev/null   # main, ineligible
expect_exit 0 "$AVN" enroll "$U" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 --name Zeldamainsite
expect_exit 0 "$AVN" enroll "$U" S2 P2 --date 2024-01-16 --sex male --name Northa
expect_exit 0 "$AVN" enroll "$U" S3 P3 --date 2024-01-17 --sex female
expect_exit 0 "$AVN" enter "$U" P1 baseline vas --hip left pain_mm=62.5 --date 2024-01-15
expect_exit 0 "$AVN" enter "$U" P2 baseline vas --hip right pain_mm=10 --date 2024-01-16
expect_exit 0 "$AVN" enter "$U" P3 baseline vas --hip left pain_mm=20 --date 2024-01-17
expect_exit 0 "$AVN" query open "$U" P1 --visit baseline --form vas --hip left --item pain_mm --message "62.5 or 65?"
expect_exit 0 "$AVN" query open "$U" P2 --visit baseline --form vas --hip right --item pain_mm --message "10 sure?"
expect_exit 0 "$AVN" enter "$U" P1 m1 vas --hip left pain_mm=40 --date 2024-02-14   # main's rows after north's
before=$(snap "$T/server.db")
whole=$(sqlite3 "$T/server.db" "SELECT count(*) FROM audit")
expect_exit 0 "$AVN" dump "$U" "$T/north.db" --site north
expect_out "copied site north"
[ "$(snap "$T/server.db")" = "$before" ] && ok || bad "the dump changed the study"
N="$T/north.db"
q() { command sqlite3 "$N" "$1"; }
[ "$(q "SELECT code FROM site")" = north ] && ok || bad "sites: $(q "SELECT code FROM site")"
[ "$(q "SELECT group_concat(code, ' ') FROM (SELECT code FROM patient ORDER BY code)")" = "P2 P3" ] && ok || bad "patients"
[ "$(q "SELECT group_concat(code, ' ') FROM (SELECT code FROM screening ORDER BY code)")" = "S2 S3" ] && ok || bad "screenings"
# No row of another site in any table that names a patient or a site.
[ "$(q "SELECT count(*) FROM patient p JOIN site s ON s.id = p.site_id WHERE s.code <> 'north'")" = 0 ] && ok || bad "main patient"
for t in identity hip event form query signature adjudication; do
  [ "$(q "SELECT count(*) FROM $t WHERE patient_id NOT IN (SELECT id FROM patient)")" = 0 ] && ok || bad "$t of another site"
done
[ "$(q "SELECT count(*) FROM item_value WHERE form_id NOT IN (SELECT id FROM form)")" = 0 ] && ok || bad "item values of another site"
[ "$(q "SELECT count(*) FROM query_message WHERE query_id NOT IN (SELECT id FROM query)")" = 0 ] && ok || bad "messages of another site"
[ "$(q "SELECT count(*) FROM audit WHERE record LIKE 'patient P1%' OR record LIKE 'screening S1' OR record LIKE 'screening S4' OR record = 'site main' OR record = 'query 1'")" = 0 ] \
  && ok || bad "audit records of site main: $(q "SELECT record FROM audit WHERE record LIKE '%P1%' OR record LIKE '%S1' OR record='site main' OR record='query 1'")"
[ "$(q "SELECT count(*) FROM audit WHERE record LIKE 'patient P2%'")" -gt 0 ] && ok || bad "north's audit records missing"
grep -qa Zeldamainsite "$N" && bad "another site's patient's name is in the file's bytes" || ok
grep -qa Northa "$N" && ok || bad "the site's own patient's name is not in the file"
[ "$(q "PRAGMA integrity_check")" = ok ] && ok || bad "the part is damaged"
# The part verifies as a part of the whole chain.
expect_exit 0 "$AVN" audit "$N" --verify
expect_out "site part: site north"
expect_out "of the whole chain's $whole rows"
expect_out "matches $whole rows"
expect_out "replay: 0 differences"
# ... and an edited record, a deleted table row or a forged link is caught.
command cp "$N" "$T/t.db"; command sqlite3 "$T/t.db" "UPDATE audit SET new_value='11' WHERE field='pain_mm' AND new_value='10'"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_err "does not match its hash chain"
command cp "$N" "$T/t.db"; command sqlite3 "$T/t.db" "UPDATE patient SET sex='female' WHERE code='P2'"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "differs: patient P2 / sex: audit 'male', table 'female'"
command cp "$N" "$T/t.db"; command sqlite3 "$T/t.db" "UPDATE site_part_link SET prev='00' WHERE id=(SELECT max(id) FROM site_part_link)"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_err "does not match its hash chain"
# A part is not written to: refused, the file unchanged.
sum=$(sha256sum < "$N")
expect_exit 1 "$AVN" visit "$N" P2 m1 --date 2024-02-16
expect_err "one site's part of a study"
[ "$(sha256sum < "$N")" = "$sum" ] && ok || bad "a refused write changed the part"
# The whole study still verifies; an unknown site leaves no file.
expect_exit 0 "$AVN" audit "$U" --verify
expect_exit 1 "$AVN" dump "$U" "$T/x.db" --site south
expect_err "no such site in this study"
[ ! -e "$T/x.db" ] && ok || bad "a refused part left a file"

# --- A part of a study with named users: its users read it offline, read
# only. nina (investigator at north) logs in to north's part: the password
# is checked against the part's users and nothing is written; report,
# export and list work as nina, and audit --verify as ana (north's
# administrator: the whole replay is an administrator's, as on the study);
# a write is still refused; a wrong password, mona (a monitor of main only:
# not in the part) and a forged token are refused.
V=$(pg_db_uri "$T/users.db")
pg_db_create "$T/users.db"
expect_exit 0 init_admin "$V" sequential ada "ada-password-1"
login "$V" ada ada-password-1 >/dev/null || bad "ada's login"
expect_exit 0 "$AVN" site add "$V" north --name North
printf 'nina-password-1\n' | "$AVN" user add "$V" nina --role investigator --site north --password-stdin >/dev/null \
  || bad "user add nina"
printf 'ana-password-1\n' | "$AVN" user add "$V" ana --role administrator --site north --password-stdin >/dev/null \
  || bad "user add ana"
printf 'mona-password-1\n' | "$AVN" user add "$V" mona --role monitor --site main --password-stdin >/dev/null \
  || bad "user add mona"
seq_screen "$V" S1 2024-01-10 left 40 >/dev/null
seq_screen "$V" S2 2024-01-11 right 33 --site north >/dev/null
expect_exit 0 "$AVN" enroll "$V" S1 P1 --date 2024-01-15 --sex female --name Zeldamainsite
expect_exit 0 "$AVN" enroll "$V" S2 P2 --date 2024-01-16 --sex male --name Northa
expect_exit 0 "$AVN" enter "$V" P1 baseline vas --hip left pain_mm=62.5 --date 2024-01-15
expect_exit 0 "$AVN" enter "$V" P2 baseline vas --hip right pain_mm=10 --date 2024-01-16
expect_exit 0 "$AVN" dump "$V" "$T/un.db" --site north
UN="$T/un.db"
sum=$(sha256sum < "$UN")
same() { [ "$(sha256sum < "$UN")" = "$sum" ] && ok || bad "$1 changed the part"; }
# Without a login: refused, as on the study.
expect_exit 1 "$AVN" audit "$UN" --verify
expect_err "log in first"
expect_exit 1 login "$UN" nina wrong-password-1
expect_err "user: value 'nina' refused: unknown user, wrong password or disabled user"
expect_exit 1 login "$UN" mona mona-password-1
expect_err "unknown user, wrong password or disabled user"
same "a refused login"
expect_exit 0 login "$UN" nina nina-password-1
expect_out "logged in to $UN (site north's part: read only) as nina"
same "a login"
expect_exit 1 "$AVN" audit "$UN" --verify
expect_err "user nina (role investigator) may not replay the whole audit trail"
expect_exit 0 "$AVN" list "$UN" patients
expect_out "P2"
grep -q "P1" "$T/out" && bad "main's patient listed" || ok
expect_exit 0 env AVN_TODAY=2024-03-01 "$AVN" report "$UN" --out "$T/un_report"
[ -s "$T/un_report/report.html" ] && ok || bad "no report: $(ls "$T/un_report")"
expect_exit 0 "$AVN" export "$UN" --format csv --out "$T/un.csv"
# The export holds north's patient and value (P2, pain 10), not main's.
grep -rq "P2" "$T/un.csv" && ok || bad "P2 not exported"
grep -rq "P1" "$T/un.csv" && bad "main's patient exported" || ok
same "reading"
# Writes stay refused, logged in or not.
expect_exit 1 "$AVN" enter "$UN" P2 baseline vas --hip right pain_mm=11 --date 2024-01-16
expect_err "one site's part of a study"
same "a refused write"
# A token edited to another user (ada) does not match its keyed hash.
tok=$(ls "$AVN_STATE_DIR"/session-*)
for f in $tok; do grep -q "^part:" "$f" && sed -i 's/:nina$/:ada/' "$f"; done
expect_exit 1 "$AVN" audit "$UN" --verify
expect_err "no such session in this part"
expect_exit 0 "$AVN" logout "$UN"
expect_exit 0 login "$UN" ana ana-password-1
expect_exit 0 "$AVN" audit "$UN" --verify
expect_out "site part: site north"
expect_out "replay: 0 differences"
expect_exit 0 "$AVN" logout "$UN"
expect_out "logged out of $UN"
expect_exit 1 "$AVN" audit "$UN" --verify
expect_err "log in first"
same "logging in and out"
finish
