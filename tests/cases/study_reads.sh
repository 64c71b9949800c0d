# Independent reads (issue 11): each radiologist's read of an MRI is its own
# instance (--reader NAME), any number of readers; each read may be
# double-entered (--entry 2, the same reader's read typed again); a
# consensus read (--reader consensus) settles a disagreement and is what the
# analysis uses. `avn check` lists value mismatches only between the two
# entries of one read, and between readers only a difference in the
# reader's stage (reader_disagreement), until the consensus read exists.
# Expected findings worked by hand from the values entered below.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-02-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 "$AVN" screen "$DB" S1 --date 2024-01-10 age=40 mri_confirmed=yes stage.left=II stage.right=III \
  conservative_months=4 can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no \
  platelets=250000 prior_surgery.left=no prior_surgery.right=no active_malignancy=no pregnant=no aspiration_inadequate=no
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
mri() {  # hip reader entry pct steinberg
  expect_exit 0 "$AVN" enter "$DB" P1 baseline mri --hip "$1" --reader "$2" --entry "$3" --date 2024-01-15 \
    read_date=2024-01-15 mri_positive=yes xray=sclerosis head_involved_pct="$4" crescent_sign=no \
    subchondral_fracture=no flattening=no jsn=no acetabular_involvement=no advanced_degeneration=no \
    steinberg_reader="$5"
}
# Left hip: Dr A's read entered twice, with one typing difference in the
# lesion size (20 vs 25): one entry_mismatch, no reader_disagreement.
mri left "Dr A" 1 20 IIA
mri left "Dr A" 2 25 IIA
# Right hip: read by three radiologists; sizes differ (30, 40, 35: ordinary
# reader variation, not a finding) and stages differ (IIIA, IIC, IIIA): one
# reader_disagreement naming the three readers and their stages. Dr C's
# read is double-entered and its two entries agree: no entry_mismatch.
mri right "Dr A" 1 30 IIIA
mri right "Dr B" 1 40 IIC
mri right "Dr C" 1 35 IIIA
mri right "Dr C" 2 35 IIIA
[ "$(sqlite3 "$DB" "SELECT group_concat(instance || '/' || entry, ' ') FROM (SELECT * FROM form WHERE side='right' ORDER BY id) AS f")" = "Dr A/1 Dr B/1 Dr C/1 Dr C/2" ] && ok || bad "one instance per reader"
# A read's reader is its key: reader=... that contradicts --reader is refused.
refuse_same "$DB" "a read's reader is its key" enter "$DB" P1 baseline mri --hip right --reader "Dr B" reader="Dr Z" \
  read_date=2024-01-15
refuse_same "$DB" "takes independent reads" enter "$DB" P1 baseline mri --hip right read_date=2024-01-15
"$AVN" check "$DB" --json > "$T/check.json" && ok || bad "check exit"
python3 - "$T/check.json" <<'PY' || bad "check findings"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["form"] == "mri"]
kinds = sorted((x["kind"], x["hip"]) for x in f)
assert kinds == [("entry_mismatch", "left"), ("reader_disagreement", "right")], kinds
left = [x for x in f if x["hip"] == "left"][0]["detail"]
assert left == "head_involved_pct: entry 1 '20', entry 2 '25'", left
right = [x for x in f if x["hip"] == "right"][0]["detail"]
assert right == ("steinberg_reader: reader Dr A 'IIIA', reader Dr B 'IIC', reader Dr C 'IIIA': "
                 "a consensus read settles it (--reader consensus)"), right
PY
# The consensus read (stage IIIA, lesion 33%): the disagreement is settled.
mri right consensus 1 33 IIIA
"$AVN" check "$DB" --json > "$T/check2.json" && ok || bad "check exit"
python3 - "$T/check2.json" <<'PY' || bad "check findings after consensus"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["form"] == "mri"]
assert [(x["kind"], x["hip"]) for x in f] == [("entry_mismatch", "left")], f
PY
# The analysis dataset uses the consensus read: the right hip's baseline
# lesion size is 33 (consensus), not 30 (Dr A, the first read).
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/wide.csv"
python3 - "$T/wide.csv" <<'PY' || bad "wide export uses the consensus read"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
col = [c for c in rows[0] if c.endswith("mri_head_involved_pct")][0]
right = [r for r in rows if r.get("side") == "2"][0]   # side coded 1 left, 2 right
assert right[col] == "33", (col, right[col])
assert right[col.replace("head_involved_pct", "reader")] == "consensus"
PY
# Dr A's read of the left hip: a third person adjudicates the size.
expect_exit 0 "$AVN" adjudicate "$DB" P1 baseline mri --hip left --reader "Dr A" head_involved_pct=20 \
  --reason "source images" --user monitor1
[ "$(sqlite3 "$DB" "SELECT instance || ':' || value_text FROM adjudication")" = "Dr A:20" ] && ok || bad "adjudication names the read"
"$AVN" check "$DB" --json > "$T/check3.json" && ok || bad "check exit"
python3 - "$T/check3.json" <<'PY' || bad "no mri finding left"
import json, sys
assert [x for x in json.load(open(sys.argv[1]))["findings"] if x["form"] == "mri"] == []
PY
expect_exit 0 "$AVN" audit "$DB" --verify
finish
