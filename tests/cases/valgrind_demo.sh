# The demo, then check and schedule on its database, under valgrind's memcheck:
# no invalid access, no uninitialised use, no leak (exit 9 if any).
# Skipped (77) in the sanitizer build: valgrind cannot run an ASan binary.
[ "${AVN_SANITIZE:-OFF}" = "ON" ] && { echo "skipped under AddressSanitizer"; exit 77; }
. "$(dirname "$0")/../tools/caselib.sh"
VG="valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 -q"
expect_exit 0 $VG "$AVN" demo --out "$T/d"
expect_exit 0 $VG "$AVN" check "$T/d/sequential-demo.db" --json
expect_exit 0 $VG "$AVN" schedule "$T/d/sequential-demo.db" --today 2024-06-01
expect_exit 1 $VG "$AVN" enter "$T/d/sequential-demo.db" P001 m6 vas --hip left pain_mm=500
finish
