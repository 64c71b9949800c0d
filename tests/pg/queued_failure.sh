# A write the PostgreSQL backend queues instead of waiting for (libpq's
# pipeline, db.h exec_later: audit rows, values, a form's version, the
# checkpoint sent with COMMIT) that the server refuses fails the whole
# change: avn exits 1 naming the server's error, the database is unchanged
# (a data-only dump before and after), and the next change goes in and
# verifies. The refusals are made by hand here, with triggers: one on the
# audit trail refusing a row whose reason is 'refuse-audit', one on the
# checkpoint refusing any write while table refuse_flag has a row.
. "$(dirname "$0")/../tools/caselib.sh"
: "${AVN_PG_DIR:?}"
. "$AVN_SOURCE_DIR/tests/tools/pglib.sh"
DB="$T/queued.db"
pg_db_create "$DB"
U=$(pg_db_uri "$DB")
expect_exit 0 "$AVN" init "$U" --protocol sequential
seq_screen "$U" S1 2024-01-10 left 40 >/dev/null
expect_exit 0 "$AVN" enroll "$U" S1 P1 --date 2024-01-15 --sex female
expect_exit 0 "$AVN" enter "$U" P1 baseline vas --hip left pain_mm=62.5 --date 2024-01-15
"$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "$U" >/dev/null <<'SQL' && ok || bad "the test triggers were not made"
CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reason = 'refuse-audit' THEN RAISE EXCEPTION 'audit row refused by the test trigger'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit();
CREATE TABLE refuse_flag(x INT);
CREATE FUNCTION refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM refuse_flag) THEN RAISE EXCEPTION 'checkpoint refused by the test trigger'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_checkpoint BEFORE INSERT OR UPDATE ON checkpoint FOR EACH ROW EXECUTE FUNCTION refuse_checkpoint();
SQL
value() { "$pg_bin/psql" -X -q -tA "$U" -c "SELECT v.value_text FROM item_value v JOIN form f ON f.id = v.form_id
  WHERE f.instrument = 'vas' AND f.visit = 'baseline' AND v.item = 'pain_mm'"; }
# The audit row of a change is queued behind the value's upsert: refused, nothing stays.
refuse_same "$DB" "audit row refused by the test trigger" enter "$U" P1 baseline vas --hip left pain_mm=70 \
  --reason refuse-audit
[ "$(value)" = 62.5 ] && ok || bad "the refused change is stored: pain_mm is $(value)"
# The checkpoint goes with COMMIT: refused there, the change is not committed.
"$pg_bin/psql" -X -q "$U" -c "INSERT INTO refuse_flag VALUES (1)" >/dev/null
refuse_same "$DB" "checkpoint refused by the test trigger" enter "$U" P1 baseline vas --hip left pain_mm=71 \
  --reason "a checked value"
[ "$(value)" = 62.5 ] && ok || bad "the change refused at commit is stored: pain_mm is $(value)"
# Without the refusals, the same change goes in, and the chain replays.
"$pg_bin/psql" -X -q "$U" -c "DELETE FROM refuse_flag" >/dev/null
expect_exit 0 "$AVN" enter "$U" P1 baseline vas --hip left pain_mm=71 --reason "a checked value"
[ "$(value)" = 71 ] && ok || bad "pain_mm is $(value), not 71"
expect_exit 0 "$AVN" audit "$U" --verify
expect_out "replay: 0 differences"
finish
