# One validation for identifiers (1-32 of [A-Za-z0-9._-], starting with a
# letter or digit; "s001" is S001), text (UTF-8, one line, bounded), reasons and
# user names (not blank); a NUL in a protocol is refused. Each refusal names the
# field and the rule, and the study file stays byte-identical.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/i.db"
"$AVN" init "$DB" --protocol sequential >/dev/null
seq_screen "$DB" S001 2024-01-10 left 40 >/dev/null
"$AVN" enroll "$DB" S001 P001 --date 2024-01-15 --sex male >/dev/null
ID="an identifier is 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter or a digit (no spaces)"
big=$(head -c 100000 /dev/zero | tr '\0' 'A')
for code in "" " " "$(printf '\t')" "$(printf 'S\n1')" "$(printf 'S\xff1')" "$big" "S001 " "S001$(printf '\xc2\xa0')" "_S1" "S/1"; do
  refuse_same "$DB" "$ID" screen "$DB" "$code" --date 2024-01-10 age=40
done
refuse_same "$DB" "screening: value 's001' refused: this screening number is already in the log (screen the person again with --again --reason) (as 'S001': identifiers differing only in case are the same)" \
  screen "$DB" s001 --date 2024-01-10 age=40
seq_screen "$DB" S002 2024-01-10 left 41 >/dev/null
refuse_same "$DB" "patient: value 'P 2' refused: $ID" enroll "$DB" S002 "P 2" --date 2024-01-15 --sex male
refuse_same "$DB" "patient: value 'p001' refused: this study id is already used (as 'P001'" \
  enroll "$DB" S002 p001 --date 2024-01-15 --sex male
# Text items: valid UTF-8, one line, bounded (occupation is a text item).
refuse_same "$DB" "baseline.occupation: value 'cook\\xff' refused: must be valid UTF-8 text" \
  enter "$DB" P001 baseline baseline occupation="$(printf 'cook\xff')" --date 2024-01-15
refuse_same "$DB" "baseline.occupation: value 'cook\\x0abaker' refused: must be one line without control characters" \
  enter "$DB" P001 baseline baseline occupation="$(printf 'cook\nbaker')" --date 2024-01-15
expect_exit 0 "$AVN" enter "$DB" P001 baseline baseline occupation="pâtissière" --date 2024-01-15
expect_exit 0 "$AVN" show "$DB" P001 --json
expect_out '"occupation": "pâtissière"'
# Reasons and user names.
refuse_same "$DB" "--reason: value '   ' refused: a reason must say why: not empty, not only spaces" \
  enter "$DB" P001 baseline baseline occupation=baker --reason "   "
refuse_same "$DB" "--user: a user name must not be empty or only spaces" \
  enter "$DB" P001 baseline baseline occupation=baker --reason "typo" --user ""
refuse_same "$DB" "--user: value 'ann\\x0aroot' refused: must be one line" \
  enter "$DB" P001 baseline baseline occupation=baker --reason "typo" --user "$(printf 'ann\nroot')"
refuse_same "$DB" "--user: value '" enter "$DB" P001 baseline baseline occupation=baker --reason "typo" --user "$big"
expect_err "must be at most 64 bytes (this is 100000)"
refuse_same "$DB" "--reason: value '" withdraw "$DB" P001 --date 2024-02-01 --reason "$big"
expect_err "must be at most 1000 bytes (this is 100000)"
refuse_same "$DB" "--name: value 'Ann\\x09Lee' refused: must be one line" \
  enroll "$DB" S002 P002 --date 2024-01-15 --sex male --name "$(printf 'Ann\tLee')"
# A NUL byte in a protocol string (libyaml would cut the string there).
printf 'avn_protocol: 1\nname: "seq\0uential"\n' > "$T/nul.yaml"
expect_exit 1 "$AVN" protocol show "$T/nul.yaml"
expect_err "nul.yaml:2: a NUL byte in the text"
expect_exit 1 "$AVN" init "$T/n.db" --protocol "$T/nul.yaml"
[ ! -e "$T/n.db" ] && ok || bad "init from a protocol with a NUL left a file"
finish
