# Migration 5 (form instances) upgrades a study made on schema 4
# (tests/golden/schema4/README.md says what it holds): the old trail still
# replays, reads move to their reader's instance and adverse events become
# numbered instances. Expected placements worked by hand from the README:
#   left MRI:  entries 1 and 2 both "Dr A"      -> (Dr A, 1), (Dr A, 2)
#   right MRI: entry 1 "Dr A", entry 2 "Dr B"  -> (Dr A, 1), (Dr B, 1)
#   the adjudication of the left MRI           -> instance Dr A
#   AEs, numbered per patient in order of creation: m3 (created first) -> 1,
#   m1 -> 2; the next --new gets 3.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester AVN_KEY="$T/study.key"
G="$AVN_SOURCE_DIR/tests/golden/schema4"
cp "$G/study.key" "$AVN_KEY"
chmod 600 "$AVN_KEY"
DB="$T/s.db"
sqlite3 "$DB" < "$G/study.sql" && ok || bad "restore the schema-4 study"
[ "$(sqlite3 "$DB" 'PRAGMA user_version')" = 4 ] && ok || bad "fixture is schema 4"
# A read-only command refuses an older schema; a write command upgrades it.
expect_exit 0 "$AVN" visit "$DB" P1 m1 --date 2024-02-14
[ "$(sqlite3 "$DB" 'PRAGMA user_version')" = 7 ] && ok || bad "upgraded to 7 (5: instances, 6: the trail's index, 7: row versions)"
q() { sqlite3 "$DB" "$1"; }
[ "$(q "SELECT group_concat(side || ':' || instance || ':' || entry, ' ') FROM (SELECT * FROM form WHERE instrument='mri' ORDER BY id)")" = "left:Dr A:1 left:Dr A:2 right:Dr A:1 right:Dr B:1" ] && ok || bad "mri instances: $(q "SELECT group_concat(side || ':' || instance || ':' || entry, ' ') FROM form WHERE instrument='mri'")"
[ "$(q "SELECT instance FROM adjudication")" = "Dr A" ] && ok || bad "adjudication instance"
[ "$(q "SELECT group_concat(visit || ':' || instance || ':' || (void_reason IS NOT NULL), ' ') FROM (SELECT * FROM form WHERE instrument='ae' ORDER BY id)")" = "m3:1:1 m1:2:0" ] && ok || bad "ae instances"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# After the upgrade the migrated forms are addressed by their instance.
expect_exit 0 "$AVN" enter "$DB" P1 - ae --instance 2 grade=3 --reason "worse again"
expect_out "P1 m1 ae instance 2 entry 1: 0 new, 1 changed"
expect_exit 0 "$AVN" enter "$DB" P1 - ae --new term=Cough grade=1 serious=no related=1 onset_date=2024-05-01
expect_out "instance 3"
expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip right --reader consensus read_date=2024-01-20 mri_positive=yes \
  xray=sclerosis head_involved_pct=35 crescent_sign=no subchondral_fracture=no flattening=no jsn=no \
  acetabular_involvement=no advanced_degeneration=no steinberg_reader=IIIA
"$AVN" check "$DB" --json > "$T/check.json" && ok || bad "check"
python3 - "$T/check.json" <<'PY' || bad "no reader disagreement after the consensus read"
import json, sys
assert not [x for x in json.load(open(sys.argv[1]))["findings"] if x["kind"] == "reader_disagreement"]
PY
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
finish
