# Sites isolated by PostgreSQL row-level security: a database role granted
# site north (avn grant) reads north's patients and everything about them
# with hand-written SQL, and none of main's: not by table, join, count or
# id; never the audit trail or the users. The study's own role (avn) still
# sees everything. The grant is in the audit trail. avn revoke takes a site
# away again (audited too); with no site left the role reads nothing. Two patients: P1 at main, P2 at north (hand-counted:
# north has 1 screening, 1 patient, 1 hip, 1 vas form with 1 value).
. "$(dirname "$0")/../tools/caselib.sh"
: "${AVN_PG_DIR:?}"
. "$AVN_SOURCE_DIR/tests/tools/pglib.sh"
pg_db_create "$T/rls.db"
U=$(pg_db_uri "$T/rls.db")
base=$(cat "$AVN_PG_DIR/uri")
role=north_$$
"$pg_bin/psql" -X -q "$base/postgres" -c "DROP ROLE IF EXISTS $role" -c "CREATE ROLE $role LOGIN" >/dev/null 2>&1
RU=${U/avn@/$role@}
q() { "$pg_bin/psql" -X -q -tA -v ON_ERROR_STOP=1 "$RU" -c "$1" 2>"$T/qerr"; }
expect_exit 0 "$AVN" init "$U" --protocol sequential
expect_exit 0 "$AVN" site add "$U" north --name North
seq_screen "$U" S1 2024-01-10 left 40 >/dev/null
seq_screen "$U" S2 2024-01-11 right 33 --site north >/dev/null
expect_exit 0 "$AVN" enroll "$U" S1 P1 --date 2024-01-15 --sex female
expect_exit 0 "$AVN" enroll "$U" S2 P2 --date 2024-01-16 --sex male
expect_exit 0 "$AVN" enter "$U" P1 baseline vas --hip left pain_mm=62 --date 2024-01-15
expect_exit 0 "$AVN" enter "$U" P2 baseline vas --hip right pain_mm=17 --date 2024-01-16
# Before the grant the role reads nothing of the study.
q "SELECT count(*) FROM patient" >/dev/null && bad "an ungranted role read the patients" || ok
expect_exit 0 "$AVN" grant "$U" north "$role"
expect_out "database role $role reads site north"
is() { [ "$2" = "$3" ] && ok || bad "$1: got '$2', wanted '$3' $(cat "$T/qerr")"; }
is "patients"          "$(q "SELECT string_agg(code, ',') FROM patient")" "P2"
is "another site's by code" "$(q "SELECT count(*) FROM patient WHERE code = 'P1'")" 0
is "sites"             "$(q "SELECT string_agg(code, ',') FROM site")" "north"
is "screenings"        "$(q "SELECT string_agg(code, ',') FROM screening")" "S2"
is "hips"              "$(q "SELECT count(*) FROM hip")" 1
is "values by join"    "$(q "SELECT string_agg(v.value_text, ',') FROM item_value v JOIN form f ON f.id = v.form_id")" "17"
is "values by id"      "$(q "SELECT count(*) FROM item_value")" 1
is "events"            "$(q "SELECT count(DISTINCT patient_id) FROM event")" 1
is "protocol"          "$(q "SELECT count(*) FROM study")" 1
q "SELECT count(*) FROM audit" >/dev/null && bad "the role read the audit trail" || ok
q "SELECT count(*) FROM account" >/dev/null && bad "the role read the accounts" || ok
q "UPDATE patient SET sex = 'female'" >/dev/null && bad "the role wrote" || ok
# The grant is audited (who, which role, which site), chained and signed;
# refused grants below add nothing.
n_audit=$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM audit")
expect_exit 0 "$AVN" audit "$U" --json --record "site north"
python3 - "$T/out" "$role" <<'PY' || bad "the grant's audit row"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["action"] == "grant"]
assert [(r["record"], r["field"], r["old"], r["new"]) for r in rows] == [
    ("site north", "grant role " + sys.argv[2], None, "select")], rows
PY
# The study's owner is not fenced: avn sees both sites.
is "owner sees both" "$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM patient")" 2
expect_exit 0 "$AVN" audit "$U" --verify
# Refusals: a study file, a role that does not exist, a site that does not.
expect_exit 0 "$AVN" init "$T/f.db" --protocol sequential
expect_exit 1 command "$AVN" grant "$T/f.db" main "$role"
expect_err "database roles are PostgreSQL's"
expect_exit 1 "$AVN" grant "$U" north nobody_here
expect_err "no such database role"
expect_exit 1 "$AVN" grant "$U" south "$role"
expect_err "no such site"
expect_exit 1 "$AVN" grant "$U" north 'x; DROP TABLE audit'
expect_err "must be a database role name"
is "refused grants are not audited" "$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM audit")" "$n_audit"
# An edited grant row breaks the chain.
"$pg_bin/psql" -X -q "$base/postgres" -c "CREATE DATABASE $(pg_db_name "$T/t.db") TEMPLATE $(pg_db_name "$T/rls.db")" >/dev/null
"$pg_bin/psql" -X -q "$(pg_db_uri "$T/t.db")" -c "UPDATE audit SET field = 'grant role someone' WHERE action = 'grant'" >/dev/null
expect_exit 1 "$AVN" audit "$(pg_db_uri "$T/t.db")"
expect_err "does not match its hash chain"
"$pg_bin/psql" -X -q "$base/postgres" -c "DROP DATABASE $(pg_db_name "$T/t.db")" >/dev/null
# A dump still copies the study (the grant's table is the server's; its
# audit row comes along and verifies: the replay leaves grants out).
expect_exit 0 "$AVN" dump "$U" "$T/back.db"
expect_exit 0 "$AVN" audit "$T/back.db" --verify
# avn revoke: the inverse. The role gets main too (it reads both sites'
# patients, P1 and P2), then loses main: it reads north's P2 again and
# nothing of main; then loses north: it reads nothing of the study.
expect_exit 0 "$AVN" grant "$U" main "$role"
is "two sites' patients" "$(q "SELECT string_agg(code, ',' ORDER BY code) FROM patient")" "P1,P2"
expect_exit 0 "$AVN" revoke "$U" main "$role"
expect_out "database role $role no longer reads site main"
is "after revoking main" "$(q "SELECT string_agg(code, ',') FROM patient")" "P2"
is "main's by code"      "$(q "SELECT count(*) FROM patient WHERE code = 'P1'")" 0
is "main's values"       "$(q "SELECT string_agg(v.value_text, ',') FROM item_value v JOIN form f ON f.id = v.form_id")" "17"
is "main's site"         "$(q "SELECT string_agg(code, ',') FROM site")" "north"
is "main's screening"    "$(q "SELECT count(*) FROM screening WHERE code = 'S1'")" 0
expect_exit 0 "$AVN" revoke "$U" north "$role"
# No site left: not even a table to read (its SELECT grants are gone).
for t in patient site screening hip form item_value event study protocol_version avn_site_role; do
  q "SELECT count(*) FROM $t" >/dev/null && bad "after the last revoke the role read $t" || ok
done
grep -q "permission denied" "$T/qerr" && ok || bad "the last read was not refused by permission: $(cat "$T/qerr")"
# Refused revokes write nothing: no grant for the site (any more), a site
# or role that does not exist, a study file.
before=$(snap "$T/rls.db")
n_audit=$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM audit")
expect_exit 1 "$AVN" revoke "$U" north "$role"
expect_err "role: value '$role' refused: database role $role has no grant for site north"
expect_exit 1 "$AVN" revoke "$U" south "$role"
expect_err "no such site"
expect_exit 1 "$AVN" revoke "$U" north nobody_here
expect_err "no such database role"
expect_exit 1 command "$AVN" revoke "$T/f.db" main "$role"
expect_err "database roles are PostgreSQL's"
[ "$(snap "$T/rls.db")" = "$before" ] && ok || bad "a refused revoke changed the study"
is "refused revokes are not audited" "$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM audit")" "$n_audit"
# Each revoke is audited like a grant: old value select, new none.
expect_exit 0 "$AVN" audit "$U" --json
python3 - "$T/out" "$role" <<'PY' || bad "the revokes' audit rows"
import json, sys
f = "grant role " + sys.argv[2]
rows = [(r["action"], r["record"], r["field"], r["old"], r["new"])
        for r in json.load(open(sys.argv[1]))["rows"] if r["field"] == f]
assert rows == [("grant", "site north", f, None, "select"), ("grant", "site main", f, None, "select"),
                ("revoke", "site main", f, "select", None), ("revoke", "site north", f, "select", None)], rows
PY
expect_exit 0 "$AVN" audit "$U" --verify
expect_exit 0 "$AVN" revoke --help
expect_out "usage: avn revoke postgresql://"
"$pg_bin/psql" -X -q "$base/postgres" -c "DROP DATABASE $(pg_db_name "$T/rls.db")" -c "DROP ROLE $role" >/dev/null 2>&1
finish
