# avn audit --verify replays the trail into the state it implies and compares
# it with every table: each edit, deletion or insertion made with sqlite3 is
# reported as record, field, what the audit says, what the table holds (exit 1).
# Rows cut from the end of the trail, a recomputed chain and a checkpoint not
# signed by the study's key are caught by the signed checkpoint.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/v.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null
seq_screen "$DB" S2 2024-01-10 left 60 >/dev/null   # ineligible: age_18_55
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05 --name Ann >/dev/null
"$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=80 --date 2024-01-15 >/dev/null
"$AVN" visit "$DB" P1 m1 --date 2024-02-14 >/dev/null
"$AVN" withdraw "$DB" P1 --date 2024-03-01 --reason moved >/dev/null
[ -s "$T/config/avn/signing.key" ] && ok || bad "init did not create the signing key"
[ "$(stat -c %a "$T/config/avn/signing.key")" = 600 ] && ok || bad "the key is readable by others"
# Rows: create 3 (protocol, its fingerprint, site) + 2 screenings x 5 (eligible,
# date, site, failed, data) + enrolment 8 (screening, site, sex, birth, enrolled,
# status, identity, hip) + entry 3 (visit date, form status, pain_mm) + visit 1
# + withdrawal 3 (status, date, reason) = 28.
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "chain: 28 rows, head "
expect_out "checkpoint: signed by key "
expect_out "matches 28 rows"
expect_out "file: ok"
expect_out "replay: 0 differences"
[ "$(sqlite3 "$DB" "SELECT hash FROM audit WHERE id=28")" = "$(sed -n 's/^chain: 28 rows, head //p' "$T/out")" ] \
  && ok || bad "head hash is not the last row's"

# The report pins the trail it was made from: the same row count and head.
head=$(sqlite3 "$DB" "SELECT hash FROM audit WHERE id=28")
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
expect_out "audit trail: 28 rows, head $head"
grep -qF "from an audit trail of 28 rows, head $head" "$T/rep/report.html" && ok || bad "report.html lacks the head hash"

# tamper 'SQL' 'expected line'...: a copy edited with sqlite3, then --verify.
tamper() {
  local sql=$1; shift
  cp "$DB" "$T/t.db"
  sqlite3 "$T/t.db" "$sql"
  expect_exit 1 "$AVN" audit "$T/t.db" --verify
  for line in "$@"; do expect_out "$line"; done
  expect_err "difference"
}
F="patient P1 / visit baseline / vas left / entry 1"
tamper "UPDATE item_value SET value_text='20'" "differs: $F / pain_mm: audit '80', table '20 (stored number 80)'"
tamper "UPDATE item_value SET value_num=20" "differs: $F / pain_mm: audit '80', table '80 (stored number 20)'"
tamper "UPDATE patient SET sex='male'" "differs: patient P1 / sex: audit 'female', table 'male'"
tamper "UPDATE patient SET enrolled_on='2024-01-12'" "differs: patient P1 / enrolled: audit '2024-01-15', table '2024-01-12'"
tamper "UPDATE patient SET birth_date=NULL" "differs: patient P1 / birth: audit '1983-05-05', table (none)"
tamper "UPDATE event SET actual='2024-02-20' WHERE kind='visit' AND name='m1'" \
  "differs: patient P1 / visit m1 / date: audit '2024-02-14', table '2024-02-20'"
tamper "UPDATE screening SET eligible=1, failed='' WHERE code='S2'" \
  "differs: screening S2 / eligible: audit 'no', table 'yes'" "differs: screening S2 / failed: audit 'age_18_55', table ''"
tamper "UPDATE hip SET stage='III'" "differs: patient P1 / hip left / stage: audit 'II', table 'III'"
tamper "DELETE FROM hip" "differs: patient P1 / hip left / stage: audit 'II', table (none)"
tamper "UPDATE patient SET status='active', withdrawn_on=NULL, withdraw_reason=NULL" \
  "differs: patient P1 / status: audit 'withdrawn', table 'active'" \
  "differs: patient P1 / withdrawn_on: audit '2024-03-01', table (none)" \
  "differs: patient P1 / withdraw_reason: audit 'moved', table (none)"
tamper "DELETE FROM form" "differs: $F / status: audit 'complete', table (none)"
tamper "DELETE FROM item_value" "differs: $F / pain_mm: audit '80', table (none)"
tamper "INSERT INTO form(patient_id,visit,instrument,side,entry,status,created_at,updated_at)
          VALUES(1,'m1','vas','left',1,'complete','x','x');
        INSERT INTO item_value VALUES((SELECT max(id) FROM form),'pain_mm','10',10,'mm')" \
  "differs: patient P1 / visit m1 / vas left / entry 1 / pain_mm: audit (none), table '10'" \
  "differs: patient P1 / visit m1 / vas left / entry 1 / status: audit (none), table 'complete'"
tamper "DELETE FROM identity" "differs: patient P1 / identity: audit '(recorded)', table (none)"
# The schedule enrolment wrote: m1 at 1 month (2024-01-15 + 1 month = 2024-02-15);
# m3 at 3 months = 2024-04-15, window 14 days before = 2024-04-01, after = 2024-04-29.
tamper "UPDATE event SET planned='2024-02-01' WHERE kind='visit' AND name='m1'" \
  "differs: patient P1 / event visit m1 / planned: audit '2024-02-15', table '2024-02-01'"
tamper "DELETE FROM event WHERE kind='visit' AND name='m3'" \
  "differs: patient P1 / event visit m3 / planned: audit '2024-04-15', table (none)" \
  "differs: patient P1 / event visit m3 / earliest: audit '2024-04-01', table (none)" \
  "differs: patient P1 / event visit m3 / latest: audit '2024-04-29', table (none)"
tamper "UPDATE site SET name='Elsewhere'" "differs: site main / name: audit 'Main site', table 'Elsewhere'"
tamper "INSERT INTO patient(code,site_id,screening_id,sex,enrolled_on) VALUES('P9',1,2,'male','2024-01-20')" \
  "differs: patient P9 / sex: audit (none), table 'male'" "differs: patient P9 / screening: audit (none), table 'S2'"
# Rows inserted into the other tables.
tamper "INSERT INTO screening(code,site_id,screened_on,eligible,failed,data) VALUES('S7',1,'2024-01-11',1,'','age=30')" \
  "differs: screening S7 / eligible: audit (none), table 'yes'"
tamper "INSERT INTO hip(patient_id,side,stage) VALUES(1,'right','I')" \
  "differs: patient P1 / hip right / stage: audit (none), table 'I'"
tamper "INSERT INTO event(patient_id,kind,name,visit,side,planned,earliest,latest) VALUES(1,'mri','m3','m3','left','2024-04-15','2024-04-01','2024-04-29')" \
  "differs: patient P1 / event mri m3 left / planned: audit (none), table '2024-04-15'"
tamper "INSERT INTO site(code,name) VALUES('north','North')" "differs: site north / name: audit (none), table 'North'"
tamper "UPDATE study SET protocol_name='single-dose'" "differs: study / protocol: audit 'sequential', table 'single-dose'"
# The stored protocol (max age 55 -> 99): its BLAKE2b-256 fingerprint differs,
# and no write runs under the edited rules.
sqlite3 "$DB" "SELECT protocol_yaml FROM study" > "$T/yaml"
python3 - "$T/yaml" > "$T/yaml.txt" <<'PY'
import hashlib, sys
y = open(sys.argv[1], encoding="utf-8").read()[:-1]   # the client adds a newline
assert "max: 55" in y
h = lambda s: hashlib.blake2b(s.encode(), digest_size=32).hexdigest()
print(h(y), h(y.replace("max: 55", "max: 99")))
PY
read -r H1 H2 < "$T/yaml.txt"
tamper "UPDATE study SET protocol_yaml=replace(protocol_yaml,'max: 55','max: 99')" \
  "differs: study / protocol_yaml: audit '$H1', table '$H2'"
refuse_same "$T/t.db" "the stored protocol is not the one the audit trail recorded" screen "$T/t.db" S9 --date 2024-01-10 age=80
# --json reports the same, and still prints when the check fails.
expect_exit 1 "$AVN" audit "$T/t.db" --verify --json
python3 - "$T/out" "$H1" "$H2" <<'PY' || bad "audit --json on a difference"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["verified"] is False and "1 difference" in a["problem"], a["problem"]
assert a["differences"] == [{"record": "study", "field": "protocol_yaml", "audit": sys.argv[2], "table": sys.argv[3]}]
assert a["rows_total"] == 28 and len(a["rows"]) == 28 and a["head"] == a["rows"][-1]["hash"]
PY
ok

# The trail itself. An edited row breaks the chain:
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "UPDATE audit SET new_value='70' WHERE field='pain_mm'"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "row 24 does not match its hash chain"
expect_out "chain: 28 rows"
expect_exit 1 "$AVN" audit "$T/t.db" --json
python3 - "$T/out" <<'PY' || bad "audit --json on a broken chain"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["verified"] is False and "row 24 does not match its hash chain" in a["problem"], a
assert a["rows_total"] == 28 and len(a["rows"]) == 28
PY
ok
# Rows cut from the end, or all of them: the signed checkpoint says 28.
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "DELETE FROM audit WHERE id > 25"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "the signed checkpoint says 28 rows, the trail has 25: rows were deleted from its end"
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "DELETE FROM audit"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "the signed checkpoint says 28 rows, the trail has 0"
# A row deleted inside the trail and the chain recomputed around it is still seen (ids skip).
# The chain recomputed by a script (BLAKE2b-256 over length-prefixed fields,
# store.c audit_hash): row 24 (pain_mm) and the value both say 20, every hash after
# row 24 rewritten; only the signature (no key) cannot be remade.
# The rows are read and the hashes written back through the case's client
# (sqlite3, or psql against PostgreSQL): each field tagged v (a value) or n
# (NULL), fields joined by |~|, each row ended by |~~| (a value may hold a newline).
cat > "$T/rechain.py" <<'PY'
import hashlib, struct, sys
def field(h, s):
    if s is None: h.update(struct.pack("<Q", 2**64 - 1)); return
    b = s.encode(); h.update(struct.pack("<Q", len(b))); h.update(b)
prev = ""
for line in sys.stdin.read().split("|~~|\n"):
    if not line: continue
    id_, *rest = line.split("|~|")
    h = hashlib.blake2b(digest_size=32); field(h, prev)
    for s in rest: field(h, None if s == "n" else s[1:])
    prev = h.hexdigest()
    print("UPDATE audit SET hash='%s' WHERE id=%d;" % (prev, int(id_)))
PY
rechain() {  # DB: the chain recomputed by rechain.py
  local cols="" c
  for c in at user action record field old_value new_value reason; do
    cols="$cols || '|~|' || CASE WHEN $c IS NULL THEN 'n' ELSE 'v' || $c END"
  done
  sqlite3 "$1" "SELECT CAST(id AS TEXT) $cols || '|~~|' FROM audit ORDER BY id" | python3 "$T/rechain.py" > "$T/rechain.sql"
  sqlite3 "$1" "$(cat "$T/rechain.sql")"
}
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE audit SET new_value='20' WHERE id=24; UPDATE item_value SET value_text='20', value_num=20"
rechain "$T/t.db"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "replay: 0 differences"
expect_err "the chain was recomputed"
# (the script is right: on the untouched study it reproduces every hash)
cp "$DB" "$T/t2.db"; rechain "$T/t2.db"
[ "$(sql_join "$T/t2.db" , "SELECT hash FROM audit ORDER BY id")" = "$(sql_join "$DB" , "SELECT hash FROM audit ORDER BY id")" ] \
  && ok || bad "rechain.py does not reproduce the chain"
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "DELETE FROM audit WHERE id=27"; rechain "$T/t.db"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "row 28 does not match its hash chain"
# The checkpoint: removed, its numbers edited, or signed by another key.
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "DELETE FROM checkpoint"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "missing: the study has no signed checkpoint"
cp "$DB" "$T/t.db"; sqlite3 "$T/t.db" "UPDATE checkpoint SET n=25"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "forged: its signature does not match its content"
AVN_KEY="$T/other.key" "$AVN" init "$T/o.db" --protocol sequential >/dev/null
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE checkpoint SET public_key='$(sqlite3 "$T/o.db" "SELECT public_key FROM checkpoint")',
  signature='$(sqlite3 "$T/o.db" "SELECT signature FROM checkpoint")'"
expect_exit 1 "$AVN" audit "$T/t.db"
expect_err "not by this key"
# A monitor verifies with the public key alone (the key file's last 64 hex
# digits) and cannot sign a write with it.
tail -c 65 "$T/config/avn/signing.key" > "$T/study.pub"
expect_exit 0 "$AVN" audit "$DB" --key "$T/study.pub"
expect_out "matches 28 rows"
expect_exit 1 "$AVN" audit "$DB" --key "$T/other.key"
expect_err "not by this key"
export AVN_KEY="$T/study.pub"
refuse_same "$DB" "is a public key: it verifies, but cannot sign a write" visit "$DB" P1 m1 --date 2024-02-15 --reason test
unset AVN_KEY
# Another key: audit says so; a write with it is refused, the file unchanged.
AVN_KEY="$T/other.key" expect_exit 1 "$AVN" audit "$DB"
expect_err "not by this key"
export AVN_KEY="$T/other.key"
refuse_same "$DB" "this study's audit is signed with key" visit "$DB" P1 m1 --date 2024-02-15 --reason test
unset AVN_KEY
finish
