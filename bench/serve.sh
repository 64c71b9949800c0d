#!/bin/bash
# bench/serve.sh: `avn serve` under load (issue 13: 50 concurrent clients on
# loopback saving forms; saves at 70% or more of SQLite's raw durable commit
# rate, p99 under 50 ms, server resident memory under 50 MB, no acknowledged
# save missing). In one run:
#   CLIENTS clients (bench/serve_load.c) each save one patient's HHS form
#   again and again through POST /form for SECONDS (each save changes the
#   pain item, with a unique reason, so each is a real durable write);
#   SQLite's raw durable commit rate on a copy of the same database (same
#   disk, same schema, WAL and synchronous=FULL as the store sets), one
#   minimal write transaction per commit, for the same SECONDS;
#   then every acknowledged save (HTTP 303) is looked up in the audit trail
#   by its reason: one missing fails the run.
# Usage: bench/serve.sh [BUILD_DIR] [CLIENTS] [SECONDS]   (default build, 50, 20)
# The test suite runs it with 4 clients for 3 seconds (bench/serve_small).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
C=${2:-50}
S=${3:-20}
out=${BENCH_OUT:-$here/out}/serve
AVN=$build/avn
export AVN
LOAD=$build/avn-bench-serve
[ -x "$AVN" ] && [ -x "$LOAD" ] || { echo "serve.sh: build avn and avn-bench-serve in $build first"; exit 1; }
command -v curl >/dev/null && command -v sqlite3 >/dev/null || { echo "serve.sh: needs curl and sqlite3"; exit 1; }
rm -rf "$out"
mkdir -p "$out"
export AVN_TODAY=2024-03-01 AVN_USER=bench
. "$here/../tests/tools/servelib.sh"
db=$out/serve.db
HHS="limp=slight support=cane_long_walks distance=six_blocks stairs=railing shoes=difficulty sitting=high_chair
  transport=able flexion_contracture_deg=20 fixed_adduction_deg=5 fixed_ir_deg=5 lld_cm=1.0 flexion_deg=100
  abduction_deg=20 adduction_deg=10 er_deg=10 ir_deg=10"
echo "making $db: $C patients, each with its m1 HHS entered (command line) ..."
"$AVN" init "$db" --protocol sequential >/dev/null
for i in $(seq 1 "$C"); do
  "$AVN" screen "$db" "S$i" --date 2024-01-25 $SEED_SCREEN >/dev/null
  "$AVN" enroll "$db" "S$i" "B$i" --date 2024-01-31 --sex female >/dev/null
  "$AVN" enter "$db" "B$i" m1 hhs --hip left --date 2024-02-28 pain=slight $HHS >/dev/null
done
cp "$db" "$out/raw.db"

serve_start "$db" "$out/serve.out"
curl -s -c "$out/jar" -o /dev/null "$SERVE_URL"
cookie=$(awk '$6 == "avn_session" { print $7 }' "$out/jar")
csrf=$(curl -s -b "$out/jar" "$SERVE_BASE/" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"$//')
audit0=$(sqlite3 "$db" "select count(*) from audit")
echo "load: $C clients for $S s on ${SERVE_BASE} ..."
"$LOAD" http "${SERVE_BASE##*:}" "$S" "$C" "$cookie" "$csrf" "$out/acks.txt" | tee "$out/http.txt"
rss_kb=$(awk '/^VmHWM/ { print $2 }' /proc/"$SERVE_PID"/status)
serve_stop
echo "raw sqlite: one writer for $S s on $out/raw.db ..."
"$LOAD" raw "$out/raw.db" "$S" | tee "$out/raw.txt"

acked=$(wc -l <"$out/acks.txt")
missing=$(sqlite3 "$db" "CREATE TEMP TABLE ack(reason TEXT PRIMARY KEY);" ".mode csv" ".import $out/acks.txt ack" \
  "SELECT count(*) FROM ack WHERE reason NOT IN (SELECT reason FROM audit WHERE field = 'pain' AND reason IS NOT NULL);")
saves=$(awk '{ for (i = 1; i < NF; i++) if ($i == "saves_per_s") print $(i + 1) }' "$out/http.txt")
p99=$(awk '{ for (i = 1; i < NF; i++) if ($i == "p99_ms") print $(i + 1) }' "$out/http.txt")
rawr=$(awk '{ for (i = 1; i < NF; i++) if ($i == "commits_per_s") print $(i + 1) }' "$out/raw.txt")
{
  printf "clients %s, %s s: %s saves/s, p99 %s ms; raw sqlite %s commits/s; saves at %.1f%% of raw\n" \
    "$C" "$S" "$saves" "$p99" "$rawr" "$(echo "100 * $saves / $rawr" | bc -l)"
  printf "server peak RSS %.1f MB; acknowledged %s, audit rows written %s, acknowledged but missing %s\n" \
    "$(echo "$rss_kb / 1024" | bc -l)" "$acked" "$(( $(sqlite3 "$db" "select count(*) from audit") - audit0 ))" "$missing"
} | tee "$out/summary.txt"
[ "$acked" -gt 0 ] || { echo "FAIL: no save acknowledged"; exit 1; }
[ "$missing" -eq 0 ] || { echo "FAIL: $missing acknowledged saves are not in the database"; exit 1; }
