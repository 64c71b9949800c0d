# README's quick start holds exactly two commands (set up + build + demo; the
# tests), and .ci/run runs both, exactly as written and in that order, so a
# broken first command cannot land unnoticed.
. "$(dirname "$0")/../tools/caselib.sh"
readme="$AVN_SOURCE_DIR/README.md"
ci="$AVN_SOURCE_DIR/.ci/run"
# The first fenced block under the heading that says "Quick start".
mapfile -t qs < <(awk 'tolower($0) ~ /^#+ .*quick ?start/{q=1;next} q&&/^```/{if(inb){exit}inb=1;next} q&&inb&&!/^[[:space:]]*#/&&NF{print}' "$readme")
[ "${#qs[@]}" -eq 2 ] && ok || bad "README's quick start has ${#qs[@]} commands, wanted 2: ${qs[*]}"
prev=0
for c in "${qs[@]}"; do
  line=$(grep -nxF -- "$c" "$ci" | head -1 | cut -d: -f1)
  if [ -z "$line" ]; then bad ".ci/run does not run '$c' as a line of its own"; continue; fi
  [ "$line" -gt "$prev" ] && ok || bad ".ci/run runs '$c' before the command README gives before it"
  prev=$line
done
# Each command exists and is executable in a fresh clone.
for c in "${qs[@]}"; do
  f=${c%% *}
  [ -x "$AVN_SOURCE_DIR/$f" ] && ok || bad "'$f' is not an executable file in the repository"
done
finish
