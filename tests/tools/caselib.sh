# Shared helpers for CLI case scripts in tests/cases/ (sourced, not a test itself).
# AVN (the binary), AVN_SOURCE_DIR and AVN_TMP come from ctest.
set -u
: "${AVN:?AVN must point to the avn binary}"
T="${AVN_TMP:-/tmp}/$(basename "$0" .sh).$$"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
# The audit checkpoint's signing key (store_key.c): one per case, never the user's.
export XDG_CONFIG_HOME="$T/config"
unset AVN_KEY
# Sessions (avn login) are kept here, never in the user's home.
export AVN_STATE_DIR="$T/state"
fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect_exit CODE cmd...: runs cmd, checks the exit status, keeps stdout/stderr in $T/out $T/err
expect_exit() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $* :: $(head -c 400 "$T/err")"; fi
}
# expect_err TEXT: the last command's stderr contains TEXT
expect_err() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(head -c 400 "$T/err")"; fi; }
expect_out() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks '$1': $(head -c 400 "$T/out")"; fi; }
finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
}
# seq_screen DB CODE DATE SIDE AGE [more field=value]: screens a person for the
# shipped `sequential` protocol with one hip (SIDE, Steinberg II), eligible
# when 18 <= AGE <= 55.
seq_screen() {
  local db=$1 code=$2 date=$3 side=$4 age=$5; shift 5
  "$AVN" screen "$db" "$code" --date "$date" age="$age" mri_confirmed=yes "stage.$side=II" conservative_months=6 \
    can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no platelets=200000 \
    "prior_surgery.$side=no" active_malignancy=no pregnant=no aspiration_inadequate=no "$@"
}
# three_single_dose DB: the export tests' study (shipped `single-dose`
# protocol), all enrolled 2024-03-04: P1 male born 1984-05-05, right hip;
# P2 female born 1984-05-05, right hip; P3 male born 1980-01-01, both hips.
three_single_dose() {
  local base="avn_confirmed=yes conservative_months=6 willing_followup=yes consent=yes infection=no
    hematologic_disorder=no pregnant_or_lactating=no immunocompromised=no malignancy_5y=no asa=1"
  expect_exit 0 "$AVN" screen "$1" S1 --date 2024-03-01 age=39 stage.right=II prior_surgery.right=no $base
  expect_exit 0 "$AVN" screen "$1" S2 --date 2024-03-01 age=39 stage.right=II prior_surgery.right=no $base
  expect_exit 0 "$AVN" screen "$1" S3 --date 2024-03-01 age=44 stage.left=II stage.right=I prior_surgery.left=no \
    prior_surgery.right=no $base
  expect_exit 0 "$AVN" enroll "$1" S1 P1 --date 2024-03-04 --sex male --birth 1984-05-05
  expect_exit 0 "$AVN" enroll "$1" S2 P2 --date 2024-03-04 --sex female --birth 1984-05-05
  expect_exit 0 "$AVN" enroll "$1" S3 P3 --date 2024-03-04 --sex male --birth 1980-01-01
}
# snap FILE: the logical dump and the bytes of a study file.
snap() { sqlite3 "$1" .dump | sha256sum; sha256sum < "$1"; }
# Against PostgreSQL (AVN is tests/tools/avn_pg.sh, AVN_PG_DIR its cluster):
# a study path is a database; sqlite3 DB SQL asks it with psql (the column
# "user" quoted and group_concat(x, sep) as string_agg, as the store's
# backend does), and snap is a data-only
# pg_dump: "database unchanged" checks hold on both backends.
if [ -n "${AVN_PG_DIR:-}" ]; then
  . "$(dirname "${BASH_SOURCE[0]}")/pglib.sh"
  sqlite3() {
    local db=$1; shift
    if [ "${1:-}" = .dump ]; then "$pg_bin/pg_dump" --data-only --no-owner "$(pg_db_uri "$db")"; return; fi
    # session_replication_role=replica: foreign keys not enforced, as in
    # the sqlite3 shell (a case edits a table behind avn's back).
    PGOPTIONS="-c session_replication_role=replica" "$pg_bin/psql" -X -q -tA -v ON_ERROR_STOP=1 "$(pg_db_uri "$db")" \
      -c "$(printf '%s' "$*" | perl -pe 's/('"'"'[^'"'"']*'"'"')|(?<!["\w])user(?![\w"])|\bgroup_concat\b/defined $1 ? $1 : $& eq "user" ? q{"user"} : "string_agg"/ge')"
  }
  # cp A.db B.db copies the study (a database made from it as template),
  # replacing B as cp replaces a file.
  cp() {
    if [ $# -eq 2 ] && [ "${1%.db}" != "$1" ] && [ "${2%.db}" != "$2" ]; then
      "$pg_bin/psql" -X -q "$(cat "$AVN_PG_DIR/uri")/postgres" \
        -c "DROP DATABASE IF EXISTS $(pg_db_name "$2") WITH (FORCE)" \
        -c "CREATE DATABASE $(pg_db_name "$2") TEMPLATE $(pg_db_name "$1")" >/dev/null
    else command cp "$@"; fi
  }
  snap() { sqlite3 "$1" .dump | grep -v -e "^SELECT pg_catalog.setval" -e "^.restrict" -e "^.unrestrict" | sha256sum; }
fi
# sql_join DB SEP 'SELECT one column ... ORDER BY ...': the rows, in the
# query's order, joined by SEP (group_concat's order is unspecified and
# PostgreSQL has no group_concat of numbers: the joining is done here).
sql_join() {
  local db=$1 sep=$2; shift 2
  sqlite3 "$db" "$*" | awk -v s="$sep" 'NR > 1 { printf "%s", s } { printf "%s", $0 }'
}
# on_pg: true when the case runs against PostgreSQL (a few checks edit a
# SQLite file with another program, or read SQLite's own file).
on_pg() { [ -n "${AVN_PG_DIR:-}" ]; }
# refuse_same DB 'stderr text' avn-args...: exits 1, says the text, DB byte-identical.
refuse_same() {
  local db=$1 text=$2; shift 2
  local before; before=$(snap "$db")
  expect_exit 1 "$AVN" "$@"
  expect_err "$text"
  [ "$(snap "$db")" = "$before" ] && ok || bad "database changed after refused: $*"
}
# init_admin DB PROTOCOL NAME PASSWORD: a study whose first administrator is NAME.
init_admin() { printf '%s\n' "$4" | "$AVN" init "$1" --protocol "$2" --admin "$3" --password-stdin; }
# login DB NAME PASSWORD: opens NAME's session (avn login, password on stdin).
login() { printf '%s\n' "$3" | "$AVN" login "$1" --user "$2" --password-stdin; }
