# avn's own long CSV round-trips: the seed 002 demo study (avn demo,
# sequential) exported long, imported into a new study of the same protocol
# (its screenings, enrolments and visit dates replayed from the first
# study's audit trail by tests/tools/replay_enrolment.py), exported again:
# the same bytes. Then the wide CSV of a small study goes back in the same
# way, and refused rows of both layouts leave the study byte-identical.
. "$(dirname "$0")/../tools/caselib.sh"
# (the demo's study named, so on PostgreSQL it is a database of the cluster)
ORIG="$T/seq.db"
expect_exit 0 "$AVN" demo --out "$T/demo" --only sequential "$ORIG"
expect_exit 0 "$AVN" export "$ORIG" --format csv --layout long --out "$T/long1.csv"
expect_exit 0 "$AVN" init "$T/new.db" --protocol sequential
"$AVN" audit "$ORIG" --json > "$T/audit.json"
expect_exit 0 python3 "$AVN_SOURCE_DIR/tests/tools/replay_enrolment.py" "$AVN" "$T/audit.json" "$T/new.db"
n=$(($(wc -l < "$T/long1.csv") - 1))
expect_exit 0 "$AVN" import records "$T/new.db" "$T/long1.csv" --format long
expect_out "$n rows read"
expect_out "$n values new or changed"
expect_exit 0 "$AVN" export "$T/new.db" --format csv --layout long --out "$T/long2.csv"
expect_exit 0 cmp "$T/long1.csv" "$T/long2.csv"
expect_exit 0 "$AVN" audit "$T/new.db" --verify
# The same file again changes nothing: every value is already recorded.
expect_exit 0 "$AVN" import records "$T/new.db" "$T/long1.csv" --format long
expect_out ", 0 values new or changed"

# Refusals in a long file: row 3's flexion 200 is outside HHS's 0-140, row 4
# names a hip that is neither left nor right. Nothing loads; every refused
# row is listed with its column, value and rule.
export AVN_TODAY=2025-06-01 AVN_USER=tester
# two_patients DB: a sequential study with P1 and P2 (left hips), baseline dated.
two_patients() {
  expect_exit 0 "$AVN" init "$1" --protocol sequential
  for i in 1 2; do
    expect_exit 0 seq_screen "$1" S$i 2024-01-02 left 40
    expect_exit 0 "$AVN" enroll "$1" S$i P$i --date 2024-01-03 --sex female --birth 1984-01-01
    expect_exit 0 "$AVN" visit "$1" P$i baseline --date 2024-01-03
  done
}
DB="$T/s.db"
two_patients "$DB"
cat > "$T/l.csv" <<'EOF'
patient,site,side,visit,form,entry,item,value
P1,main,left,baseline,vas,1,pain_mm,35
P1,main,left,baseline,hhs,1,flexion_deg,200
P2,main,middle,baseline,vas,1,pain_mm,20
P2,main,left,baseline,vas,1,pain_mm,25
EOF
refuse_same "$DB" "row 3, column 'value': value '200' refused: must be between 0 and 140" import records "$DB" "$T/l.csv" --format long
expect_err "row 4, column 'side': value 'middle' refused: the hip is left, right or blank"
expect_out "4 rows read, 2 refused: nothing loaded"
expect_exit 0 "$AVN" import records "$DB" "$T/l.csv" --format long --skip-invalid
expect_err "row 3, column 'value'"
expect_err "row 4, column 'side'"
expect_out "2 form entries, 2 values new or changed, 2 rows refused and left out"
# A value that changes a recorded one needs --reason, as avn enter does.
printf '%s\n' "patient,site,side,visit,form,entry,item,value" "P1,main,left,baseline,vas,1,pain_mm,36" > "$T/l2.csv"
refuse_same "$DB" "changes the recorded value '35'" import records "$DB" "$T/l2.csv" --format long
expect_exit 0 "$AVN" import records "$DB" "$T/l2.csv" --format long --reason "source document says 36"
expect_exit 0 "$AVN" audit "$DB" --record P1
expect_out "source document says 36"
# The progress bar goes to stderr only when it is a terminal.
expect_exit 0 "$AVN" import records "$DB" "$T/l2.csv" --format long
grep -qF "import [" "$T/err" && bad "a progress bar on a stderr that is not a terminal" || ok
if command -v script >/dev/null; then
  # On PostgreSQL the binary itself with the URI (the wrapper's output is not the terminal).
  tty_cmd="'$AVN' import records '$DB'"
  on_pg && tty_cmd="'$AVN_REAL' import records '$(pg_db_uri "$DB")'"
  script -qec "$tty_cmd '$T/l2.csv' --format long" /dev/null > "$T/tty.out" 2>&1
  grep -qF "import [########################################] 100% 1/1" "$T/tty.out" && ok || bad "no progress bar on a terminal: $(head -c 300 "$T/tty.out")"
fi

# The wide CSV (avn export): back into a new study of the same protocol and
# patients, the form values come back (scores and identifiers are ignored).
expect_exit 0 "$AVN" enter "$DB" P1 baseline hhs --hip left pain=slight limp=none support=none distance=unlimited \
  stairs=normal shoes=ease sitting=ordinary_chair transport=able flexion_deg=100
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/w1.csv"
DB2="$T/s2.db"
two_patients "$DB2"
expect_exit 0 "$AVN" import records "$DB2" "$T/w1.csv" --format wide
expect_out "columns ignored"
expect_exit 0 "$AVN" export "$DB2" --format csv --out "$T/w2.csv"
expect_exit 0 cmp "$T/w1.csv" "$T/w2.csv"
# A wide cell the store refuses: VAS 101 mm (0-100): nothing loads.
python3 - "$T/w1.csv" "$T/w3.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
j = rows[0].index("baseline_vas_pain_mm")
rows[2][j] = "101"
csv.writer(open(sys.argv[2], "w", newline='')).writerows(rows)
EOF
refuse_same "$DB2" "row 3, column 'baseline_vas_pain_mm': value '101' refused" import records "$DB2" "$T/w3.csv" --format wide --reason x
printf '%s\n' "patient,side,baseline_hhs_nosuch" "P1,1,3" > "$T/w4.csv"
refuse_same "$DB2" "baseline_hhs_nosuch" import records "$DB2" "$T/w4.csv" --format wide

# Missing-data codes (docs/forms.md) travel in the long CSV as the code:
# P2's HHS pain not done (ND), flexion unknown (UNK), limp none.
expect_exit 0 "$AVN" enter "$DB" P2 baseline hhs --hip left pain=ND limp=none flexion_deg=UNK
expect_exit 0 "$AVN" export "$DB" --format csv --layout long --out "$T/c1.csv"
# (text quoted by RFC 4180 rules as libcsv writes it; the code bare, as a number is)
for row in '"P2","main",left,"baseline","hhs","",1,"pain",ND' '"P2","main",left,"baseline","hhs","",1,"flexion_deg",UNK' \
           '"P2","main",left,"baseline","hhs","",1,"limp","none"'; do
  tr -d '\r' < "$T/c1.csv" | grep -qxF "$row" && ok || bad "the long CSV lacks $row"
done
DB3="$T/s3.db"
two_patients "$DB3"
expect_exit 0 "$AVN" import records "$DB3" "$T/c1.csv" --format long
expect_exit 0 "$AVN" export "$DB3" --format csv --layout long --out "$T/c2.csv"
expect_exit 0 cmp "$T/c1.csv" "$T/c2.csv"
# ... and they are codes in the new study, not text: avn check lists them.
expect_exit 0 "$AVN" check "$DB3"
expect_out "coded_missing"
expect_exit 0 "$AVN" audit "$DB3" --verify
finish
