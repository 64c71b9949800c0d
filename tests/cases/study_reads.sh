# Double data entry and independent reads of the same MRI are told apart by
# the mri form's reader (its definition's `reads:`): `avn check` lists value
# mismatches only between two entries by the same reader, and between two
# readers only a difference in the reader's stage (reader_disagreement).
# Expected findings worked by hand from the values entered below.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-02-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 "$AVN" screen "$DB" S1 --date 2024-01-10 age=40 mri_confirmed=yes stage.left=II stage.right=III \
  conservative_months=4 can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no \
  platelets=250000 prior_surgery.left=no prior_surgery.right=no active_malignancy=no pregnant=no aspiration_inadequate=no
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
mri() {  # hip entry reader pct steinberg
  expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip "$1" --entry "$2" --date 2024-01-15 reader="$3" \
    read_date=2024-01-15 mri_positive=yes xray=sclerosis head_involved_pct="$4" crescent_sign=no \
    subchondral_fracture=no flattening=no jsn=no acetabular_involvement=no advanced_degeneration=no \
    steinberg_reader="$5"
}
# Left hip: entered twice by the same reader, with one typing difference in
# the lesion size (20 vs 25): one entry_mismatch, no reader_disagreement.
mri left 1 "Dr A" 20 IIA
mri left 2 "Dr A" 25 IIA
# Right hip: read by two radiologists; sizes differ (30 vs 40, ordinary
# reader variation: not a finding) and stages differ (IIIA vs IIC): one
# reader_disagreement naming both readers and both stages.
mri right 1 "Dr A" 30 IIIA
mri right 2 "Dr B" 40 IIC
"$AVN" check "$DB" --json > "$T/check.json" && ok || bad "check exit"
python3 - "$T/check.json" <<'PY' || bad "check findings"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["form"] == "mri"]
kinds = sorted((x["kind"], x["hip"]) for x in f)
assert kinds == [("entry_mismatch", "left"), ("reader_disagreement", "right")], kinds
left = [x for x in f if x["hip"] == "left"][0]["detail"]
assert left == "head_involved_pct: entry 1 '20', entry 2 '25'", left
right = [x for x in f if x["hip"] == "right"][0]["detail"]
assert right == "steinberg_reader: reader Dr A 'IIIA', reader Dr B 'IIC'", right
PY
# The same two readers agreeing on the stage: nothing to adjudicate.
expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip right --entry 2 --reason "consensus on stage" steinberg_reader=IIIA
"$AVN" check "$DB" --json > "$T/check2.json" && ok || bad "check exit"
python3 - "$T/check2.json" <<'PY' || bad "check findings after agreement"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["form"] == "mri"]
assert [(x["kind"], x["hip"]) for x in f] == [("entry_mismatch", "left")], f
PY
finish
