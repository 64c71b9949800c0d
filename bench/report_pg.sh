#!/bin/bash
# bench/report_pg.sh: a large study on PostgreSQL (issue 16: a 100,000-patient
# study, the report in under 60 s, an export streamed with bounded memory).
# In one run, on a private cluster with durable commits (tests/tools/pg.sh,
# AVN_PG_FSYNC=1):
#   avn-bench-study's PATIENTS-patient study (bench/make_study.c, through the
#   store's write path, kept in $BENCH_OUT) moved to the server by
#   `avn migrate` (COPY), timed;
#   multiplied there COPIES times by SQL (new ids and codes, as
#   bench/export.sh does on a file; a benchmark fixture, so its audit trail
#   is not extended and foreign keys are not checked row by row), then
#   vacuumed and analysed (a server's autovacuum would, later, and would
#   otherwise run during the timings);
#   `avn report` and `avn export --format sav` on it, wall seconds and peak
#   RSS (GNU time).
# Usage: bench/report_pg.sh [BUILD_DIR] [PATIENTS] [COPIES]
#   (default build, 1000, 100: 100,000 patients)
# The test suite runs it at 100 patients x 2 (bench/report_pg_small).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
N=${2:-1000}
K=${3:-100}
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"
TIME=/usr/bin/time
. "$here/lib.sh"
bench_study report_pg.sh
pgdir=$out/pg_report
AVN_PG_FSYNC=1 bash "$here/../tests/tools/pg.sh" start "$pgdir" >/dev/null || exit 77
trap 'bash "$here/../tests/tools/pg.sh" stop "$pgdir"' EXIT
bin=${AVN_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
db=$(bash "$here/../tests/tools/pg.sh" createdb "$pgdir" "study_${N}x$K")
psql_db() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -tA "$db" "$@"; }
rows=$(sqlite3 "$base" "SELECT (SELECT count(*) FROM item_value) || ' values, ' || (SELECT count(*) FROM audit) || ' audit rows'")
echo "moving $base ($rows) to PostgreSQL ..."
run avn_migrate "$build/avn" migrate "$base" "$db"
echo "multiplying it by $K on the server ..."
start=$(date +%s.%N)
# Fewer checkpoints while gigabytes go in (this private cluster only).
"$bin/psql" -X -q "$(cat "$pgdir/uri")/postgres" -c "ALTER SYSTEM SET max_wal_size = '8GB'" \
  -c "SELECT pg_reload_conf()" >/dev/null
psql_db >/dev/null <<SQL
SET session_replication_role = replica;
BEGIN;
CREATE TEMP TABLE m AS SELECT (SELECT max(id) FROM screening) s, (SELECT max(id) FROM patient) p,
  (SELECT max(id) FROM hip) h, (SELECT max(id) FROM event) ev, (SELECT max(id) FROM form) f;
INSERT INTO screening(id, code, site_id, screened_on, eligible, failed, data)
  SELECT id + k * m.s, code || '-' || k, site_id, screened_on, eligible, failed, data
  FROM screening, m, generate_series(1, $K - 1) k WHERE id <= m.s;
INSERT INTO patient(id, code, site_id, screening_id, sex, birth_date, enrolled_on, status, withdrawn_on, withdraw_reason)
  SELECT id + k * m.p, code || '-' || k, site_id, screening_id + k * m.s, sex, birth_date, enrolled_on, status,
         withdrawn_on, withdraw_reason FROM patient, m, generate_series(1, $K - 1) k WHERE id <= m.p;
INSERT INTO hip(id, patient_id, side, stage)
  SELECT id + k * m.h, patient_id + k * m.p, side, stage FROM hip, m, generate_series(1, $K - 1) k WHERE id <= m.h;
INSERT INTO event(id, patient_id, kind, name, visit, side, planned, earliest, latest, actual)
  SELECT id + k * m.ev, patient_id + k * m.p, kind, name, visit, side, planned, earliest, latest, actual
  FROM event, m, generate_series(1, $K - 1) k WHERE id <= m.ev;
INSERT INTO form(id, patient_id, visit, instrument, side, instance, entry, status, created_at, updated_at, void_reason,
                 unscheduled, version)
  SELECT id + k * m.f, patient_id + k * m.p, visit, instrument, side, instance, entry, status, created_at, updated_at,
         void_reason, unscheduled, version FROM form, m, generate_series(1, $K - 1) k WHERE id <= m.f;
INSERT INTO item_value(form_id, item, value_text, value_num, unit)
  SELECT form_id + k * m.f, item, value_text, value_num, unit
  FROM item_value, m, generate_series(1, $K - 1) k WHERE form_id <= m.f;
COMMIT;
VACUUM ANALYZE;
SQL
echo "  multiplied in $(echo "$(date +%s.%N) - $start" | bc) s"
echo "study: $db ($(psql_db -c 'SELECT count(*) FROM patient') patients, $(psql_db -c 'SELECT count(*) FROM item_value') values, $(psql_db -c 'SELECT pg_size_pretty(pg_database_size(current_database()))'))"
rm -rf "$out/report_pg"
run avn_report env AVN_TODAY=2026-11-01 "$build/avn" report "$db" --out "$out/report_pg"
run avn_sav "$build/avn" export "$db" --format sav --out "$out/export_pg.sav"
rss=$(cat "$out/avn_sav.rss")
printf "avn report on PostgreSQL: %s s wall, %s s CPU (target < 60 s at 100,000 patients)\n" \
  "$(cat "$out/avn_report.sec")" "$(cat "$out/avn_report.cpu")"
printf "avn export .sav peak RSS: %.1f MB (target < 100 MB)\n" "$(echo "$rss / 1024" | bc -l)"
# Sanitizer builds keep shadow memory and a quarantine: the limit is for real builds.
if [ "${AVN_SANITIZE:-OFF}" != ON ]; then
  [ "$rss" -lt 102400 ] || { echo "avn export: resident memory over 100 MB"; exit 1; }
fi
