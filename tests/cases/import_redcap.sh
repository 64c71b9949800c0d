# REDCap in: the hand-written dictionary tests/golden/redcap/hip_dictionary.csv
# (REDCap's documented format; see its README) becomes avn forms; a study
# built on them runs init, enter, check; branching logic (show_if) is
# evaluated on entry, each case worked by hand below; a REDCap records export
# loads through avn enter's checks, all or nothing, or --skip-invalid.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2025-06-01 AVN_USER=tester
G="$AVN_SOURCE_DIR/tests/golden/redcap"
DB="$T/r.db"

# 1. The dictionary. 30 rows: record_id (the patient id, no item), one
# descriptive (no item), 28 data fields; checkbox `risk` has 4 choices, so
# 27 + 4 = 31 items in 3 forms (demographics 18, harris_hip_score 10,
# vas_pain 3). Two calc fields (bmi, hhs_total) are flagged.
expect_exit 0 "$AVN" import dictionary "$G/hip_dictionary.csv" --out "$T/forms.yaml"
expect_out "30 fields -> 3 forms, 31 items"
expect_out "row 17, bmi: calculated field"
expect_out "row 28, hhs_total: calculated field"
expect_out "row 3, about: descriptive text"
expect_exit 0 grep -F 'show_if: "[risk(99)] = '"'"'1'"'"'"' "$T/forms.yaml"
expect_exit 0 grep -F "identifying: true" "$T/forms.yaml"
# --per-hip makes the HHS a per-hip form.
expect_exit 0 "$AVN" import dictionary "$G/hip_dictionary.csv" --out "$T/forms_hip.yaml" --per-hip harris_hip_score
n=$(grep -c "level: hip" "$T/forms_hip.yaml"); [ "$n" = 1 ] && ok || bad "--per-hip: $n forms per hip"

# Refusals name row, column, value and rule. bad_dict LINE TEXT...: a
# dictionary of the header, record_id and LINE (row 3) is refused saying each TEXT.
bad_dict() {
  local line=$1; shift
  printf '%s\n' "$(head -1 "$G/hip_dictionary.csv")" 'record_id,f,,text,Id,,,,,,,,,,,,,' "$line" > "$T/bad.csv"
  expect_exit 1 "$AVN" import dictionary "$T/bad.csv" --out "$T/b.yaml"
  local t
  for t in "$@"; do expect_err "$t"; done
}
bad_dict 'x,f,,radios,X,,,,,,,,,,,,,' "Field Type (row 3)" "radios" "a field type is text, notes, radio"
bad_dict 'x,f,,radio,X,"1, A | B",,,,,,,,,,,,' "Choices, Calculations, OR Slider Labels (row 3)" \
  'each choice is "code, label"'
bad_dict 'x,f,,text,X,,,,,,,"datediff([d],''today'',''y'') > 1",,,,,,' \
  "Branching Logic (Show field only if...) (row 3)" "functions are not supported"
bad_dict 'x,f,,text,X,,,integer,5,1,,,,,,,,' "Text Validation Min (row 3)" "the minimum is greater than the maximum"
[ ! -e "$T/b.yaml" ] && ok || bad "a refused dictionary wrote its output"

# 2. A protocol on the imported forms: init, screen, enrol.
cp "$G/hip_protocol_head.yaml" "$T/p.yaml"
grep -v '^#' "$T/forms.yaml" >> "$T/p.yaml"
expect_exit 0 "$AVN" init "$DB" --protocol "$T/p.yaml"
for s in 1 2 3 4 5 6; do
  expect_exit 0 "$AVN" screen "$DB" S$s --date 2024-01-02 age=44 stage.left=II
  expect_exit 0 "$AVN" enroll "$DB" S$s P$s --date 2024-01-03 --sex male --birth 1980-01-01
done
cp "$DB" "$T/empty.db"
D="--date 2024-01-03"
base="initials=AB visit_date=2024-01-03 age=45"

# 3. Branching logic, by hand.
# [sex] = '2': P1 is male (sex=1), so pregnant does not apply: a value is refused.
refuse_same "$DB" "applies only when [sex] = '2'" enter "$DB" P1 baseline demographics $base sex=1 pregnant=no $D
expect_err "demographics.pregnant"
# ... and required pregnant is not required: the form is complete without it
# (risk_other is required only when [risk(99)] = '1': blank risk___99 -> '0').
expect_exit 0 "$AVN" enter "$DB" P1 baseline demographics $base sex=1 $D
expect_out "form complete"
# P2 is female: pregnant applies and is required: incomplete without it.
expect_exit 0 "$AVN" enter "$DB" P2 baseline demographics $base sex=2 $D
expect_out "form incomplete"
expect_exit 0 "$AVN" check "$DB"
expect_out "incomplete (entry 1): 1 required item missing: pregnant"
expect_exit 0 "$AVN" enter "$DB" P2 baseline demographics pregnant=no
expect_out "form complete"
# Changing sex to male while pregnant is recorded: pregnant would no longer
# apply, so the change is refused until pregnant is cleared in the same entry.
refuse_same "$DB" "applies only when [sex] = '2'" enter "$DB" P2 baseline demographics sex=1 --reason "typo"
expect_exit 0 "$AVN" enter "$DB" P2 baseline demographics sex=1 pregnant= --reason "typo"
# or: [smoker] = '1' or [smoker] = '2'. Never (0): pack_years refused;
# former (1) and current (2) accepted.
refuse_same "$DB" "applies only when [smoker] = '1' or [smoker] = '2'" enter "$DB" P3 baseline demographics $base sex=1 smoker=0 pack_years=10 $D
expect_exit 0 "$AVN" enter "$DB" P3 baseline demographics $base sex=1 smoker=1 pack_years=10 $D
expect_exit 0 "$AVN" enter "$DB" P4 baseline demographics $base sex=1 smoker=2 pack_years=30 $D
# checkbox [risk(99)] = '1': ticking "Other" makes risk_other required.
expect_exit 0 "$AVN" enter "$DB" P5 baseline demographics $base sex=1 risk___99=yes $D
expect_out "form incomplete"
refuse_same "$DB" "applies only when [risk(99)] = '1'" enter "$DB" P6 baseline demographics $base sex=1 risk___99=no risk_other=gout $D
# and: [risk(1)] = '1' and [age] >= 40. Age 35 with steroids: false and -> refused;
# age 45 (45 >= 40, a number comparison): accepted; age 45 without steroids: refused.
refuse_same "$DB" "[risk(1)] = '1' and [age] >= 40" enter "$DB" P6 baseline demographics initials=CD visit_date=2024-01-03 sex=1 age=35 risk___1=yes steroid_dose=12 $D
refuse_same "$DB" "[risk(1)] = '1' and [age] >= 40" enter "$DB" P6 baseline demographics $base sex=1 steroid_dose=12 $D
expect_exit 0 "$AVN" enter "$DB" P6 baseline demographics $base sex=1 risk___1=yes steroid_dose=12 $D
# Parentheses: ([sex] = '2' and [age] < 50) or [smoker] = '2'. P4 is male
# and a current smoker: (false and ..) or true = true, accepted; P3 is male
# and a former smoker: (false) or false = false, refused.
expect_exit 0 "$AVN" enter "$DB" P4 baseline demographics screen_mri=yes
refuse_same "$DB" "or [smoker] = '2'" enter "$DB" P3 baseline demographics screen_mri=yes
# A number comparison, not text: '100' > '40' as numbers (as text "100" < "40").
expect_exit 0 "$AVN" enter "$DB" P5 baseline demographics age=100 risk___1=yes steroid_dose=1 --reason "checked"
# The other forms work too: the HHS codes are Harris's points.
expect_exit 0 "$AVN" enter "$DB" P1 baseline harris_hip_score hhs_pain=40 hhs_limp=8 hhs_support=11 hhs_distance=11 \
  hhs_stairs=4 hhs_shoes=4 hhs_sitting=5 hhs_transport=yes $D
expect_out "form complete"
refuse_same "$DB" "must be one of" enter "$DB" P1 m6 harris_hip_score hhs_pain=41 --date 2024-07-03
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas_pain vas_pain_mm=35 vas_when=1 $D
refuse_same "$DB" "between 0 and 100" enter "$DB" P2 baseline vas_pain vas_pain_mm=101 $D
refuse_same "$DB" "applies only when [vas_when] = '2'" enter "$DB" P2 baseline vas_pain vas_pain_mm=30 vas_when=1 vas_walk_m=200 $D
expect_exit 0 "$AVN" audit "$DB" --verify
# Identifier? y: initials are shown to the study (avn show) but never exported.
expect_exit 0 "$AVN" show "$DB" P1 --json
expect_out '"initials": "AB"'
for f in "--format csv" "--format csv --layout long" "--format odm"; do
  expect_exit 0 "$AVN" export "$DB" $f --out "$T/x/e.out"
  grep -q "initials" "$T/x/e.out" && bad "export $f carries the identifying item" || ok
done

# The forms also come in by amendment: a study started on the demographics
# form alone (the dictionary's first 18 rows) takes the HHS and VAS forms
# by avn protocol amend, and they work at once.
head -18 "$G/hip_dictionary.csv" > "$T/dem.csv"
expect_exit 0 "$AVN" import dictionary "$T/dem.csv" --out "$T/dem.yaml"
expect_out "17 fields -> 1 forms, 18 items"
sed -e 's/forms: \[demographics, harris_hip_score, vas_pain\]/forms: [demographics]/' \
    -e 's/forms: \[harris_hip_score, vas_pain\]/forms: [demographics]/' "$T/p.yaml" | sed '/^forms:/,$d' > "$T/p0.yaml"
grep -v '^#' "$T/dem.yaml" >> "$T/p0.yaml"
ADB="$T/a.db"
expect_exit 0 "$AVN" init "$ADB" --protocol "$T/p0.yaml"
expect_exit 0 "$AVN" screen "$ADB" S1 --date 2024-01-02 age=44 stage.left=II
expect_exit 0 "$AVN" enroll "$ADB" S1 P1 --date 2024-01-03 --sex male --birth 1980-01-01
expect_exit 1 "$AVN" enter "$ADB" P1 baseline vas_pain vas_pain_mm=35 vas_when=1 $D
expect_exit 0 "$AVN" protocol amend "$ADB" "$T/p.yaml" --reason "HHS and VAS forms from REDCap"
expect_exit 0 "$AVN" enter "$ADB" P1 baseline vas_pain vas_pain_mm=35 vas_when=1 $D
expect_out "form complete"
# An amendment that makes a recorded value answer a question no longer
# asked is refused: vas_pain_mm shown only when [vas_when] = '2' would
# orphan P1's 35 (rated at rest, vas_when = 1).
sed '/^  - name: vas_pain_mm$/a\    show_if: "[vas_when] = '"'"'2'"'"'"' "$T/p.yaml" > "$T/p2.yaml"
grep -qF "show_if: \"[vas_when] = '2'\"" "$T/p2.yaml" && ok || bad "p2.yaml lacks the new condition"
refuse_same "$ADB" "would orphan recorded data: patient P1 / visit baseline / vas_pain / entry 1: vas_pain.vas_pain_mm applies only when [vas_when] = '2'" \
  protocol amend "$ADB" "$T/p2.yaml" --reason "VAS only when walking"
expect_exit 0 "$AVN" audit "$ADB" --verify

# 4. A REDCap records export (raw), written by hand, into the empty study.
RDB="$T/empty.db"
cat > "$T/map.yaml" <<'EOF'
events: {baseline_arm_1: baseline, month_6_arm_1: m6}
date: visit_date
EOF
# record P3, event m6: visit_date is a demographics field, collected at
# baseline only, so the m6 row gives no date: P3's m6 entry needs one and is
# refused (row 5, the map's date column).
cp "$G/hip_records.csv" "$T/rec.csv"
refuse_same "$RDB" "visit 'm6' has no date yet: record it first (avn visit)" import records "$RDB" "$T/rec.csv" --format redcap --map "$T/map.yaml"
expect_err "row 5, column 'visit_date'"
expect_out "4 rows read, 1 refused: nothing loaded"
# --skip-invalid: rows 2-4 load, row 5 is listed.
expect_exit 0 "$AVN" import records "$RDB" "$T/rec.csv" --format redcap --map "$T/map.yaml" --skip-invalid
expect_err "row 5, column 'visit_date'"
expect_out "4 rows read"
expect_out "1 rows refused and left out"
expect_exit 0 "$AVN" show "$RDB" P2 --json
python3 - "$T/out" <<'EOF' && ok || bad "P2's imported demographics"
import json, sys
d = json.load(open(sys.argv[1]))
s = json.dumps(d)
# P2: male (1), pack_years 12.5, ticked 1 and 99, risk_other gout; 0 boxes left blank.
for want in ['"pack_years": "12.5"', '"risk_other": "gout"', '"risk___99": "yes"']:
    assert want.replace(' ', '') in s.replace(' ', ''), (want, s[:2000])
assert 'risk___2' not in s
EOF
# A REDCap value the store refuses: P4's pack_years for a never-smoker
# ([smoker] = '1' or [smoker] = '2' is false): nothing loads, study unchanged.
printf '%s\n' "record_id,redcap_event_name,visit_date,initials,sex,age,smoker,pack_years" \
  "P4,baseline_arm_1,2024-01-03,GH,1,45,0,20" "P5,baseline_arm_1,2024-01-03,IJ,1,45,1,20" > "$T/rec2.csv"
refuse_same "$RDB" "row 2, column 'pack_years': value '20' refused: applies only when" import records "$RDB" "$T/rec2.csv" --format redcap --map "$T/map.yaml"
# A column no form has refuses the file (row 1).
printf '%s\n' "record_id,redcap_event_name,nosuch" "P4,baseline_arm_1,1" > "$T/rec3.csv"
refuse_same "$RDB" "nosuch" import records "$RDB" "$T/rec3.csv" --format redcap
expect_err "header (row 1)"
expect_exit 0 "$AVN" audit "$RDB" --verify

# 5. A form recorded per hip (the dictionary imported with --per-hip
# harris_hip_score), from REDCap two ways (docs/import.md): the fields
# suffixed _left/_right in the event's row, or a repeating instrument with
# an instance per hip whose field `hip` names it (1 left, 2 right).
sed '/^forms:/,$d' "$T/p.yaml" > "$T/ph.yaml"
grep -v '^#' "$T/forms_hip.yaml" >> "$T/ph.yaml"
HDB="$T/h.db"
expect_exit 0 "$AVN" init "$HDB" --protocol "$T/ph.yaml"
for s in 1 2; do
  expect_exit 0 "$AVN" screen "$HDB" S$s --date 2024-01-02 age=44 stage.left=II stage.right=I
  expect_exit 0 "$AVN" enroll "$HDB" S$s P$s --date 2024-01-03 --sex male
  expect_exit 0 "$AVN" visit "$HDB" P$s baseline --date 2024-01-03
done
# P1 by suffix: left pain 44 (none), limp 11 (none); right pain 30 (mild).
# P2 by instance: instance 1 is the right hip (hip = 2): pain 20; instance 2
# the left (hip = left): pain 40, limp 8. 4 forms, 3 + 3 = 6 values.
cat > "$T/h.csv" <<'CSV'
record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,hip,hhs_pain_left,hhs_limp_left,hhs_pain_right,hhs_pain,hhs_limp,harris_hip_score_complete
P1,baseline_arm_1,,,,44,11,30,,,1
P2,baseline_arm_1,harris_hip_score,1,2,,,,20,,1
P2,baseline_arm_1,harris_hip_score,2,left,,,,40,8,1
CSV
expect_exit 0 "$AVN" import records "$HDB" "$T/h.csv" --format redcap
expect_out "3 rows read, 4 form entries, 6 values new or changed"
expect_exit 0 "$AVN" export "$HDB" --format csv --layout long --out "$T/h_long.csv"
for row in '"P1","main",left,"baseline","harris_hip_score","",1,"hhs_pain","44"' \
           '"P1","main",left,"baseline","harris_hip_score","",1,"hhs_limp","11"' \
           '"P1","main",right,"baseline","harris_hip_score","",1,"hhs_pain","30"' \
           '"P2","main",right,"baseline","harris_hip_score","",1,"hhs_pain","20"' \
           '"P2","main",left,"baseline","harris_hip_score","",1,"hhs_pain","40"' \
           '"P2","main",left,"baseline","harris_hip_score","",1,"hhs_limp","8"'; do
  tr -d '\r' < "$T/h_long.csv" | grep -qxF "$row" && ok || bad "per-hip REDCap: the study lacks $row"
done
# (a code's name is text: quoted, as libcsv writes text)
# A per-hip field with no hip, and an instance whose hip is neither: refused.
printf '%s\n' "record_id,redcap_event_name,hhs_pain" "P1,baseline_arm_1,44" > "$T/h2.csv"
refuse_same "$HDB" "row 2, column 'hhs_pain': value '44' refused: form 'harris_hip_score' is recorded per hip: name its fields hhs_pain_left and hhs_pain_right" \
  import records "$HDB" "$T/h2.csv" --format redcap
printf '%s\n' "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,hip,hhs_pain" \
  "P1,baseline_arm_1,harris_hip_score,1,3,44" > "$T/h3.csv"
refuse_same "$HDB" "row 2, column 'hip': value '3' refused: an instance of the per-hip form 'harris_hip_score' names its hip" \
  import records "$HDB" "$T/h3.csv" --format redcap
expect_exit 0 "$AVN" audit "$HDB" --verify
finish
