# Crash and concurrency, bounded: a write loop killed with SIGKILL at random
# points 12 times loses no acknowledged write (exit 0 = acknowledged), and the
# trail still replays (audit --verify); 4 writers at once: every command ends
# 0 (written) or 3 (busy: nothing written), every acknowledged write is there.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/k.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
# writer PREFIX N: screens PREFIX1..PREFIXN, logging "CODE STATUS" per command.
writer() {
  local i
  for i in $(seq 1 "$2"); do
    "$AVN" screen "$DB" "$1$i" --date 2024-01-10 age=40 >/dev/null 2>&1
    echo "$1$i $?" >> "$T/log.$1"
  done
}
RANDOM=20240110   # a fixed sequence of kill points
writer K 400 &
loop=$!
kills=0
while [ "$kills" -lt 12 ] && kill -0 "$loop" 2>/dev/null; do
  sleep "0.$(printf '%02d' $((RANDOM % 30 + 2)))"
  child=$(pgrep -P "$loop" -x avn | head -1)
  if [ -n "$child" ]; then kill -9 "$child" 2>/dev/null && kills=$((kills + 1)); fi
done
kill "$loop" 2>/dev/null; wait "$loop" 2>/dev/null
[ "$kills" -ge 12 ] && ok || bad "only $kills kills landed"
acked=$(awk '$2 == 0 {print $1}' "$T/log.K" | sort)
killed=$(awk '$2 == 137 {n++} END {print n+0}' "$T/log.K")
stored=$(sqlite3 "$DB" "SELECT code FROM screening ORDER BY code" | sort)
missing=$(comm -23 <(echo "$acked") <(echo "$stored"))
[ -z "$missing" ] && ok || bad "acknowledged but lost: $missing"
[ "$killed" -ge 1 ] && ok || bad "no command was killed mid-run"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
echo "crash: $kills kills, $(echo "$acked" | wc -l) acknowledged, $(echo "$stored" | wc -l) stored"
# Concurrency: 4 writers x 25 screenings.
for w in A B C D; do writer "$w" 25 & done
wait
all=$(cat "$T"/log.[ABCD])
[ "$(echo "$all" | wc -l)" = 100 ] && ok || bad "not every command reported"
echo "$all" | awk '$2 != 0 && $2 != 3 {bad=1} END {exit bad}' && ok || bad "a writer failed: $(echo "$all" | awk '$2 != 0 && $2 != 3')"
for w in A B C D; do
  for code in $(awk '$2 == 0 {print $1}' "$T/log.$w"); do
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM screening WHERE code='$code'")" = 1 ] || bad "acknowledged $code lost"
  done
  for code in $(awk '$2 == 3 {print $1}' "$T/log.$w"); do
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM screening WHERE code='$code'")" = 0 ] || bad "busy $code was written"
  done
done
ok
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
finish
