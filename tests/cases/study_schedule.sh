# The issue's acceptance scenario: a bilateral patient enrolled on 2024-01-31 in
# the sequential protocol. Expected dates worked by hand from a 2024-2026
# calendar (2024 is a leap year; windows from protocols/sequential.yaml:
# m1 +-7 days, m3/m6 +-14 days, m12/m18/m24 +-30 days).
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/x.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 "$AVN" screen "$DB" S001 --date 2024-01-25 age=38 mri_confirmed=yes stage.left=II stage.right=III \
  conservative_months=4 can_attend_24m=yes accepts_procedure=yes infection=no severe_coagulopathy=no \
  platelets=250000 prior_surgery.left=no prior_surgery.right=no active_malignancy=no pregnant=no aspiration_inadequate=no
expect_out "ELIGIBLE"
expect_exit 0 "$AVN" enroll "$DB" S001 P001 --date 2024-01-31 --sex male --birth 1985-06-01
expect_exit 0 "$AVN" schedule "$DB" --json --today 2024-05-01
cp "$T/out" "$T/sched.json"
python3 - "$T/sched.json" <<'PY' || bad "schedule contents"
import json, sys
ev = json.load(open(sys.argv[1]))["events"]
def find(kind, name, hip=None):
    m = [e for e in ev if e["kind"] == kind and e["name"] == name and e["hip"] == hip]
    assert len(m) == 1, (kind, name, hip, m)
    return m[0]
want_visits = {"baseline": ("2024-01-31", "2024-01-31", "2024-01-31"),
               "m1": ("2024-02-29", "2024-02-22", "2024-03-07"),
               "m3": ("2024-04-30", "2024-04-16", "2024-05-14"),
               "m6": ("2024-07-31", "2024-07-17", "2024-08-14"),
               "m12": ("2025-01-31", "2025-01-01", "2025-03-02"),
               "m18": ("2025-07-31", "2025-07-01", "2025-08-30"),
               "m24": ("2026-01-31", "2026-01-01", "2026-03-02")}
for name, (pl, lo, hi) in want_visits.items():
    e = find("visit", name)
    assert (e["planned"], e["earliest"], e["latest"]) == (pl, lo, hi), (name, e)
for hip in ("left", "right"):
    assert find("procedure", "injection_2", hip)["planned"] == "2024-04-30"
    assert find("procedure", "injection_3", hip)["planned"] == "2024-07-31"
    assert find("procedure", "injection_1", hip)["planned"] == "2024-01-31"
    for v, d in (("baseline", "2024-01-31"), ("m6", "2024-07-31"), ("m12", "2025-01-31"), ("m24", "2026-01-31")):
        assert find("mri", v, hip)["planned"] == d
    assert not [e for e in ev if e["kind"] == "mri" and e["name"] in ("m1", "m3", "m18")]
assert find("visit", "m3")["status"] == "due"          # 2024-05-01 is inside 04-16..05-14
assert find("visit", "m1")["status"] == "overdue"      # window closed 03-07, no visit
assert find("visit", "m6")["status"] == "upcoming"
assert len([e for e in ev if e["kind"] == "visit"]) == 7
PY
ok
# --overdue lists only overdue events; after the m1 visit is recorded it is done.
expect_exit 0 "$AVN" enter "$DB" P001 m1 vas --hip left pain_mm=40 --date 2024-02-28
expect_exit 0 "$AVN" schedule "$DB" --overdue --today 2024-05-01
if grep -q " m1 " "$T/out"; then bad "m1 still overdue after its visit"; else ok; fi
expect_out "injection_1"
finish
