# Repeating forms (issue 10): adverse events are a log of numbered
# instances per patient, at a visit or at none; each instance is its own
# audited record. Expected values worked by hand from the entries below.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 seq_screen "$DB" S1 2024-01-10 left 40
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
expect_exit 0 "$AVN" visit "$DB" P1 m1 --date 2024-02-14

# Two AEs at visit m1: instances 1 and 2 (the second was refused before
# instances existed: "changes the recorded value").
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new term=Fever grade=1 serious=no related=1 onset_date=2024-02-01
expect_out "P1 m1 ae instance 1 entry 1"
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new term=Rash grade=2 serious=no related=3 onset_date=2024-02-05
expect_out "P1 m1 ae instance 2 entry 1"
# One AE at no visit ('-'), serious and unexpected: instance 3.
expect_exit 0 "$AVN" enter "$DB" P1 - ae --new term="Deep infection" grade=3 serious=yes related=4 \
  expected=unexpected onset_date=2024-03-01
expect_out "P1 - ae instance 3 entry 1"
[ "$(sql_join "$DB" ' ' "SELECT instance || ':' || visit FROM form WHERE instrument='ae' ORDER BY id")" = "1:m1 2:m1 3:" ] && ok || bad "instances and visits"

# Refusals write nothing: a log entry needs --new or --instance; no such
# instance; a number that is not one; --date at no visit; after withdrawal.
refuse_same "$DB" "give --new to add an instance" enter "$DB" P1 m1 ae term=x grade=1 serious=no related=1 onset_date=2024-02-01
refuse_same "$DB" "patient P1 has no ae instance 9" enter "$DB" P1 - ae --instance 9 grade=2
refuse_same "$DB" "numbered 1, 2, 3" enter "$DB" P1 - ae --instance x1 grade=2
# usage errors (exit 2) write nothing either
refuse2() {
  local text=$1 before; shift
  before=$(snap "$DB")
  expect_exit 2 "$AVN" "$@"
  expect_err "$text"
  [ "$(snap "$DB")" = "$before" ] && ok || bad "database changed after refused: $*"
}
refuse2 "belongs to no visit" enter "$DB" P1 - ae --new --date 2024-03-02 term=x grade=1 serious=no related=1 onset_date=2024-02-01
refuse_same "$DB" "belongs to visit m1" enter "$DB" P1 m3 ae --instance 2 grade=3 --reason upgrade
refuse_same "$DB" "must not be before enrolment" enter "$DB" P1 - ae --new term=x grade=1 serious=no related=1 onset_date=2024-01-01
refuse2 "does not repeat" enter "$DB" P1 m1 vas --new pain=3

# Changing instance 2 (its visit need not be given): one update row.
expect_exit 0 "$AVN" enter "$DB" P1 - ae --instance 2 grade=3 --reason "worsened"
expect_out "P1 m1 ae instance 2 entry 1: 0 new, 1 changed"
# Voiding instance 1: kept with its reason, left out; the number is not reused.
expect_exit 0 "$AVN" void "$DB" P1 - ae --instance 1 --reason "entered in error"
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new term=Headache grade=1 serious=no related=1 onset_date=2024-02-10
expect_out "instance 4 entry 1"

# Two incomplete AEs at one visit (instances 5 and 6, grade left out) are two
# findings with two ids (FORM#N).
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new term=Cough serious=no related=1 onset_date=2024-02-11
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new term=Itch serious=no related=1 onset_date=2024-02-12
"$AVN" check "$DB" --json > "$T/check.json" && ok || bad "check"
python3 - "$T/check.json" <<'PY' || bad "incomplete AE findings"
import json, sys
f = sorted(x["id"] for x in json.load(open(sys.argv[1]))["findings"] if x["form"] == "ae")
assert f == ["incomplete_form/P1/m1/ae#5/-/grade", "incomplete_form/P1/m1/ae#6/-/grade"], f
PY
expect_exit 0 "$AVN" void "$DB" P1 - ae --instance 5 --reason "test entry"
expect_exit 0 "$AVN" void "$DB" P1 - ae --instance 6 --reason "test entry"

# The audit rows name each instance: record "patient P1[ / visit V] / ae /
# instance N / entry 1".
q() { sqlite3 "$DB" "$1"; }
[ "$(q "SELECT count(*) FROM audit WHERE record='patient P1 / visit m1 / ae / instance 2 / entry 1' AND action='update' AND field='grade' AND old_value='moderate' AND new_value='severe' AND reason='worsened'")" = 1 ] && ok || bad "update row of instance 2"
[ "$(q "SELECT count(*) FROM audit WHERE record='patient P1 / ae / instance 3 / entry 1' AND action='create'")" = 1 ] && ok || bad "create row of instance 3 (no visit)"
[ "$(q "SELECT count(*) FROM audit WHERE record='patient P1 / visit m1 / ae / instance 1 / entry 1' AND action='void' AND new_value='entered in error'")" = 1 ] && ok || bad "void row of instance 1"
expect_exit 0 "$AVN" audit "$DB" --verify

# Lists: avn list forms shows every instance; the void one is not there.
"$AVN" list "$DB" forms --json > "$T/forms.json" && ok || bad "list forms"
python3 - "$T/forms.json" <<'PY' || bad "list forms instances"
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["forms"] if isinstance(d, dict) else d
ae = sorted((r["instance"], r["visit"]) for r in rows if r["form"] == "ae")
assert ae == [("2", "m1"), ("3", ""), ("4", "m1")], ae
PY

# The safety tables count the log: hand count of entry-1, non-void AEs of
# P1: instances 2 (grade 3, not serious), 3 (grade 3, serious), 4 (grade 1)
# = 3 events, 1 serious.
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
python3 - "$T/rep/tables" <<'PY' || bad "report safety tables"
import csv, os, sys
t = sys.argv[1]
rows = list(csv.reader(open(os.path.join(t, "ae_terms.csv"))))
anyrow = [r for r in rows if r[0] == "Any adverse event"][0]
assert anyrow[2] == "3" and anyrow[-1] == "1", anyrow   # events, serious
sae = list(csv.DictReader(open(os.path.join(t, "sae.csv"))))
assert len(sae) == 1 and "Deep infection" in list(sae[0].values())[1], sae
per = list(csv.DictReader(open(os.path.join(t, "ae_periods.csv"))))
assert per[-1]["Cumulative AEs"] == "3" and per[-1]["Cumulative SAEs"] == "1", per[-1]
PY
expect_exit 0 "$AVN" report "$DB" --safety --from 2024-01-01 --to 2024-06-01 --out "$T/dsmb"
python3 - "$T/dsmb/tables/safety_ae_period.csv" <<'PY' || bad "safety board table"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
r = [x for x in rows if x[0].startswith("From the start")][0]
assert r[1] == "3" and r[3] == "1", r   # AEs, SAEs
PY
# instance 3, the one SAE, was entered expected=unexpected
grep -q "Of the 1 serious adverse event to the period&#39;s end, 1 was unexpected" "$T/dsmb/report.html" && ok || bad "unexpected SAEs"

# The long export carries the instance; the wide one has no ae columns.
expect_exit 0 "$AVN" export "$DB" --format csv --layout long --out "$T/long.csv"
# instance 2: term, grade, serious, related, onset_date = 5 rows; instance 3 at no visit
[ "$(grep -ac '^"P1","main",,"m1","ae","2",1,' "$T/long.csv")" = 5 ] && ok || bad "long rows of ae instance 2"
[ "$(grep -ac '^"P1","main",,"","ae","3",1,"term","Deep infection"' "$T/long.csv")" = 1 ] && ok || bad "long row of ae instance 3"
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/wide.csv"
head -1 "$T/wide.csv" | grep -q '_ae_' && bad "wide export has ae columns" || ok
# ODM: each instance is its own FormData, keyed side.instance.entry; the one
# at no visit under study event SE.none.
expect_exit 0 "$AVN" export "$DB" --format odm --out "$T/s.odm"
expect_exit 0 xmllint --noout "$T/s.odm"
/usr/bin/python3 - "$T/s.odm" <<'PY' || bad "odm instances"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.cdisc.org/ns/odm/v1.3}"
keys = []
for ev in ET.parse(sys.argv[1]).getroot().iter(ns + "StudyEventData"):
    for f in ev.iter(ns + "FormData"):
        if f.get("FormOID") == "F.ae":
            keys.append((ev.get("StudyEventOID"), f.get("FormRepeatKey")))
assert sorted(keys) == [("SE.m1", "patient.2.1"), ("SE.m1", "patient.4.1"), ("SE.none", "patient.3.1")], keys
PY
# The workbook has a sheet per log: a row per live instance (2, 3, 4).
expect_exit 0 "$AVN" export "$DB" --format xlsx --out "$T/s.xlsx"
/usr/bin/python3 - "$T/s.xlsx" <<'PY' || bad "xlsx ae sheet"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["ae"]
rows = [list(r) for r in ws.iter_rows(values_only=True)]
head = rows[0]
assert head[:4] == ["patient", "visit", "instance", "entry"], head
got = sorted((r[2], r[1] or "", r[head.index("term")], r[head.index("serious")]) for r in rows[1:])
assert got == [("2", "m1", "Rash", "no"), ("3", "", "Deep infection", "yes"), ("4", "m1", "Headache", "no")], got
PY
# A REDCap records export's repeating-instrument rows are log instances: P1
# has ae instances 1-6 by now, so the file's 7 and 8 are added as the next
# two, at no visit (no redcap_event_name). Refused, writing nothing: a gap in
# the numbering (9 when the next is 7), a repeating instrument that is no
# log, and another form's field in an ae row.
printf '%s\n' 'record_id,redcap_repeat_instrument,redcap_repeat_instance,term,grade,serious,related,onset_date,pain' \
  'P1,ae,9,Back pain,1,0,2,2024-04-02,' >"$T/rc_gap.csv"
refuse_same "$DB" "patient P1's next ae instance is 7" import records "$DB" "$T/rc_gap.csv" --format redcap
# (baseline: a patient-level form that does not repeat; a per-hip form such
# as hhs may repeat in REDCap, an instance per hip: import_redcap.sh)
printf '%s\n' 'record_id,redcap_repeat_instrument,redcap_repeat_instance,term,grade,serious,related,onset_date,weight_kg' \
  'P1,baseline,1,,,,,,70' >"$T/rc_nolog.csv"
refuse_same "$DB" "a repeating instrument must be a form that repeats" import records "$DB" "$T/rc_nolog.csv" --format redcap
printf '%s\n' 'record_id,redcap_repeat_instrument,redcap_repeat_instance,term,grade,serious,related,onset_date,pain' \
  'P1,ae,7,Back pain,1,0,2,2024-04-02,slight' >"$T/rc_other.csv"
refuse_same "$DB" "holds only its own fields" import records "$DB" "$T/rc_other.csv" --format redcap
printf '%s\n' 'record_id,redcap_repeat_instrument,redcap_repeat_instance,term,grade,serious,related,onset_date,pain' \
  'P1,ae,7,Back pain,1,0,2,2024-04-02,' 'P1,ae,8,Fall,2,1,1,2024-04-20,' >"$T/rc.csv"
expect_exit 0 "$AVN" import records "$DB" "$T/rc.csv" --format redcap
[ "$(sql_join "$DB" ' ' "SELECT f.instance || ':' || f.visit || ':' || v.value_text FROM form f JOIN item_value v ON v.form_id = f.id AND v.item = 'term' WHERE f.instrument='ae' AND f.instance IN ('7','8') ORDER BY f.id")" = "7::Back pain 8::Fall" ] && ok || bad "redcap ae instances"
[ "$(sqlite3 "$DB" "SELECT v.value_text FROM form f JOIN item_value v ON v.form_id = f.id AND v.item = 'serious' WHERE f.instrument='ae' AND f.instance='8'")" = yes ] && ok || bad "redcap yes/no 1 is yes"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
finish
