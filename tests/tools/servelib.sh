# Shared by the cases and the benchmark that drive a real `avn serve`
# (sourced). serve_start DB OUTFILE [ARGS...] starts it on a free loopback
# port (--port 0) and sets SERVE_PID, SERVE_URL (the printed login link) and
# SERVE_BASE (http://127.0.0.1:PORT); serve_stop sends SIGTERM, waits, and
# fails the case (bad) when the server did not exit 0 or a sanitizer spoke.
# A script that ends early (a failed step, set -e) still stops every server
# it started: the EXIT trap set here runs before the one already set.
# study_seed DB: a sequential study with P001 (both hips) screened and
# enrolled through the command line.
SERVE_ALL=
_serve_prev_trap=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")
trap 'for p in $SERVE_ALL; do kill -TERM "$p" 2>/dev/null; done; '"$_serve_prev_trap" EXIT
serve_start() {
  local db=$1 out=$2 i
  shift 2
  "$AVN" serve "$db" --port 0 "$@" >"$out" 2>"$out.err" &
  SERVE_PID=$!
  SERVE_ERR=$out.err
  SERVE_ALL="$SERVE_ALL $SERVE_PID"
  SERVE_URL=
  for i in $(seq 1 200); do
    SERVE_URL=$(grep -o 'http[s]*://[^ ]*/login?token=[0-9a-f]*' "$out" 2>/dev/null | head -1 || true)
    [ -n "$SERVE_URL" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$SERVE_URL" ] || { echo "avn serve did not start: $(cat "$out" "$out.err")"; return 1; }
  SERVE_BASE=${SERVE_URL%%/login*}
}
serve_stop() {
  local rc=0
  SERVE_ALL=${SERVE_ALL/ $SERVE_PID/}
  kill -TERM "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID" || rc=$?
  # A clean stop exits 0; under ASan/UBSan a leak or an error is a failure too.
  if [ "$rc" != 0 ] || grep -q "Sanitizer\|runtime error" "$SERVE_ERR" 2>/dev/null; then
    if type bad >/dev/null 2>&1; then bad "avn serve stopped with $rc: $(head -c 2000 "$SERVE_ERR")"; else return 1; fi
  fi
}
SEED_SCREEN="age=38 mri_confirmed=yes stage.left=II stage.right=III conservative_months=6 can_attend_24m=yes
  accepts_procedure=yes infection=no severe_coagulopathy=no platelets=200000 prior_surgery.left=no
  prior_surgery.right=no active_malignancy=no pregnant=no aspiration_inadequate=no"
study_seed() {
  "$AVN" init "$1" --protocol sequential >/dev/null &&
    "$AVN" screen "$1" S001 --date 2024-01-25 $SEED_SCREEN >/dev/null &&
    "$AVN" enroll "$1" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01 >/dev/null
}
