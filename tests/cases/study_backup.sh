# avn backup of a study file by SQLite's online backup API while a writer
# keeps screening people: every backup opens as a study, its audit chain and
# replay verify (avn audit --verify), and it holds a prefix of the writes:
# every screening acknowledged before the backup started is in it, none
# acknowledged only after it finished could be. Quiescent, the copy is the
# file's pages: the same page count and the same logical dump. A refused
# backup (target exists, source not a study) leaves nothing behind.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/b.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
seq_screen "$DB" S0 2024-01-10 left 40 >/dev/null
# Quiescent: page for page.
expect_exit 0 "$AVN" backup "$DB" "$T/q.db"
expect_out "SQLite's online backup"
[ "$(sqlite3 "$T/q.db" "PRAGMA page_count")" = "$(sqlite3 "$DB" "PRAGMA page_count")" ] && ok || bad "page counts differ"
[ "$(sqlite3 "$T/q.db" .dump | sha256sum)" = "$(sqlite3 "$DB" .dump | sha256sum)" ] && ok || bad "dumps differ"
[ "$(sqlite3 "$T/q.db" "PRAGMA integrity_check")" = ok ] && ok || bad "the copy is damaged"
expect_exit 0 "$AVN" audit "$T/q.db" --verify
# A writer runs; backups are taken meanwhile.
writer() {
  local i
  for i in $(seq 1 60); do
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
  expect_exit 0 "$AVN" backup "$DB" "$T/c$n.db"
  after=$(awk '$2 == 0 {print $1}' "$T/log" | sort)
  expect_exit 0 "$AVN" audit "$T/c$n.db" --verify
  expect_out "replay: 0 differences"
  got=$(sqlite3 "$T/c$n.db" "SELECT code FROM screening WHERE code LIKE 'W%'" | sort)
  [ -z "$(comm -23 <(echo "$before") <(echo "$got"))" ] && ok || bad "backup $n lacks a write acknowledged before it"
  [ -z "$(comm -13 <(echo "$after" | sed '/^$/d') <(echo "$got" | sed '/^$/d'))" ] && ok || bad "backup $n has a write not yet made"
done
wait "$w"
[ "$n" -ge 2 ] && ok || bad "only $n backups ran during the writes"
# Midway: at least one backup saw some writes but not all.
echo "backups during the writer: $n; screenings in each: $(for i in $(seq 1 "$n"); do sqlite3 "$T/c$i.db" "SELECT count(*) FROM screening"; done | tr '\n' ' ')"
# Refusals: an existing target is left as it was; a file that is not a study gives no copy.
before=$(sha256sum < "$T/q.db")
expect_exit 1 "$AVN" backup "$DB" "$T/q.db"
expect_err "already exists"
[ "$(sha256sum < "$T/q.db")" = "$before" ] && ok || bad "an existing target was changed"
echo "not a study" > "$T/x.db"
expect_exit 1 "$AVN" backup "$T/x.db" "$T/y.db"
[ ! -e "$T/y.db" ] && ok || bad "a refused backup left a file"
expect_exit 2 "$AVN" backup "$DB"
finish
