# Monitoring: `avn list STUDY.db findings` (the monitor's findings with their
# ids, and the double-entry discrepancy rate per form), acknowledging a
# protocol deviation with `avn check --ack`, audited and replayed.
# Hand-worked from protocols/sequential.yaml: limits drill_size (3.2 mm) and
# injection_duration (4-6 min) on the procedure form; mri is double-entered.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-02-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 seq_screen "$DB" S1 2024-01-10 left 40
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
# A 4 mm drill and a 7-minute injection: two deviations.
expect_exit 0 "$AVN" enter "$DB" P1 baseline procedure --hip left --date 2024-01-15 kind=cd_injection drill_mm=4 \
  injection_min=7 injected_ml=5 anaesthesia=spinal fluoroscopy=yes
# The same reader twice: reader agrees, head_involved_pct 20 vs 25, crescent_sign
# only in entry 2: 3 values compared, 2 differ (66.7%).
expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip left --entry 1 --date 2024-01-15 reader="Dr A" head_involved_pct=20
expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip left --entry 2 --date 2024-01-15 reader="Dr A" head_involved_pct=25 \
  crescent_sign=no
expect_exit 0 "$AVN" list "$DB" findings --kind deviation --json
python3 - "$T/out" <<'PY' || bad "deviations listed"
import json, sys
o = json.load(open(sys.argv[1]))
f = o["findings"]
assert [(x["id"], x["item"], x["expected"], x["actual"], x["acknowledged"]) for x in f] == [
    ("deviation/P1/baseline/procedure/left/drill_mm", "drill_mm", "3.2 mm core decompression drill", "4", False),
    ("deviation/P1/baseline/procedure/left/injection_min", "injection_min",
     "injection over 4-6 minutes to avoid pressurization", "7", False)], f
r = o["discrepancy_rates"]
assert [(x["form"], x["values_compared"], x["values_differing"], round(x["rate_pct"], 1)) for x in r] == \
    [("mri", 3, 2, 66.7)], r
u = o["discrepancy_rates_by_user"]   # one user typed both entries: counted once
assert [(x["user"], x["values_compared"], x["values_differing"]) for x in u] == [("tester", 3, 2)], u
PY
expect_exit 0 "$AVN" list "$DB" findings --kind entry_mismatch
expect_out "mri            3                2                66.7%"
expect_out "entry_mismatch/P1/baseline/mri/left/head_involved_pct"
expect_out "2 findings"
# Refused: no reason; not an open deviation (a mismatch id, an unknown one);
# nothing written.
refuse_same "$DB" "needs --reason" check "$DB" --ack deviation/P1/baseline/procedure/left/drill_mm
refuse_same "$DB" "is no open protocol deviation" check "$DB" --ack deviation/P1/baseline/procedure/left/spin1_rpm \
  --reason "x"
refuse_same "$DB" "is no open protocol deviation" check "$DB" --ack entry_mismatch/P1/baseline/mri/left/head_involved_pct \
  --reason "x"
expect_exit 0 "$AVN" check "$DB" --ack deviation/P1/baseline/procedure/left/drill_mm --reason "4 mm trephine agreed with the sponsor"
expect_out "acknowledged deviation/P1/baseline/procedure/left/drill_mm"
refuse_same "$DB" "already acknowledged" check "$DB" --ack deviation/P1/baseline/procedure/left/drill_mm --reason "again"
# check lists only the open one; list findings shows both, one acknowledged.
expect_exit 0 "$AVN" check "$DB" --json
python3 - "$T/out" <<'PY' || bad "check after ack"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["kind"] == "deviation"]
assert [x["detail"] for x in f] == ["injection_min = 7: protocol says injection over 4-6 minutes to avoid pressurization"], f
PY
expect_exit 0 "$AVN" list "$DB" findings --kind deviation --patient P1 --json
python3 - "$T/out" <<'PY' || bad "list after ack"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert [(x["item"], x["acknowledged"], x["ack_reason"]) for x in f] == [
    ("drill_mm", True, "4 mm trephine agreed with the sponsor"), ("injection_min", False, None)], f
PY
expect_exit 0 "$AVN" list "$DB" findings --patient P2 --json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["findings"]==[] and o["discrepancy_rates"]==[], o' \
  "$T/out" && ok || bad "another patient's findings"
# Audited (action ack), replayed by audit --verify; a tampered table is caught.
expect_exit 0 "$AVN" audit "$DB" --json
python3 - "$T/out" <<'PY' || bad "ack audited"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["action"] == "ack"]
assert len(rows) == 1 and rows[0]["record"] == "finding deviation/P1/baseline/procedure/left/drill_mm" \
    and rows[0]["new"] == "4 mm trephine agreed with the sponsor" and rows[0]["user"] == "tester", rows
PY
expect_exit 0 "$AVN" audit "$DB" --verify
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE deviation_ack SET reason='changed behind the trail'"
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "finding deviation/P1/baseline/procedure/left/drill_mm / ack"
# The report's data-quality table gives the same rate (hand-worked above).
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
[ "$(cat "$T/rep/tables/data_quality.csv")" = "$(printf 'Form,Values compared,Values differing\nmri,3,2 (66.7%%)')" ] \
  && ok || bad "data_quality.csv: $(cat "$T/rep/tables/data_quality.csv")"
# Usage errors.
expect_exit 2 "$AVN" list "$DB" findings --kind nonsense
expect_exit 2 "$AVN" list "$DB" patients --kind deviation
finish
