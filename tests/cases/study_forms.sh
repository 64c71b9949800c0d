# Forms a study defines for itself (protocol `forms:`): the Oxford Hip Score
# defined only in docs/examples/oxford-hip.yaml runs init, enter, check,
# report and export with no C change; a plain data form; a form that names a
# C scorer; protocols with bad forms refused with file:line.
# OHS (Dawson 1996; 0-4 scoring, Murray 2007): 12 items 0-4, total 0-48; one
# or two items missing take the mean of the answered ones; three: no score.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2025-06-01 AVN_USER=tester
OHS="$AVN_SOURCE_DIR/docs/examples/oxford-hip.yaml"
DB="$T/o.db"
expect_exit 0 "$AVN" init "$DB" --protocol "$OHS"
for s in 1 2 3; do
  expect_exit 0 "$AVN" screen "$DB" S$s --date 2024-01-02 age=44 stage.left=II consent=yes
  expect_exit 0 "$AVN" enroll "$DB" S$s P$s --date 2024-01-03 --sex male --birth 1980-01-01
done
items="pain washing transport socks shopping walking stairs standing limping sudden_pain work night_pain"
# enter_ohs PATIENT VISIT DATE v1 ... v12 ("-" leaves the item out)
enter_ohs() {
  local p=$1 v=$2 d=$3; shift 3
  local args=() i
  for i in $items; do [ "$1" != - ] && args+=("$i=$1"); shift; done
  expect_exit 0 "$AVN" enter "$DB" "$p" "$v" ohs "${args[@]}" --date "$d"
}
# Baseline totals by hand: P1 1+2+2+1+2+1+2+2+1+2+1+1 = 18; P2 12 x 2 = 24;
# P3 12 x 3 = 36. Mean 26. Rescaled 0-100: 18/48*100 = 37.5.
enter_ohs P1 baseline 2024-01-03 1 2 2 1 2 1 2 2 1 2 1 1
expect_out "form complete"
enter_ohs P2 baseline 2024-01-03 2 2 2 2 2 2 2 2 2 2 2 2
enter_ohs P3 baseline 2024-01-03 3 3 3 3 3 3 3 3 3 3 3 3
# m6: P1 answers 10 items summing to 33 (mean 3.3): 33 + 2 x 3.3 = 39.6,
# rescaled 39.6/48*100 = 82.5. P2 leaves three out: no score.
enter_ohs P1 m6 2024-07-03 3 4 3 3 4 3 3 4 3 3 - -
expect_out "form incomplete"
enter_ohs P2 m6 2024-07-03 4 4 4 4 4 4 4 4 4 - - -
expect_exit 0 "$AVN" show "$DB" P1
expect_out "scores: total=18.0 total_100=37.5"
expect_out "scores: total=39.6 total_100=82.5"
expect_exit 0 "$AVN" show "$DB" P2
expect_out "scores: total=NA total_100=NA"
# by_value codes: 5 is no OHS answer; the refusal names the item and lists the codes.
refuse_same "$DB" "must be one of: 0 (0), 1 (1), 2 (2), 3 (3), 4 (4)" enter "$DB" P3 m6 ohs pain=5 --date 2024-07-03
expect_err "ohs.pain"
# The plain data form: stored, no scores.
expect_exit 0 "$AVN" enter "$DB" P1 baseline employment status=working sick_days=10 --date 2024-01-03
expect_out "form complete"
refuse_same "$DB" "must be between 0 and 92" enter "$DB" P2 baseline employment status=working sick_days=93 --date 2024-01-03
expect_exit 0 "$AVN" check "$DB"
# every missing required item in one finding: P1 m6 lacks work and night_pain
expect_out "incomplete (entry 1): 2 required items missing: work, night_pain"
expect_out "incomplete (entry 1): 3 required items missing: sudden_pain, work, night_pain"
# report: Table of outcomes, baseline n 3 mean 26.0 (18, 24, 36); m6 n 1 (39.6).
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
expect_exit 0 grep -F "Oxford Hip Score,Baseline (day 0),3,26.0" "$T/rep/tables/outcomes.csv"
expect_exit 0 grep -F "Oxford Hip Score,6 months,1,39.6" "$T/rep/tables/outcomes.csv"
# export: the study's form is a variable like any other, with its labels.
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/x/d.csv"
n=$(python3 -c '
import csv,sys
r={x["patient"]: x for x in csv.DictReader(open(sys.argv[1]))}
print(r["P1"]["baseline_ohs_total"], r["P1"]["m6_ohs_total_100"], r["P1"]["baseline_employment_sick_days"], repr(r["P2"]["m6_ohs_total"]))' "$T/x/d.csv")
[ "$n" = "18 82.5 10 ''" ] && ok || bad "export csv: $n"
expect_exit 0 "$AVN" export "$DB" --format odm --out "$T/x/d.odm"
expect_exit 0 grep -F "How would you describe the pain you usually have from your hip?" "$T/x/d.odm"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# protocol show names the protocol's own forms (text and --json).
expect_exit 0 "$AVN" protocol show "$OHS"
expect_out "  ohs              Oxford Hip Score (Dawson 1996, 0-4 scoring of Murray 2007) [12 items, 2 results]"
expect_out "  employment       Employment [2 items, 0 results]"
expect_exit 0 "$AVN" protocol show "$OHS" --json
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([(f["name"], f["items"], f["results"]) for f in d["forms"]])' "$T/out")
[ "$n" = "[('ohs', 12, 2), ('employment', 2, 0)]" ] && ok || bad "protocol show --json forms: $n"
# The study file describes itself: the protocol file can go, the study still knows ohs.
cp "$OHS" "$T/gone.yaml"
expect_exit 0 "$AVN" init "$T/g.db" --protocol "$T/gone.yaml"
rm "$T/gone.yaml"
expect_exit 0 "$AVN" screen "$T/g.db" S1 --date 2024-01-02 age=44 stage.left=II consent=yes
expect_exit 0 "$AVN" enroll "$T/g.db" S1 P1 --date 2024-01-03 --sex female --birth 1980-01-01
enter_ohs_g() { expect_exit 0 "$AVN" enter "$T/g.db" P1 baseline ohs pain=4 washing=4 transport=4 socks=4 shopping=4 \
  walking=4 stairs=4 standing=4 limping=4 sudden_pain=4 work=4 night_pain=4 --date 2024-01-03; }
enter_ohs_g
expect_exit 0 "$AVN" show "$T/g.db" P1
expect_out "scores: total=48.0 total_100=100.0"

# Bad forms: refused at init with file:line, and no study file is left.
bad_proto() {   # bad_proto LINE 'text' -- yaml of the forms section
  local line=$1 text=$2; shift 2
  sed '/^forms:/,$d' "$OHS" >"$T/bad.yaml"
  printf '%s\n' "$@" >>"$T/bad.yaml"
  printf '%s\n' "visits:" "  - {name: baseline, at: 0 days, forms: [baseline]}" >>"$T/bad.yaml"
  rm -f "$T/bad.db"
  expect_exit 1 "$AVN" init "$T/bad.db" --protocol "$T/bad.yaml"
  expect_err "bad.yaml:$line"
  expect_err "$text"
  [ ! -e "$T/bad.db" ] && ok || bad "a refused init left $T/bad.db"
}
L=$(($(sed '/^forms:/,$d' "$OHS" | wc -l) + 1))   # the line of `forms:`
bad_proto $((L + 1)) "one of avn's own instruments" "forms:" "  - {name: hhs, title: Mine, items: [{name: a, label: A, type: int}]}"
bad_proto $((L + 2)) "unknown key" "forms:" "  - name: x" "    titel: X"
bad_proto $((L + 2)) "defined twice" "forms:" "  - {name: x, title: X, items: [{name: a, label: A, type: int}]}" \
  "  - {name: x, title: X, items: [{name: a, label: A, type: int}]}"
bad_proto $((L + 4)) "sums 'b', which is not an item" "forms:" "  - name: x" "    title: X" "    items: [{name: a, label: A, type: int, min: 0, max: 4}]" \
  "    results: [{name: t, label: T, sum: [a, b]}]"
bad_proto $((L + 1)) "has no scoring function" "forms:" "  - {name: x, title: X, items: [{name: a, label: A, type: int}], results: [{name: t, label: T}]}"
bad_proto $((L + 1)) "max_missing must be below" "forms:" \
  "  - {name: x, title: X, items: [{name: a, label: A, type: int, min: 0, max: 4}], results: [{name: t, label: T, sum: [a], max_missing: 1}]}"
bad_proto $((L + 1)) "scorer 'vas' reads item 'pain_mm'" "forms:" \
  "  - {name: x, title: X, scorer: vas, items: [{name: a, label: A, type: int}], results: [{name: pain_mm, label: T}]}"
bad_proto $((L + 1)) "no scoring function called 'oxford'" "forms:" \
  "  - {name: x, title: X, scorer: oxford, items: [{name: a, label: A, type: int}], results: [{name: t, label: T}]}"
bad_proto $((L + 1)) "role must be adverse_event, conversion, imaging" "forms:" \
  "  - {name: x, title: X, role: adverse, items: [{name: a, label: A, type: int}]}"
bad_proto $((L + 1)) "levels go with type: category" "forms:" \
  "  - {name: x, title: X, items: [{name: a, label: A, type: int, min: 0, max: 4}], results: [{name: t, label: T, sum: [a], levels: [{name: hi, min: 2}, {name: lo}]}]}"
# A form naming a visit-schedule form that is not defined anywhere.
sed 's/forms: \[baseline, ohs, employment\]/forms: [baseline, ohs, employmnt]/' "$OHS" >"$T/typo.yaml"
expect_exit 1 "$AVN" init "$T/typo.db" --protocol "$T/typo.yaml"
expect_err "unknown form 'employmnt'"

# A form that names a C scorer: the VAS items (by include) scored by vas.c.
# 42 mm -> pain_cm 4.2 (docs/instruments.md: cm = mm / 10).
sed '/^forms:/,$d' "$OHS" >"$T/vas.yaml"
cat >>"$T/vas.yaml" <<'YAML'
forms:
  - name: vas_walking
    title: Pain on walking (VAS)
    scorer: vas
    items:
      - include: vas
    results:
      - {name: pain_mm, label: "Pain on walking (0-100 mm)", unit: mm, better: lower}
      - {name: pain_cm, label: "Pain on walking (0-10 cm)", unit: cm, better: lower}
visits:
  - {name: baseline, at: 0 days, forms: [vas_walking]}
YAML
expect_exit 0 "$AVN" init "$T/v.db" --protocol "$T/vas.yaml"
expect_exit 0 "$AVN" screen "$T/v.db" S1 --date 2024-01-02 age=44 stage.left=II consent=yes
expect_exit 0 "$AVN" enroll "$T/v.db" S1 P1 --date 2024-01-03 --sex female --birth 1980-01-01
expect_exit 0 "$AVN" enter "$T/v.db" P1 baseline vas_walking pain_mm=42 --date 2024-01-03
expect_exit 0 "$AVN" show "$T/v.db" P1
expect_out "pain_cm=4.2"
finish
