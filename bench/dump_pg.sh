#!/bin/bash
# bench/dump_pg.sh: copies of a large study on PostgreSQL (issue 16: `avn
# dump` and `avn backup` read each table as a stream, so memory stays bounded
# at any size). In one run, on a private cluster (tests/tools/pg.sh, durable
# commits):
#   avn-bench-study's PATIENTS-patient study (bench/make_study.c, kept in
#   $BENCH_OUT) moved to the server by `avn migrate`;
#   multiplied there COPIES times by SQL (bench/lib.sh bench_pg_study),
#   vacuumed;
#   `avn dump URI FILE`, `avn backup URI FILE` and `avn dump URI FILE --site`
#   timed, wall seconds and peak RSS (GNU time); each copy counted against
#   the server (patients and values).
# Usage: bench/dump_pg.sh [BUILD_DIR] [PATIENTS] [COPIES]   (default 1000, 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-1000}
K=${3:-10}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
TIME=/usr/bin/time
. "$here/lib.sh"
bench_study dump_pg.sh
bench_pg_study dump "dump_${N}x$K" "$K"
patients=$(psql_db -c 'SELECT count(*) FROM patient')
values=$(psql_db -c 'SELECT count(*) FROM item_value')
echo "study: $db ($patients patients, $values values, $(psql_db -c 'SELECT count(*) FROM audit') audit rows," \
  "$(psql_db -c 'SELECT pg_size_pretty(pg_database_size(current_database()))'))"
# check FILE: the copy holds the server's patients and values.
check() {
  local got
  got=$(sqlite3 "$1" "SELECT (SELECT count(*) FROM patient) || ' ' || (SELECT count(*) FROM item_value)")
  [ "$got" = "$patients $values" ] || { echo "$1 holds $got patients and values, the server $patients $values"; exit 1; }
}
rm -f "$out/dump_pg.db" "$out/backup_pg.db" "$out/part_pg.db"
run avn_dump "$build/avn" dump "$db" "$out/dump_pg.db"
check "$out/dump_pg.db"
run avn_backup "$build/avn" backup "$db" "$out/backup_pg.db"
check "$out/backup_pg.db"
site=$(psql_db -c 'SELECT code FROM site ORDER BY id LIMIT 1')
run avn_dump_site "$build/avn" dump "$db" "$out/part_pg.db" --site "$site"
for l in avn_dump avn_backup avn_dump_site; do
  printf "%-14s %8.1f s wall  %8.1f MB peak RSS\n" "$l" "$(cat "$out/$l.sec")" "$(echo "$(cat "$out/$l.rss") / 1024" | bc -l)"
done
