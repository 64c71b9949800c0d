# The report of the seed-002 demo study, then check, schedule, a visit date, a
# withdrawal and a refusal on it, under valgrind's memcheck: no invalid access,
# no uninitialised use, no leak (exit 9 if any). The demo itself runs natively
# (under valgrind it takes minutes); its code paths are the store's and the
# report's, covered here.
# glib/pango keep per-process caches ("possibly lost"), which are not leaks of ours.
# Skipped (77) in the sanitizer build: valgrind cannot run an ASan binary.
[ "${AVN_SANITIZE:-OFF}" = "ON" ] && { echo "skipped under AddressSanitizer"; exit 77; }
. "$(dirname "$0")/../tools/caselib.sh"
VG="valgrind --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite,indirect --error-exitcode=9 -q"
DB="$T/seq.db"
expect_exit 0 "$AVN" demo --out "$T/d" --only sequential "$DB"
# On PostgreSQL (pg/cli/valgrind_demo: the backend's paths, libpq's buffers
# and prepared statements) valgrind runs the binary itself on the study's
# URI: the test's wrapper is a script.
BIN=$AVN
if on_pg; then BIN=$AVN_REAL DB=$(pg_db_uri "$DB"); fi
expect_exit 0 $VG "$BIN" report "$DB" --out "$T/rep"
[ -s "$T/rep/report.pdf" ] && ok || bad "no report.pdf under valgrind"
expect_exit 0 $VG "$BIN" check "$DB" --json
expect_exit 0 $VG "$BIN" schedule "$DB" --today 2024-06-01
# A visit date recorded (after P001's enrolment in January 2022, before the
# withdrawal below; replacing the demo's date, hence the reason).
expect_exit 0 $VG "$BIN" visit "$DB" P001 m1 --date 2022-01-31 --reason "test change"
expect_exit 0 $VG "$BIN" withdraw "$DB" P001 --date 2024-06-01 --reason "test withdrawal"
expect_exit 1 $VG "$BIN" enter "$DB" P001 m6 vas --hip left pain_mm=500
finish
