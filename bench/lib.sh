# Shared by the bench scripts (sourced). Needs $out (output dir) and $TIME
# (GNU time, Debian package `time`).
# run LABEL CMD...: runs CMD; wall seconds, peak RSS (kB), user and system CPU
# seconds and their sum into $out/LABEL.{sec,rss,user,sys,cpu}, stdout/stderr into
# $out/LABEL.{out,err}; prints a line.
run() {
  local label=$1; shift
  "$TIME" -f "%e %M %U %S" -o "$out/$label.time" "$@" >"$out/$label.out" 2>"$out/$label.err" || {
    echo "$label failed:"; cat "$out/$label.err"; exit 1; }
  read -r sec rss user sys <"$out/$label.time"
  echo "$sec" >"$out/$label.sec"
  echo "$rss" >"$out/$label.rss"
  echo "$user" >"$out/$label.user"
  echo "$sys" >"$out/$label.sys"
  echo "$user + $sys" | bc -l >"$out/$label.cpu"
  printf "  %-14s %8.2f s  %8.2f s CPU  %8.1f MB peak RSS\n" "$label" "$sec" "$(cat "$out/$label.cpu")" \
    "$(echo "$rss / 1024" | bc -l)"
}
# bench_study SCRIPT: checks $build has avn and avn-bench-study, then makes
# $out/study_$N.db ($N patients through the store's write path) unless it is
# there already; its path in $base.
bench_study() {
  [ -x "$build/avn" ] && [ -x "$build/avn-bench-study" ] || { echo "$1: build avn and avn-bench-study in $build first"; exit 1; }
  base=$out/study_$N.db
  if [ ! -s "$base" ]; then
    echo "making $base ($N patients, through the store's write path) ..."
    AVN_TODAY=2026-11-01 "$build/avn-bench-study" "$base" "$N"
  fi
}
# bench_multiply_sql K: SQL (SQLite's and PostgreSQL's alike) that makes a
# study K times itself (new ids and codes "P0001-3"; a benchmark fixture, so
# its audit trail is not extended): about K x the patients, hips, forms and
# values.
bench_multiply_sql() {
  local K=$1
  echo "BEGIN;"
  echo "CREATE TEMP TABLE m AS SELECT (SELECT max(id) FROM screening) s, (SELECT max(id) FROM patient) p,"
  echo "  (SELECT max(id) FROM hip) h, (SELECT max(id) FROM event) ev, (SELECT max(id) FROM form) f;"
  for k in $(seq 1 "$K"); do
    [ "$k" -eq "$K" ] && break
    cat <<SQL
INSERT INTO screening(id, code, site_id, screened_on, eligible, failed, data)
  SELECT id + $k * m.s, code || '-$k', site_id, screened_on, eligible, failed, data FROM screening, m WHERE id <= m.s;
INSERT INTO patient(id, code, site_id, screening_id, sex, birth_date, enrolled_on, status, withdrawn_on, withdraw_reason)
  SELECT id + $k * m.p, code || '-$k', site_id, screening_id + $k * m.s, sex, birth_date, enrolled_on, status,
         withdrawn_on, withdraw_reason FROM patient, m WHERE id <= m.p;
INSERT INTO hip(id, patient_id, side, stage) SELECT id + $k * m.h, patient_id + $k * m.p, side, stage FROM hip, m WHERE id <= m.h;
INSERT INTO event(id, patient_id, kind, name, visit, side, planned, earliest, latest, actual)
  SELECT id + $k * m.ev, patient_id + $k * m.p, kind, name, visit, side, planned, earliest, latest, actual FROM event, m WHERE id <= m.ev;
INSERT INTO form(id, patient_id, visit, instrument, side, entry, status, created_at, updated_at)
  SELECT id + $k * m.f, patient_id + $k * m.p, visit, instrument, side, entry, status, created_at, updated_at FROM form, m WHERE id <= m.f;
INSERT INTO item_value(form_id, item, value_text, value_num, unit)
  SELECT form_id + $k * m.f, item, value_text, value_num, unit FROM item_value, m WHERE form_id <= m.f;
SQL
  done
    echo "COMMIT;"
}
# bench_multiply BASE DB K: SQLite file DB is BASE's study K times over.
bench_multiply() {
  cp "$1" "$2"
  bench_multiply_sql "$3" | sqlite3 "$2"
}
# bench_pg_study NAME DB K: a private cluster in $out/pg_NAME (tests/tools/pg.sh,
# durable commits; stopped when the script exits), database DB made there,
# $base (bench_study's file) moved to it by `avn migrate` and then made K
# times itself by SQL on the server (new ids and codes, one INSERT ... SELECT
# per table; a benchmark fixture, so its audit trail is not extended and
# foreign keys are not checked row by row), vacuumed and analysed (a server's
# autovacuum would, later, and would otherwise run during the timings).
# Sets pgdir, bin (PostgreSQL's programs), db (the study's URI) and psql_db.
bench_pg_study() {
  pgdir=$out/pg_$1
  AVN_PG_FSYNC=1 bash "$here/../tests/tools/pg.sh" start "$pgdir" >/dev/null || exit 77
  trap 'bash "$here/../tests/tools/pg.sh" stop "$pgdir"' EXIT
  bin=${AVN_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
  db=$(bash "$here/../tests/tools/pg.sh" createdb "$pgdir" "$2")
  local K=$3 rows start
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
}
