# Missing-data codes (CDISC / HL7 null flavours as REDCap offers them, plus
# ND): accepted for any item, stored as the code with no number, missing in
# scoring and exports, answered for completeness, and listed apart from
# blanks by avn check. Expectations worked by hand from the entries below.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2025-06-01 AVN_USER=tester
DB="$T/m.db"
expect_exit 0 "$AVN" init "$DB" --protocol "$AVN_SOURCE_DIR/docs/examples/oxford-hip.yaml"
for s in 1 2; do
  expect_exit 0 "$AVN" screen "$DB" S$s --date 2024-01-02 age=44 stage.left=II consent=yes
  expect_exit 0 "$AVN" enroll "$DB" S$s P$s --date 2024-01-03 --sex male --birth 1980-01-01
done
# P1: every code once (nine items), three items answered 4 + 4 + 4.
expect_exit 0 "$AVN" enter "$DB" P1 baseline ohs pain=NA washing=ND transport=UNK socks=ASKU shopping=NASK \
  walking=NI stairs=NAV standing=MSK limping=OTH sudden_pain=4 work=4 night_pain=4 --date 2024-01-03
expect_out "12 new, 0 changed, 0 unchanged; form complete"   # a code answers a required item
# Stored as the code, without a number.
[ "$(sql_join "$DB" ' ' "SELECT value_text || ':' || coalesce(CAST(value_num AS TEXT), 'null') FROM item_value
  WHERE value_num IS NULL ORDER BY value_text")" = "ASKU:null MSK:null NA:null NASK:null NAV:null ND:null NI:null OTH:null UNK:null" ] \
  && ok || bad "stored codes: $(sqlite3 "$DB" 'SELECT item, value_text, value_num FROM item_value')"
# Nine of twelve missing: more than the two the OHS allows, so no total.
expect_exit 0 "$AVN" show "$DB" P1
expect_out "scores: total=NA total_100=NA"
# P2: two coded (work, night_pain) -> prorated like blanks: 10 items of 3 = 30,
# + 2 x 3 = 36. sudden_pain left out: incomplete, and named apart from the codes.
expect_exit 0 "$AVN" enter "$DB" P2 baseline ohs pain=3 washing=3 transport=3 socks=3 shopping=3 \
  walking=3 stairs=3 standing=3 limping=3 work=ND night_pain=UNK --date 2024-01-03
expect_out "form incomplete"
expect_exit 0 "$AVN" show "$DB" P2
expect_out "scores: total=NA total_100=NA"   # three missing (2 coded + 1 blank)
expect_exit 0 "$AVN" enter "$DB" P2 baseline ohs sudden_pain=3 --date 2024-01-03
expect_exit 0 "$AVN" show "$DB" P2
expect_out "scores: total=36.0 total_100=75.0"
expect_exit 0 "$AVN" enter "$DB" P2 baseline employment status=working sick_days=UNK --date 2024-01-03
expect_exit 0 "$AVN" enter "$DB" P1 baseline employment status=NA --date 2024-01-03
expect_exit 0 "$AVN" check "$DB"
expect_out "coded_missing       baseline  ohs            -      missing-data codes (entry 1): pain=NA, washing=ND, transport=UNK, socks=ASKU, shopping=NASK, walking=NI, stairs=NAV, standing=MSK, limping=OTH"
expect_out "coded_missing       baseline  ohs            -      missing-data codes (entry 1): work=ND, night_pain=UNK"
expect_out "coded_missing       baseline  employment     -      missing-data code (entry 1): sick_days=UNK"
# Exports: the wide CSV writes the code itself (P1 pain=NA, P2 work=ND,
# sick_days=UNK), never a number, never 0; the total 36 is scored without them.
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/x/d.csv"
n=$(python3 -c '
import csv,sys
r={x["patient"]: x for x in csv.DictReader(open(sys.argv[1]))}
print(repr(r["P1"]["baseline_ohs_pain"]), repr(r["P2"]["baseline_ohs_work"]), r["P2"]["baseline_ohs_total"], repr(r["P2"]["baseline_employment_sick_days"]))' "$T/x/d.csv")
[ "$n" = "'NA' 'ND' 36 'UNK'" ] && ok || bad "export: $n"
# A code is a correction like any other value: changing it needs a reason, and it is replayed.
refuse_same "$DB" "changes the recorded value 'ND'" enter "$DB" P2 baseline ohs work=2 --date 2024-01-03
expect_exit 0 "$AVN" enter "$DB" P2 baseline ohs work=2 --date 2024-01-03 --reason "asked again"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# Codes are exact words: 'nd' is not one (and not a valid OHS answer).
refuse_same "$DB" "must be one of" enter "$DB" P1 m6 ohs pain=nd --date 2024-07-03
# A partial score by the instrument's own rule: HHS with deformity and motion
# not done (ND/NA) has no total, but the modified HHS from pain and function
# (docs/instruments.md 1.6): pain moderate 20; gait limp slight 8 + support
# none 11 + distance unlimited 11 = 30; activities stairs 4 + shoes 4 +
# sitting 5 + transport 1 = 14; raw 20 + 30 + 14 = 64; x 1.1 = 70.4.
expect_exit 0 "$AVN" score hhs pain=moderate limp=slight support=none distance=unlimited stairs=normal shoes=ease \
  sitting=ordinary_chair transport=able flexion_contracture_deg=ND fixed_adduction_deg=ND fixed_ir_deg=ND lld_cm=ND \
  flexion_deg=ND abduction_deg=ND adduction_deg=ND er_deg=ND ir_deg=NA --json
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["mhhs_raw"], round(d["mhhs"], 9), d["total"], d["rom"])' "$T/out")
[ "$n" = "64.0 70.4 None None" ] && ok || bad "partial HHS: $n"
finish
