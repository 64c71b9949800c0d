# avn demo: builds both paper demos end to end (study, NOTES.md, report) and
# says where they are; the studies pass the audit-chain check; the same seed
# builds the same studies (the figures in NOTES.md and the report's tables are
# byte-identical across runs); usage errors exit 2. The papers' figures
# themselves are checked from the report's tables in demo_paper.sh.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2026-01-15    # the report's data cut-off, fixed for the comparison

expect_exit 0 "$AVN" demo --out "$T/a"
for s in sequential single-dose; do
  expect_out "$s: "
  expect_out "study:  $T/a/$s/study.db"
  expect_out "notes:  $T/a/$s/NOTES.md"
  expect_out "report: $T/a/$s/report.html"
  for f in study.db NOTES.md report.html report.pdf tables/outcomes.csv tables/table1.csv; do
    [ -s "$T/a/$s/$f" ] && ok || bad "$s/$f missing or empty"
  done
  # Every figure the cohort file names was met (the demo exits 1 otherwise,
  # but the table must also say so, row by row).
  if grep -q '\*\*NO\*\*' "$T/a/$s/NOTES.md"; then bad "$s: NOTES.md lists a missed figure"; else ok; fi
  grep -q '^## Where the paper contradicts itself' "$T/a/$s/NOTES.md" && ok || bad "$s: no contradictions section"
  grep -q '^## Demo assumptions' "$T/a/$s/NOTES.md" && ok || bad "$s: no assumptions section"
done
# Seed 002's claims, hips as independent and patients as clusters, side by
# side (issue 15): NOTES.md recomputes them from the database; they must be
# the report's own (whose methods are checked against R in tests/unit), e.g.
# the stage test of the radiological outcome (report note: Fisher p = 0.021,
# Rao-Scott p = 0.028) and the conversions by stage (log-rank 20.80 vs the
# robust score 6.72).
N="$T/a/sequential/NOTES.md"
grep -q "^## The paper's claims with hips as independent and with patients as clusters" "$N" && ok || bad "sequential: no claims section"
html=$(python3 -c 'import html,re,sys; print(re.sub(r"\s+"," ",html.unescape(re.sub(r"<[^>]+>"," ",open(sys.argv[1]).read()))))' "$T/a/sequential/report.html")
fisher=$(grep '^| Radiological outcome differs by stage' "$N" | sed -n 's/.*Fisher.s exact test, \(p [=<] [0-9.]*\).*/\1/p')
rao=$(grep '^| Radiological outcome differs by stage' "$N" | sed -n 's/.*Rao-Scott F = \([0-9.]* on [0-9.]* and [0-9.]* df, p [=<] [0-9.]*\).*/\1/p')
[ -n "$fisher" ] && case "$html" in *"Fisher's exact test (an expected count is below 5: smallest 2.90), $fisher"*) ok;; *) bad "NOTES Fisher '$fisher' is not the report's";; esac || bad "NOTES: no Fisher p"
[ -n "$rao" ] && case "$html" in *"F = $rao"*) ok;; *) bad "NOTES Rao-Scott '$rao' is not the report's";; esac || bad "NOTES: no Rao-Scott"
rs=$(grep '^| Conversion to THA differs by stage' "$N" | sed -n 's/.*robust score chi-square \([0-9.]* on [0-9]* df, p [=<] [0-9.]*\).*/\1/p')
[ -n "$rs" ] && case "$html" in *"coxph(..., cluster = patient)): chi-square $rs"*) ok;; *) bad "NOTES robust score '$rs' is not the report's";; esac || bad "NOTES: no robust score"
expect_out "sequential: 46 patients, 58 hips,"
expect_out "single-dose: 50 patients, 60 hips,"

# Entered through the audited write path: the hash chain verifies, and the
# trail has the screenings, enrolments and form values.
# Replayed, the trail gives back every table (avn audit --verify).
expect_exit 0 "$AVN" audit "$T/a/sequential/study.db" --verify
expect_out "replay: 0 differences"
expect_exit 0 "$AVN" audit "$T/a/single-dose/study.db" --verify
expect_out "replay: 0 differences"
n=$(sqlite3 "$T/a/sequential/study.db" "SELECT count(*) FROM audit WHERE action='enroll' AND field='screening'" 2>/dev/null || echo 0)
[ "$n" = 46 ] && ok || bad "sequential: $n enrolment audit rows, wanted 46"

# Same seed, same studies.
# The second run goes to folders that do not exist yet (as on a fresh clone): made as mkdir -p does.
expect_exit 0 "$AVN" demo --out "$T/b/new/deeper"
mv "$T/b/new/deeper" "$T/b2" && rm -rf "$T/b" && mv "$T/b2" "$T/b" && ok || bad "demo --out did not make the missing folders"
for s in sequential single-dose; do
  cmp -s "$T/a/$s/NOTES.md" "$T/b/$s/NOTES.md" && ok || bad "$s: NOTES.md differs between runs"
  for f in "$T/a/$s"/tables/*.csv; do
    cmp -s "$f" "$T/b/$s/tables/$(basename "$f")" && ok || bad "$s: $(basename "$f") differs between runs"
  done
  a=$(sqlite3 "$T/a/$s/study.db" "SELECT group_concat(item || '=' || value_text, ';') FROM (SELECT item, value_text FROM item_value ORDER BY form_id, item)")
  b=$(sqlite3 "$T/b/$s/study.db" "SELECT group_concat(item || '=' || value_text, ';') FROM (SELECT item, value_text FROM item_value ORDER BY form_id, item)")
  [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "$s: stored values differ between runs"
done

# A study named with --only must be new: an existing one is refused, unchanged,
# and the demo's folder (its NOTES.md) is left as it was.
before=$(sha256sum < "$T/a/sequential/study.db")
notes=$(sha256sum < "$T/a/sequential/NOTES.md")
expect_exit 1 "$AVN" demo --out "$T/a" --only sequential "$T/a/sequential/study.db"
expect_err "the demo writes a new study"
[ "$(sha256sum < "$T/a/sequential/study.db")" = "$before" ] && ok || bad "demo --only changed an existing study"
[ -f "$T/a/sequential/NOTES.md" ] && [ "$(sha256sum < "$T/a/sequential/NOTES.md")" = "$notes" ] && ok ||
  bad "a refused demo --only removed or changed NOTES.md"
# A second run into the same directory replaces the studies.
expect_exit 0 "$AVN" demo --out "$T/a"
expect_out "sequential: 46 patients"

expect_exit 2 "$AVN" demo --bogus
expect_err "unknown option '--bogus'"
expect_exit 2 "$AVN" demo --out
expect_exit 0 "$AVN" demo --help
expect_out "seed paper 002"
# The single-dose demo records every visit and form it schedules (its stated
# assumption: no missed visit), and no hip form after a conversion, so the
# monitoring check finds nothing: converted hips' later MRIs and forms are not
# overdue, and the 2-week wound check (no form) is recorded (store_visit), so
# it is done, not overdue.
expect_exit 0 "$AVN" check "$T/a/single-dose/study.db" --json
expect_out '"n_findings": 0'
# The sequential demo's second MRI entries are a second radiologist's reads
# (docs/demo.md): check treats them as independent reads, so its only
# findings are stage disagreements between the two readers, never
# double-entry mismatches of the measurements.
expect_exit 0 "$AVN" check "$T/a/sequential/study.db" --json
python3 - "$T/out" <<'PY' && ok || bad "sequential check lists more than reader disagreements"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert f, "no reader disagreement at all"
assert all(x["kind"] == "reader_disagreement" and x["form"] == "mri" for x in f), \
    sorted({(x["kind"], x["form"]) for x in f})
assert all(x["detail"].split(":")[0] in ("steinberg_reader", "ficat_reader", "arco_reader") for x in f)
PY
# Every safety table counts the one AE log (src/report/ae_log.c), so they
# agree: the study report's AE table and safety-board listing, and the
# safety board's report. The sequential demo (seed paper 002) records its
# AEs as a log; one serious AE is added (at no visit) so that the SAE counts
# are not all zero. Expected counts come from the database itself, by SQL:
# entry-1, non-void instances of the ae form, and those with serious = yes.
SEQ="$T/seq.db"
cp "$T/a/sequential/study.db" "$SEQ"
PT=$(sqlite3 "$SEQ" "SELECT code FROM patient WHERE status <> 'withdrawn' ORDER BY id LIMIT 1")
ON=$(sqlite3 "$SEQ" "SELECT date(enrolled_on, '+40 days') FROM patient WHERE code = '$PT'")
expect_exit 0 "$AVN" enter "$SEQ" "$PT" - ae --new term="Pulmonary embolism" grade=4 serious=yes related=2 \
  expected=unexpected onset_date="$ON"
N_AE=$(sqlite3 "$SEQ" "SELECT count(*) FROM form WHERE instrument='ae' AND entry=1 AND void_reason IS NULL")
N_SAE=$(sqlite3 "$SEQ" "SELECT count(*) FROM form f JOIN item_value v ON v.form_id=f.id AND v.item='serious'
  WHERE f.instrument='ae' AND f.entry=1 AND f.void_reason IS NULL AND v.value_text='yes'")
[ "$N_SAE" = 1 ] && [ "$N_AE" -gt 1 ] && ok || bad "demo AE log: $N_AE AEs, $N_SAE SAEs"
expect_exit 0 "$AVN" report "$SEQ" --out "$T/seqrep"
expect_exit 0 "$AVN" report "$SEQ" --safety --from 2000-01-01 --to 2026-01-15 --out "$T/seqdsmb"
python3 - "$T/seqrep/tables" "$T/seqdsmb/tables" "$N_AE" "$N_SAE" <<'PY' && ok || bad "safety tables disagree"
import csv, os, sys
rep, dsmb, n_ae, n_sae = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = list(csv.reader(open(os.path.join(rep, "ae_terms.csv"))))
hdr, anyrow = rows[0], [r for r in rows if r[0] == "Any adverse event"][0]
assert (anyrow[hdr.index("Events")], anyrow[hdr.index("Serious")]) == (n_ae, n_sae), anyrow
sae = list(csv.reader(open(os.path.join(rep, "sae.csv"))))
assert len(sae) - 1 == int(n_sae), sae
per = list(csv.DictReader(open(os.path.join(rep, "ae_periods.csv"))))
assert (per[-1]["Cumulative AEs"], per[-1]["Cumulative SAEs"]) == (n_ae, n_sae), per[-1]
d = [r for r in csv.reader(open(os.path.join(dsmb, "safety_ae_period.csv"))) if r[0].startswith("From the start")][0]
assert (d[1], d[3]) == (n_ae, n_sae), d
PY
finish
