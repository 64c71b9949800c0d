#!/usr/bin/env bash
# tests/tools/pg.sh: a private PostgreSQL cluster for a test run.
#   pg.sh start DIR     initdb + pg_ctl in DIR on loopback, a free port; prints
#                       the base URI (postgresql://avn@127.0.0.1:PORT) and keeps
#                       it in DIR/uri. Exit 77 (skip) when PostgreSQL is absent.
#   pg.sh createdb DIR NAME   a new empty database, C collation; prints its URI
#   pg.sh restart DIR   stops it (fast: connections dropped) and starts it again
#   pg.sh stop DIR      stops the cluster and removes DIR
# initdb refuses to run as root: as root, the cluster runs as the `postgres`
# user (runuser), DIR made accessible to it. Trust authentication on
# 127.0.0.1 only; fsync off (a test cluster: speed, not durability) unless
# AVN_PG_FSYNC=1 (the benchmarks: durable commits, as SQLite's are).
set -euo pipefail
cmd=${1:?usage: pg.sh start|createdb|stop DIR [NAME]}
dir=${2:?DIR}
bin=${AVN_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
start)
  [ -x "$bin/initdb" ] || { echo "pg.sh: PostgreSQL is not installed (scripts/setup)" >&2; exit 77; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg.sh: no postgres user to run the cluster as" >&2; exit 77; }
    # The folder and its parents must let the postgres user in.
    d=$dir; while [ "$d" != / ] && [ "$d" != . ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
    chown postgres "$dir"
  fi
  as_pg "$bin/initdb" -D "$dir/data" -U avn --auth=trust --locale=C --encoding=UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  fsync=-F; [ "${AVN_PG_FSYNC:-0}" = 1 ] && fsync=   # durable commits for benchmarks
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir $fsync -c max_connections=200 -c shared_buffers=64MB" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://avn@127.0.0.1:$port" | tee "$dir/uri"
  ;;
createdb)
  name=${3:?NAME}
  base=$(cat "$dir/uri")
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$base/postgres" -c "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >&2
  echo "$base/$name"
  ;;
restart)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w restart >/dev/null
  ;;
stop)
  if [ -d "$dir/data" ]; then as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*) echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
