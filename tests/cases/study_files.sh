# Opening something that is not an avn study, or one from a newer avn, is a
# clear error; init never overwrites a file; a bad protocol gives file:line.
. "$(dirname "$0")/../tools/caselib.sh"
echo "hello, I am a text file" > "$T/notes.txt"
expect_exit 1 "$AVN" schedule "$T/notes.txt"
expect_err "not an avn study database"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
expect_exit 1 "$AVN" check "$T/other.db"
expect_err "not an avn study database"
expect_exit 1 "$AVN" show "$T/missing.db" P1
expect_err "no such study database"
"$AVN" init "$T/s.db" --protocol single-dose >/dev/null
sqlite3 "$T/s.db" "PRAGMA user_version=99"
expect_exit 1 "$AVN" check "$T/s.db"
expect_err "made by a newer avn (schema version 99"
expect_exit 1 "$AVN" init "$T/s.db" --protocol sequential
expect_err "already exists"
expect_exit 1 "$AVN" init "$T/n.db" --protocol no-such-protocol
expect_err "not a shipped protocol"
[ ! -e "$T/n.db" ] && ok || bad "a failed init left a file behind"
# Malformed protocols: each names file:line and what is wrong.
cp "$AVN_SOURCE_DIR/protocols/sequential.yaml" "$T/p.yaml"
sed 's/at: 3 months, before: 14 days/at: 3 mnths, before: 14 days/' "$T/p.yaml" > "$T/bad1.yaml"
expect_exit 1 "$AVN" init "$T/b1.db" --protocol "$T/bad1.yaml"
expect_err "bad1.yaml:"
expect_err "'at' must be like '3 months'"
sed 's/forms: \[vas, hhs\]}/forms: [vas, hhs, harris]}/' "$T/p.yaml" > "$T/bad2.yaml"
expect_exit 1 "$AVN" init "$T/b2.db" --protocol "$T/bad2.yaml"
expect_err "unknown form 'harris'"
sed 's/^staging: steinberg/stageing: steinberg/' "$T/p.yaml" > "$T/bad3.yaml"
expect_exit 1 "$AVN" init "$T/b3.db" --protocol "$T/bad3.yaml"
expect_err "bad3.yaml:11: unknown key 'stageing'"
printf 'avn_protocol: 1\nname: x\n  title: [unclosed\n' > "$T/bad4.yaml"
expect_exit 1 "$AVN" protocol show "$T/bad4.yaml"
expect_err "bad4.yaml:"
sed 's/field: platelets, below: 80000/field: platelet_count, below: 80000/' "$T/p.yaml" > "$T/bad5.yaml"
expect_exit 1 "$AVN" protocol show "$T/bad5.yaml"
expect_err "unknown screening field 'platelet_count'"
# A user's own protocol file that is well formed works.
expect_exit 0 "$AVN" init "$T/own.db" --protocol "$T/p.yaml"
expect_exit 0 "$AVN" protocol show single-dose --json
expect_out '"staging": "ficat"'
finish
