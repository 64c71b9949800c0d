# Several writer processes on one PostgreSQL study at once: the audit chain
# stays one order. Each of W writers adds S sites and screens P people, all
# started together; afterwards the trail holds exactly the rows the writes
# made, in one unbroken chain with ids 1..n (avn audit --verify replays it),
# and every acknowledged write is there.
# Rows expected, counted from the store's audit calls:
#   avn init: 3 (protocol, protocol_yaml, site main name)
#   avn site add: 1 each (site name)
#   avn screen (eligible, sequential protocol): one row per screening field
#     -- counted from a single-writer study below, not assumed.
# AVN: the avn binary; AVN_PG_DIR: the run's cluster (tests/tools/pg.sh).
. "$(dirname "$0")/../tools/caselib.sh"
: "${AVN_PG_DIR:?}"
. "$AVN_SOURCE_DIR/tests/tools/pglib.sh"
W=6 S=10 P=4
db="$T/conc.db"
pg_db_create "$db"
U=$(pg_db_uri "$db")
expect_exit 0 "$AVN" init "$U" --protocol sequential
# One screening's audit rows, measured on a scratch study (SQLite file).
expect_exit 0 "$AVN" init "$T/one.db" --protocol sequential
before=$(command sqlite3 "$T/one.db" "SELECT count(*) FROM audit")
expect_exit 0 seq_screen "$T/one.db" X1 2024-01-10 left 40
after=$(command sqlite3 "$T/one.db" "SELECT count(*) FROM audit")
per_screen=$((after - before))
[ "$per_screen" -gt 0 ] && ok || bad "a screening wrote no audit row"

writer() {
  local w=$1 acked=0
  for i in $(seq 1 $S); do
    "$AVN" site add "$U" "w${w}s$i" --name "Writer $w site $i" >/dev/null 2>>"$T/err.$w" && acked=$((acked + 1))
  done
  for i in $(seq 1 $P); do
    seq_screen "$U" "W${w}P$i" 2024-01-10 left 40 --site "w${w}s1" >/dev/null 2>>"$T/err.$w" && acked=$((acked + 1))
  done
  echo "$acked" >"$T/acked.$w"
}
for w in $(seq 1 $W); do writer "$w" & done
wait
total_acked=0
for w in $(seq 1 $W); do total_acked=$((total_acked + $(cat "$T/acked.$w"))); done
[ "$total_acked" -eq $((W * (S + P))) ] && ok || bad "only $total_acked of $((W * (S + P))) writes acknowledged: $(cat "$T"/err.* | head -5)"
rows=$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM audit")
want=$((3 + W * S + W * P * per_screen))
[ "$rows" -eq "$want" ] && ok || bad "audit rows $rows, wanted 3 + $W*$S + $W*$P*$per_screen = $want"
# One order: ids 1..n with no gap or repeat, and the chain replays.
[ "$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(DISTINCT id) = max(id) AND min(id) = 1 FROM audit")" = t ] && ok || bad "audit ids are not 1..n"
expect_exit 0 "$AVN" audit "$U" --verify
# Writers interleaved (a real test of the lock): some writer's rows are not contiguous.
runs=$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM (SELECT record, lag(record) OVER (ORDER BY id) AS prev FROM audit WHERE action = 'site') x WHERE substr(record, 1, 7) <> substr(coalesce(prev, ''), 1, 7)")
[ "$runs" -gt "$W" ] && ok || bad "the writers never interleaved ($runs runs): the test did not test concurrency"
# Every acknowledged site is in the table and in the trail.
[ "$("$pg_bin/psql" -X -tA "$U" -c "SELECT count(*) FROM site WHERE code LIKE 'w%'")" -eq $((W * S)) ] && ok || bad "sites missing"
finish
