# Double-entry adjudication, a full cycle: two clerks type the HHS of one hip
# and disagree on pain (none = 44 points, slight = 40: hhs.yaml's codes);
# the report and the export leave that value missing (never entry 1) until a
# third person adjudicates it; then both use the adjudicated value. Limp
# (none = 11) agrees throughout. Counts hand-worked: 2 values compared
# (pain, limp), 1 differing (50.0%).
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-02-01 AVN_USER=coordinator
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 seq_screen "$DB" S1 2024-01-10 left 40
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
expect_exit 0 "$AVN" enter "$DB" P1 baseline hhs --hip left --date 2024-01-15 --user clerk1 pain=none limp=none
expect_exit 0 "$AVN" enter "$DB" P1 baseline hhs --hip left --entry 2 --user clerk2 pain=slight limp=none
expect_exit 0 "$AVN" check "$DB" --json
python3 - "$T/out" <<'PY' || bad "mismatch listed"
import json, sys
f = [x["detail"] for x in json.load(open(sys.argv[1]))["findings"] if x["kind"] == "entry_mismatch"]
assert f == ["pain: entry 1 'none', entry 2 'slight'"], f
PY
col() {  # col FILE COLUMN: the column's value in the first data row of a wide CSV
  python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(r[0][sys.argv[2]])' "$1" "$2"
}
# Before: the export leaves pain missing, keeps limp; the report says 1 unresolved.
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/before.csv"
[ "$(col "$T/before.csv" baseline_hhs_pain)" = "" ] && ok || bad "pain exported before adjudication"
[ "$(col "$T/before.csv" baseline_hhs_limp)" = "11" ] && ok || bad "limp: $(col "$T/before.csv" baseline_hhs_limp)"
expect_exit 0 "$AVN" report "$DB" --out "$T/r1"
grep -qF "1 double-entered value still unresolved (left out of the analysis)." "$T/r1/report.html" && ok \
  || bad "report subtitle: unresolved count"
grep -qF "Double data entry: 1 value on which the two entries agree, 0 adjudicated (avn adjudicate), 1 still unresolved." \
  "$T/r1/report.html" && ok || bad "report data quality before"
[ "$(cat "$T/r1/tables/data_quality.csv")" = "$(printf 'Form,Values compared,Values differing\nhhs,2,1 (50.0%%)')" ] \
  && ok || bad "data_quality.csv: $(cat "$T/r1/tables/data_quality.csv")"
# Per user (the audit trail says who typed each entry): each clerk's 2 values
# compared, 1 differing; the coordinator typed no entry.
[ "$(cat "$T/r1/tables/data_quality_users.csv")" = "$(printf 'User,Values compared,Values differing\nclerk1,2,1 (50.0%%)\nclerk2,2,1 (50.0%%)')" ] \
  && ok || bad "data_quality_users.csv: $(cat "$T/r1/tables/data_quality_users.csv")"
expect_exit 0 "$AVN" list "$DB" findings --json
python3 - "$T/out" <<'PY' || bad "discrepancy rates by user"
import json, sys
r = json.load(open(sys.argv[1]))["discrepancy_rates_by_user"]
assert [(x["user"], x["values_compared"], x["values_differing"], x["rate_pct"]) for x in r] == \
    [("clerk1", 2, 1, 50.0), ("clerk2", 2, 1, 50.0)], r
PY
# Refused, nothing written: a clerk who typed an entry; no reason; an item the
# entries agree on; a value the item refuses; a form not double-entered.
A=(adjudicate "$DB" P1 baseline hhs --hip left)
refuse_same "$DB" "an adjudication is made by a third person" "${A[@]}" pain=slight --reason "r" --user clerk2
refuse_same "$DB" "needs --reason" "${A[@]}" pain=slight --user monitor1
refuse_same "$DB" "entries 1 and 2 agree on limp" "${A[@]}" limp=slight --reason "r" --user monitor1
refuse_same "$DB" "hhs.pain: value 'terrible' refused" "${A[@]}" pain=terrible --reason "r" --user monitor1
refuse_same "$DB" "is not double-entered" adjudicate "$DB" P1 baseline vas --hip left pain_mm=40 --reason "r" --user monitor1
refuse_same "$DB" "not entered" adjudicate "$DB" P1 m1 hhs --hip left pain=slight --reason "r" --user monitor1
expect_exit 2 "$AVN" adjudicate "$DB" P1 baseline hhs --hip left pain --reason "r"
# The monitor settles it.
expect_exit 0 "$AVN" "${A[@]}" pain=slight --reason "source document says slight" --user monitor1
expect_out "adjudicated P1 baseline hhs left pain = slight"
refuse_same "$DB" "already adjudicated to this value" "${A[@]}" pain=slight --reason "again" --user monitor1
expect_exit 0 "$AVN" check "$DB" --json
python3 -c 'import json,sys; f=[x for x in json.load(open(sys.argv[1]))["findings"] if x["kind"]=="entry_mismatch"]; assert f==[], f' \
  "$T/out" && ok || bad "mismatch still listed after adjudication"
# After: the export and the report use the adjudicated value (slight = 40).
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/after.csv"
[ "$(col "$T/after.csv" baseline_hhs_pain)" = "40" ] && ok || bad "pain after: $(col "$T/after.csv" baseline_hhs_pain)"
expect_exit 0 "$AVN" report "$DB" --out "$T/r2"
grep -qF "still unresolved (left out" "$T/r2/report.html" && bad "report still says unresolved" || ok
grep -qF "Double data entry: 1 value on which the two entries agree, 1 adjudicated (avn adjudicate), 0 still unresolved." \
  "$T/r2/report.html" && ok || bad "report data quality after"
# Both entries stay as typed; the adjudication is audited and replayed.
[ "$(sql_join "$DB" , "SELECT v.value_text FROM item_value v JOIN form f ON f.id = v.form_id WHERE v.item = 'pain' ORDER BY f.entry")" = "none,slight" ] \
  && ok || bad "entries changed"
expect_exit 0 "$AVN" audit "$DB" --json
python3 - "$T/out" <<'PY' || bad "adjudication audited"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["action"] == "adjudicate"]
assert [(r["user"], r["record"], r["field"], r["old"], r["new"], r["reason"]) for r in rows] == [
    ("monitor1", "patient P1 / visit baseline / hhs left / adjudication", "pain", None, "slight",
     "source document says slight")], rows
PY
expect_exit 0 "$AVN" audit "$DB" --verify
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE adjudication SET value_text='none'"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "patient P1 / visit baseline / hhs left / adjudication / pain"
finish
