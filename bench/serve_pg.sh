#!/bin/bash
# bench/serve_pg.sh: `avn serve` on PostgreSQL (issue 16). In one run, on a
# private cluster with durable commits (tests/tools/pg.sh, AVN_PG_FSYNC=1):
#   two `avn serve` processes on one study; CLIENTS clients (half on each,
#   bench/serve_load.c) save their own patient's HHS form again and again
#   through POST /form for SECONDS, logged in as a named user (the session
#   lives in the database);
#   with --restart, the PostgreSQL server is restarted (fast: every
#   connection dropped) halfway through;
#   pgbench's raw commit rate on the same cluster: one client, then CLIENTS
#   clients, each transaction one INSERT of a row like an audit row;
#   then every acknowledged save (HTTP 303) is looked up in the audit trail
#   by its reason: one missing fails the run (a restart may refuse saves,
#   never lose an acknowledged one).
# Usage: bench/serve_pg.sh [BUILD_DIR] [CLIENTS] [SECONDS] [--restart]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
C=${2:-50}
S=${3:-20}
RESTART=${4:-}
out=${BENCH_OUT:-$here/out}/serve_pg
AVN=$build/avn
LOAD=$build/avn-bench-serve
export AVN
[ -x "$AVN" ] && [ -x "$LOAD" ] || { echo "serve_pg.sh: build avn and avn-bench-serve in $build first"; exit 1; }
rm -rf "$out"
mkdir -p "$out"
export AVN_TODAY=2024-03-01 AVN_STATE_DIR=$out/state XDG_CONFIG_HOME=$out/config
. "$here/../tests/tools/servelib.sh"
pgdir=$out/pg
AVN_PG_FSYNC=1 bash "$here/../tests/tools/pg.sh" start "$pgdir" >/dev/null || exit 77
trap 'bash "$here/../tests/tools/pg.sh" stop "$pgdir"' EXIT
export AVN_PG_DIR=$pgdir
. "$here/../tests/tools/pglib.sh"
pg_db_create "$out/serve.db"
db=$(pg_db_uri "$out/serve.db")
HHS="limp=slight support=cane_long_walks distance=six_blocks stairs=railing shoes=difficulty sitting=high_chair
  transport=able flexion_contracture_deg=20 fixed_adduction_deg=5 fixed_ir_deg=5 lld_cm=1.0 flexion_deg=100
  abduction_deg=20 adduction_deg=10 er_deg=10 ir_deg=10"
PW=bench-password-long
echo "making the study on PostgreSQL: $C patients, each with its m1 HHS entered (command line) ..."
printf '%s\n' "$PW" | "$AVN" init "$db" --protocol sequential --admin ada --password-stdin >/dev/null
printf '%s\n' "$PW" | "$AVN" login "$db" --user ada --password-stdin >/dev/null
for i in $(seq 1 "$C"); do
  "$AVN" screen "$db" "S$i" --date 2024-01-25 $SEED_SCREEN >/dev/null
  "$AVN" enroll "$db" "S$i" "B$i" --date 2024-01-31 --sex female >/dev/null
  "$AVN" enter "$db" "B$i" m1 hhs --hip left --date 2024-02-28 pain=slight $HHS >/dev/null
done
psql_db() { "$pg_bin/psql" -X -q -tA "$db" -c "$1"; }
ports=() pids=()
for k in 1 2; do
  serve_start "$db" "$out/serve$k.out"
  pids+=("$SERVE_PID"); ports+=("${SERVE_BASE##*:}")
done
login() {   # login PORT: the session cookie and a CSRF token, as ada
  local jar=$out/jar.$1
  curl -s -c "$jar" -o /dev/null -d "user=ada&password=$PW" "http://127.0.0.1:$1/login"
  cookie=$(awk '$6 == "avn_session" { print $7 }' "$jar")
  csrf=$(curl -s -b "$jar" "http://127.0.0.1:$1/" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"$//')
}
audit0=$(psql_db "SELECT count(*) FROM audit")
half=$((C / 2))
echo "load: $C clients for $S s on two avn serve processes (ports ${ports[*]}) ..."
login "${ports[0]}"; "$LOAD" http "${ports[0]}" "$S" "$half" "$cookie" "$csrf" "$out/acks1.txt" 0 >"$out/http1.txt" &
l1=$!
sleep 0.3   # the login back-off is per process; a second login is a new process's
login "${ports[1]}"; "$LOAD" http "${ports[1]}" "$S" "$((C - half))" "$cookie" "$csrf" "$out/acks2.txt" "$half" >"$out/http2.txt" &
l2=$!
if [ "$RESTART" = --restart ]; then
  sleep "$(echo "$S / 2" | bc -l)"
  echo "restarting PostgreSQL under load ..."
  bash "$here/../tests/tools/pg.sh" restart "$pgdir"
fi
wait "$l1" "$l2" || true
cat "$out/http1.txt" "$out/http2.txt"
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
SERVE_ALL=
echo "pgbench: the raw commit rate of the same server ..."
"$pg_bin/psql" -X -q "$(cat "$pgdir/uri")/postgres" -c "CREATE DATABASE raw" >/dev/null
raw=$(cat "$pgdir/uri")/raw
"$pg_bin/psql" -X -q "$raw" -c "CREATE TABLE a(id BIGSERIAL PRIMARY KEY, at TEXT, who TEXT, action TEXT, record TEXT, field TEXT, old TEXT, new TEXT, reason TEXT, hash TEXT)" >/dev/null
printf '%s\n' "INSERT INTO a(at,who,action,record,field,old,new,reason,hash) VALUES (now()::text,'bench','update','patient B1 / visit m1 / hhs left / entry 1','pain','mild','slight','c1-1',md5(random()::text) || md5(random()::text));" >"$out/raw.sql"
raw1=$("$pg_bin/pgbench" -n -f "$out/raw.sql" -c 1 -T "$S" "$raw" 2>/dev/null | awk '/^tps/ { print $3 }')
rawc=$("$pg_bin/pgbench" -n -f "$out/raw.sql" -c "$C" -j 2 -T "$S" "$raw" 2>/dev/null | awk '/^tps/ { print $3 }')

cat "$out/acks1.txt" "$out/acks2.txt" >"$out/acks.txt"
acked=$(wc -l <"$out/acks.txt")
psql_db "CREATE TABLE IF NOT EXISTS bench_ack(reason TEXT PRIMARY KEY)" >/dev/null
"$pg_bin/psql" -X -q "$db" -c "\\copy bench_ack FROM '$out/acks.txt'" >/dev/null
# An acknowledged save is lost when its reason is not in the trail, unless
# it changed nothing: a save answered with an error may still have been
# stored (the server restarted after COMMIT, before its answer), and the
# client's next save may then repeat that value, which writes no audit row.
# Such a save finds its value already there: the pain of the same client's
# last stored save before it (reasons are c<client>-<attempt>-<pain>).
missing=$(psql_db "WITH a AS (SELECT reason, split_part(reason, '-', 1) AS cl, CAST(split_part(reason, '-', 2) AS BIGINT) AS k,
  split_part(reason, '-', 3) AS v FROM bench_ack),
  w AS (SELECT split_part(reason, '-', 1) AS cl, CAST(split_part(reason, '-', 2) AS BIGINT) AS k, split_part(reason, '-', 3) AS v
  FROM audit WHERE field = 'pain' AND reason ~ '^c[0-9]+-[0-9]+-')
  SELECT count(*) FROM a WHERE a.reason NOT IN (SELECT reason FROM audit WHERE field = 'pain' AND reason IS NOT NULL)
  AND COALESCE((SELECT w.v FROM w WHERE w.cl = a.cl AND w.k < a.k ORDER BY w.k DESC LIMIT 1), '') <> a.v")
noop=$(psql_db "SELECT count(*) FROM bench_ack WHERE reason NOT IN (SELECT reason FROM audit WHERE field = 'pain' AND reason IS NOT NULL)")
psql_db "DROP TABLE bench_ack" >/dev/null
saves=$(cat "$out/http1.txt" "$out/http2.txt" | awk '{ for (i = 1; i < NF; i++) if ($i == "saves_per_s") s += $(i + 1) } END { print s }')
p99=$(cat "$out/http1.txt" "$out/http2.txt" | awk '{ for (i = 1; i < NF; i++) if ($i == "p99_ms" && $(i + 1) > m) m = $(i + 1) } END { print m }')
errors=$(cat "$out/http1.txt" "$out/http2.txt" | awk '{ for (i = 1; i < NF; i++) if ($i == "errors") s += $(i + 1) } END { print s }')
{
  printf "postgresql, 2 serve processes, clients %s, %s s%s: %s saves/s, p99 %s ms (the worse process), %s refused or failed\n" \
    "$C" "$S" "${RESTART:+ (server restarted halfway)}" "$saves" "$p99" "$errors"
  printf "pgbench raw commits/s: %s with 1 client, %s with %s clients; saves at %.1f%% of the 1-client rate\n" \
    "$raw1" "$rawc" "$C" "$(echo "100 * $saves / $raw1" | bc -l)"
  printf "acknowledged %s, audit rows written %s, acknowledged but missing %s (acknowledged, changing nothing: %s)\n" \
    "$acked" "$(( $(psql_db "SELECT count(*) FROM audit") - audit0 ))" "$missing" "$(( noop - missing ))"
} | tee "$out/summary.txt"
[ "$acked" -gt 0 ] || { echo "FAIL: no save acknowledged"; exit 1; }
[ "$missing" -eq 0 ] || { echo "FAIL: $missing acknowledged saves are not in the database"; exit 1; }
