# Shared helpers for CLI case scripts in tests/cases/ (sourced, not a test itself).
# AVN (the binary), AVN_SOURCE_DIR and AVN_TMP come from ctest.
set -u
: "${AVN:?AVN must point to the avn binary}"
T="${AVN_TMP:-/tmp}/$(basename "$0" .sh).$$"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
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
