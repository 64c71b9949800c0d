#!/usr/bin/env bash
# tests/tools/avn_pg.sh: runs avn with every STUDY.db argument replaced by a
# PostgreSQL database of the run's private cluster (tests/tools/pg.sh), so
# the CLI cases in tests/cases/ run unchanged against PostgreSQL.
# AVN_REAL: the avn binary; AVN_PG_DIR: the cluster's folder.
# A path ending in .db maps to database "t_" + a hash of its absolute path
# (tests/tools/pglib.sh's pg_db_name); `avn init` creates it. Other paths
# (exports, reports) pass through. Messages name the path again, as the
# cases expect (the URI is replaced by the path in stdout and stderr);
# `avn serve` runs as itself (exec: the case stops it by its pid).
set -u
: "${AVN_REAL:?}" "${AVN_PG_DIR:?}"
. "$(dirname "$0")/pglib.sh"
args=()
subst=()
create=0
case "${1:-}" in init | demo) create=1 ;; esac
for a in "$@"; do
  case "$a" in
  *.db)
    uri=$(pg_db_uri "$a")
    if [ "$create" = 1 ]; then pg_db_create "$a"; create=0; fi
    subst+=(-e "s|$uri|$a|g")
    args+=("$uri") ;;
  *) args+=("$a") ;;
  esac
done
if [ "${1:-}" = serve ] || [ ${#subst[@]} -eq 0 ]; then exec "$AVN_REAL" "${args[@]}"; fi
out=$(mktemp) err=$(mktemp)
"$AVN_REAL" "${args[@]}" >"$out" 2>"$err"
rc=$?
sed "${subst[@]}" "$out"
sed "${subst[@]}" "$err" >&2
rm -f "$out" "$err"
exit $rc
