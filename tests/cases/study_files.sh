# Opening something that is not an avn study, or one from a newer avn, is a
# clear error; init never overwrites a file; a bad protocol gives file:line.
. "$(dirname "$0")/../tools/caselib.sh"
echo "hello, I am a text file" > "$T/notes.txt"
expect_exit 1 "$AVN" schedule "$T/notes.txt"
expect_err "not an avn study database"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
expect_exit 1 "$AVN" check "$T/other.db"
expect_err "not an avn study database"
expect_exit 1 "$AVN" show "$T/missing.db" P1
expect_err "no such study database"
"$AVN" init "$T/s.db" --protocol single-dose >/dev/null
sqlite3 "$T/s.db" "PRAGMA user_version=99"
expect_exit 1 "$AVN" check "$T/s.db"
expect_err "made by a newer avn (schema version 99"
expect_exit 1 "$AVN" init "$T/s.db" --protocol sequential
expect_err "already exists"
expect_exit 1 "$AVN" init "$T/n.db" --protocol no-such-protocol
expect_err "not a shipped protocol"
[ ! -e "$T/n.db" ] && ok || bad "a failed init left a file behind"
# Malformed protocols: each names file:line and what is wrong.
cp "$AVN_SOURCE_DIR/protocols/sequential.yaml" "$T/p.yaml"
sed 's/at: 3 months, before: 14 days/at: 3 mnths, before: 14 days/' "$T/p.yaml" > "$T/bad1.yaml"
expect_exit 1 "$AVN" init "$T/b1.db" --protocol "$T/bad1.yaml"
expect_err "bad1.yaml:"
expect_err "'at' must be like '3 months'"
sed 's/forms: \[vas, hhs\]}/forms: [vas, hhs, harris]}/' "$T/p.yaml" > "$T/bad2.yaml"
expect_exit 1 "$AVN" init "$T/b2.db" --protocol "$T/bad2.yaml"
expect_err "unknown form 'harris'"
sed 's/^staging: steinberg/stageing: steinberg/' "$T/p.yaml" > "$T/bad3.yaml"
expect_exit 1 "$AVN" init "$T/b3.db" --protocol "$T/bad3.yaml"
expect_err "bad3.yaml:11: unknown key 'stageing'"
printf 'avn_protocol: 1\nname: x\n  title: [unclosed\n' > "$T/bad4.yaml"
expect_exit 1 "$AVN" protocol show "$T/bad4.yaml"
expect_err "bad4.yaml:"
sed 's/field: platelets, below: 80000/field: platelet_count, below: 80000/' "$T/p.yaml" > "$T/bad5.yaml"
expect_exit 1 "$AVN" protocol show "$T/bad5.yaml"
expect_err "unknown screening field 'platelet_count'"
# A user's own protocol file that is well formed works.
expect_exit 0 "$AVN" init "$T/own.db" --protocol "$T/p.yaml"
expect_exit 0 "$AVN" protocol show single-dose --json
expect_out '"staging": "ficat"'
# Read-only commands write nothing, and no command writes to a file it does not
# recognise as an avn study (application_id) -- not even the switch to WAL.
: > "$T/empty.db"
for cmd in "audit" "audit --verify" "check" "schedule" "report --out $T/rep"; do
  # shellcheck disable=SC2086
  expect_exit 1 "$AVN" $cmd "$T/empty.db"
  expect_err "not an avn study database"
  [ ! -s "$T/empty.db" ] && ok || bad "$cmd wrote to a 0-byte file"
done
refuse_same "$T/other.db" "not an avn study database" audit "$T/other.db"
refuse_same "$T/other.db" "not an avn study database" visit "$T/other.db" P1 m1 --date 2024-01-01
[ "$(sqlite3 "$T/other.db" "PRAGMA journal_mode")" = delete ] && ok || bad "a foreign file was switched to WAL"
"$AVN" init "$T/ro.db" --protocol sequential >/dev/null
before=$(sha256sum < "$T/ro.db")
expect_exit 0 "$AVN" audit "$T/ro.db" --verify
expect_exit 0 "$AVN" check "$T/ro.db"
[ "$(sha256sum < "$T/ro.db")" = "$before" ] && ok || bad "read-only commands changed the study"
chmod 444 "$T/ro.db"
expect_exit 0 "$AVN" audit "$T/ro.db" --verify
expect_out "replay: 0 differences"
chmod 644 "$T/ro.db"
# A damaged file: a page of the audit table overwritten, and the file cut short.
# check and audit --verify say so (quick_check / SQLITE_CORRUPT) and exit 1;
# a write refuses and changes nothing.
cp "$T/ro.db" "$T/bad.db"
root=$(sqlite3 "$T/bad.db" "SELECT rootpage FROM sqlite_master WHERE name='audit'")
psize=$(sqlite3 "$T/bad.db" "PRAGMA page_size")
printf 'garbage!garbage!' | dd of="$T/bad.db" bs=1 seek=$(( (root - 1) * psize )) conv=notrunc 2>/dev/null
sqlite3 "$T/bad.db" "PRAGMA quick_check" | grep -qv '^ok$' && ok || bad "the page edit did not damage the file"
expect_exit 1 "$AVN" check "$T/bad.db"
expect_err "the database file is damaged"
expect_exit 1 "$AVN" audit "$T/bad.db" --verify
expect_err "the database file is damaged"
"$AVN" screen "$T/ro.db" S1 --date 2024-01-10 age=40 >/dev/null 2>&1
cp "$T/ro.db" "$T/bad2.db"
printf 'garbage!garbage!' | dd of="$T/bad2.db" bs=1 seek=$(( (root - 1) * psize )) conv=notrunc 2>/dev/null
refuse_same "$T/bad2.db" "the database file is damaged" screen "$T/bad2.db" S2 --date 2024-01-10 age=40
cp "$T/ro.db" "$T/short.db"
truncate -s $(( $(stat -c %s "$T/short.db") / 2 )) "$T/short.db"
expect_exit 1 "$AVN" audit "$T/short.db"
expect_err "the database file is damaged"
# A study of schema 2 (before the checkpoint and the corrections; made here by
# taking schema 3's additions away): read-only commands say a write upgrades
# it, and the first write does, signing the trail as it stands.
"$AVN" init "$T/v2.db" --protocol sequential >/dev/null
# (schema 3-7's tables and columns taken out again, as a version-2 file has none)
sqlite3 "$T/v2.db" "ALTER TABLE form DROP COLUMN version; DROP TABLE checkpoint; DROP TABLE screening_attempt; ALTER TABLE form DROP COLUMN unscheduled;
  ALTER TABLE form DROP COLUMN void_reason;
  DROP TABLE deviation_ack; DROP TABLE adjudication; DROP TABLE account_site; DROP TABLE session;
  DROP TABLE query_message; DROP TABLE query; DROP TABLE signature; DROP TABLE account; DROP TABLE protocol_version;
  ALTER TABLE patient DROP COLUMN lock_reason; ALTER TABLE study DROP COLUMN lock_reason;
  ALTER TABLE study DROP COLUMN locked_at; ALTER TABLE study DROP COLUMN locked_by;
  DROP INDEX audit_record_user; PRAGMA user_version=2"
refuse_same "$T/v2.db" "made by an older avn (schema version 2; this avn's is 7): any write command (e.g. avn visit) upgrades it" \
  audit "$T/v2.db"
expect_exit 0 "$AVN" screen "$T/v2.db" S1 --date 2024-01-10 age=40
[ "$(sqlite3 "$T/v2.db" "PRAGMA user_version")" = 7 ] && ok || bad "not upgraded"
# migration 6: the double-entry rule's look-up uses the trail's index, not a scan
sqlite3 "$T/v2.db" "EXPLAIN QUERY PLAN SELECT 1 FROM audit WHERE record='x' AND user='y' LIMIT 1" >"$T/plan"
grep -q "USING COVERING INDEX audit_record_user" "$T/plan" && ok || bad "audit look-up not indexed: $(cat "$T/plan")"
expect_exit 0 "$AVN" audit "$T/v2.db" --verify
expect_out "replay: 0 differences"
# Busy: another program holds the write lock past avn's 5 s wait: exit 3
# ("try again"), distinct from a refusal (1), and nothing written.
python3 - "$T/ro.db" "$T/locked" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(8)
c.execute("ROLLBACK")
PY
locker=$!
while [ ! -e "$T/locked" ]; do sleep 0.1; done
expect_exit 3 "$AVN" screen "$T/ro.db" S3 --date 2024-01-10 age=40
expect_err "another program is writing to this study (waited 5 s): try again"
wait "$locker"
[ "$(sqlite3 "$T/ro.db" "SELECT count(*) FROM screening WHERE code='S3'")" = 0 ] && ok || bad "a busy write was kept"
expect_exit 0 "$AVN" screen "$T/ro.db" S3 --date 2024-01-10 age=40
finish
