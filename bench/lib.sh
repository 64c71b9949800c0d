# Shared by the bench scripts (sourced). Needs $out (output dir) and $TIME
# (GNU time, Debian package `time`).
# run LABEL CMD...: runs CMD; wall seconds, peak RSS (kB) and CPU seconds
# (user + system: on a shared machine the wall time also counts waiting for
# the CPU and the disk) into $out/LABEL.{sec,rss,cpu}, stdout/stderr into
# $out/LABEL.{out,err}; prints a line.
run() {
  local label=$1; shift
  "$TIME" -f "%e %M %U %S" -o "$out/$label.time" "$@" >"$out/$label.out" 2>"$out/$label.err" || {
    echo "$label failed:"; cat "$out/$label.err"; exit 1; }
  read -r sec rss usr sys <"$out/$label.time"
  echo "$sec" >"$out/$label.sec"
  echo "$rss" >"$out/$label.rss"
  echo "$usr + $sys" | bc -l >"$out/$label.cpu"
  printf "  %-14s %8.2f s  %8.1f MB peak RSS  %6.2f s CPU\n" "$label" "$sec" "$(echo "$rss / 1024" | bc -l)" \
    "$(cat "$out/$label.cpu")"
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
