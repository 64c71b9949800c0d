# Shared by the tests/cases/stats_*.sh scripts (sourced, not a test itself).
# expect STATUS PATTERN ARGS...: runs `avn stats ARGS`, checks the exit
# status and that stderr matches PATTERN (grep); sets fail=1 otherwise.
# Needs AVN and EXPECT_DIR (a scratch directory) set by the caller.
expect() {
  local want=$1 pat=$2; shift 2
  "$AVN" stats "$@" >"$EXPECT_DIR/out" 2>"$EXPECT_DIR/err"
  local got=$?
  if [ "$got" != "$want" ] || ! grep -q -- "$pat" "$EXPECT_DIR/err"; then
    echo "FAIL: avn stats $* -> exit $got (want $want), stderr: $(cat "$EXPECT_DIR/err")"
    fail=1
  fi
}
