# avn backup while a writer keeps screening people: of a study file by
# SQLite's online backup API, of a PostgreSQL study (this case run by
# pg/cli/study_backup) by a copy read in one REPEATABLE READ snapshot
# (store_copy.c). Every backup is a new file that opens as a study, its
# audit chain and replay verify (avn audit --verify), and it holds a prefix
# of the writes: every screening acknowledged before the backup started is
# in it, none begun only after it finished could be. Quiescent, a
# file's copy is its pages (the same page count and logical dump), a
# server's copy has its rows. A refused backup (target exists, source not a
# study, a server database as the target) leaves nothing behind.
# The copies are named .sqlite: on PostgreSQL the test's wrapper maps only
# .db paths to databases, so they stay files, read with the real sqlite3.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/b.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
seq_screen "$DB" S0 2024-01-10 left 40 >/dev/null
expect_exit 0 "$AVN" backup "$DB" "$T/q.sqlite"
if on_pg; then
  # the same rows, table by table (REAL columns print 1.0 in sqlite3, 1 in psql)
  rows() { sed -E 's/\|([0-9]+)\.0(\||$)/|\1\2/g' | sort; }
  for t in study site screening audit checkpoint; do
    [ "$(command sqlite3 "$T/q.sqlite" "SELECT * FROM $t" | rows)" = "$(sqlite3 "$DB" "SELECT * FROM $t" | rows)" ] \
      && ok || bad "the copy's table $t differs"
  done
else
  # page for page
  expect_out "SQLite's online backup"
  [ "$(sqlite3 "$T/q.sqlite" "PRAGMA page_count")" = "$(sqlite3 "$DB" "PRAGMA page_count")" ] && ok || bad "page counts differ"
  [ "$(sqlite3 "$T/q.sqlite" .dump | sha256sum)" = "$(sqlite3 "$DB" .dump | sha256sum)" ] && ok || bad "dumps differ"
fi
[ "$(command sqlite3 "$T/q.sqlite" "PRAGMA integrity_check")" = ok ] && ok || bad "the copy is damaged"
expect_exit 0 "$AVN" audit "$T/q.sqlite" --verify
# A writer runs; backups are taken meanwhile.
writer() {
  local i
  for i in $(seq 1 60); do
    echo "W$i -" >> "$T/log"   # begun: it may be in a copy from now on
    "$AVN" screen "$DB" "W$i" --date 2024-01-10 age=40 >/dev/null 2>&1
    echo "W$i $?" >> "$T/log"
  done
}
: > "$T/log"
writer &
w=$!
n=0
while kill -0 "$w" 2>/dev/null && [ "$n" -lt 5 ]; do
  sleep 0.3
  n=$((n + 1))
  before=$(awk '$2 == 0 {print $1}' "$T/log" | sort)
  expect_exit 0 "$AVN" backup "$DB" "$T/c$n.sqlite"
  # A write commits before its process exits and is logged (slow under
  # sanitizers), so the upper bound is what had begun, not what was acknowledged.
  after=$(awk '$2 == "-" {print $1}' "$T/log" | sort)
  expect_exit 0 "$AVN" audit "$T/c$n.sqlite" --verify
  expect_out "replay: 0 differences"
  got=$(command sqlite3 "$T/c$n.sqlite" "SELECT code FROM screening WHERE code LIKE 'W%'" | sort)
  [ -z "$(comm -23 <(echo "$before") <(echo "$got"))" ] && ok || bad "backup $n lacks a write acknowledged before it"
  [ -z "$(comm -13 <(echo "$after" | sed '/^$/d') <(echo "$got" | sed '/^$/d'))" ] && ok || bad "backup $n has a write not yet begun"
done
wait "$w"
[ "$n" -ge 2 ] && ok || bad "only $n backups ran during the writes"
[ "$(awk '$2 == 0' "$T/log" | wc -l)" = 60 ] && ok || bad "not every screening acknowledged: $(awk '$2 != 0 && $2 != "-"' "$T/log" | head -3)"
# Midway: at least one backup saw some writes but not all.
echo "backups during the writer: $n; screenings in each: $(for i in $(seq 1 "$n"); do command sqlite3 "$T/c$i.sqlite" "SELECT count(*) FROM screening"; done | tr '\n' ' ')"
# The study itself after the writer: verified, all 61 screenings.
expect_exit 0 "$AVN" audit "$DB" --verify
[ "$(sqlite3 "$DB" "SELECT count(*) FROM screening")" = 61 ] && ok || bad "the study lacks screenings"
# Refusals: an existing target is left as it was; a source that is not a
# study (a foreign file, an empty database) gives no copy; a server
# database is not a backup's target. The study is unchanged by each.
study=$(snap "$DB")
before=$(sha256sum < "$T/q.sqlite")
expect_exit 1 "$AVN" backup "$DB" "$T/q.sqlite"
expect_err "already exists"
[ "$(sha256sum < "$T/q.sqlite")" = "$before" ] && ok || bad "an existing target was changed"
if on_pg; then pg_db_create "$T/x.db"; else echo "not a study" > "$T/x.db"; fi
expect_exit 1 "$AVN" backup "$T/x.db" "$T/y.sqlite"
[ ! -e "$T/y.sqlite" ] && ok || bad "a refused backup left a file"
expect_exit 2 "$AVN" backup "$DB" "postgresql://avn@127.0.0.1:1/elsewhere"
expect_err "a backup is a new file, not a server database"
[ "$(snap "$DB")" = "$study" ] && ok || bad "a refused backup changed the study"
expect_exit 2 "$AVN" backup "$DB"
finish
