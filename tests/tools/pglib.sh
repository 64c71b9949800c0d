# tests/tools/pglib.sh: a study path's PostgreSQL database in the run's
# cluster (AVN_PG_DIR, tests/tools/pg.sh), for avn_pg.sh and caselib.sh.
pg_bin=${AVN_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
pg_db_name() { printf 't_%s' "$(printf '%s' "$(realpath -m -- "$1")" | sha256sum | cut -c1-20)"; }
pg_db_uri() { printf '%s/%s' "$(cat "$AVN_PG_DIR/uri")" "$(pg_db_name "$1")"; }
# Creates the path's database (empty, C collation) unless it exists.
pg_db_create() {
  local base name
  base=$(cat "$AVN_PG_DIR/uri")
  name=$(pg_db_name "$1")
  "$pg_bin/psql" -X -q "$base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 ||
    "$pg_bin/psql" -X -q "$base/postgres" \
      -c "CREATE DATABASE $name TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null
}
