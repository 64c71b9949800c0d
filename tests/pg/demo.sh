# avn demo on a PostgreSQL server (--only NAME STUDY, each demo in its own
# empty database): the same studies as in files. Both demos are built in
# files (tests/cases/demo.sh and demo_paper.sh check those against the
# papers) and on the server; NOTES.md (every figure recomputed from the
# database), every table of the report (tables/*.csv, computed by
# src/report from the database), its figures and report.html (but for the
# time and the chain's head) must be byte-identical, so the papers' figures
# (demo_paper.sh) and the rendered report (demo_chromium.sh) hold on
# PostgreSQL too. The server's studies verify (audit chain
# and replay) and the monitoring check finds the same. A demo into a
# database that already holds a study is refused and changes nothing; usage
# errors exit 2.
. "$(dirname "$0")/../tools/caselib.sh"
: "${AVN_PG_DIR:?}"
export AVN_TODAY=2026-01-15   # the report's data cut-off, as demo.sh
for s in sequential single-dose; do
  # one demo a process on both sides: cairo numbers a figure's glyphs and
  # surfaces per process, so the SVGs are byte-equal only after the same drawing
  expect_exit 0 "$AVN" demo --out "$T/file" --only "$s"
  pg_db_create "$T/$s.db"
  U=$(pg_db_uri "$T/$s.db")
  expect_exit 0 "$AVN" demo --out "$T/pg" --only "$s" "$U"
  expect_out "study:  $U"
  [ ! -e "$T/pg/$s/study.db" ] && ok || bad "$s: a study file was made beside the server's"
  cmp -s "$T/file/$s/NOTES.md" "$T/pg/$s/NOTES.md" && ok || bad "$s: NOTES.md differs from the file's"
  n=0
  for f in "$T/file/$s"/tables/*.csv; do
    n=$((n + 1))
    cmp -s "$f" "$T/pg/$s/tables/$(basename "$f")" && ok || bad "$s: tables/$(basename "$f") differs from the file's"
  done
  [ "$n" -gt 10 ] && [ "$(ls "$T/pg/$s"/tables/*.csv | wc -l)" = "$n" ] && ok || bad "$s: $n tables, or not the same set"
  # The report itself, but for when it was made and the audit chain's head
  # (the trail's rows carry the time they were written); its figures as
  # drawn (the PDFs carry their creation date).
  norm() { sed -E 's/ on [0-9-]+ [0-9:]+ UTC/ on T/; s/head [0-9a-f]{64}/head H/' "$1"; }
  [ "$(norm "$T/file/$s/report.html")" = "$(norm "$T/pg/$s/report.html")" ] && ok || bad "$s: report.html differs from the file's"
  for f in "$T/file/$s"/figures/*.svg "$T/file/$s"/figures/*.png; do
    cmp -s "$f" "$T/pg/$s/figures/$(basename "$f")" && ok || bad "$s: figures/$(basename "$f") differs from the file's"
  done
  expect_exit 0 "$AVN" audit "$U" --verify
  expect_out "replay: 0 differences"
  expect_exit 0 "$AVN" check "$U" --json
  cp "$T/out" "$T/check.pg.json"
  expect_exit 0 "$AVN" check "$T/file/$s/study.db" --json
  /usr/bin/python3 - "$T/out" "$T/check.pg.json" <<'PY' && ok || bad "$s: avn check differs between the file and the server"
import json, sys
a, b = (json.load(open(p))["findings"] for p in sys.argv[1:])
assert a == b, (len(a), len(b))
PY
done
# A database that holds a study already: refused, nothing written.
U=$(pg_db_uri "$T/sequential.db")
before=$(snap "$T/sequential.db")
expect_exit 1 "$AVN" demo --out "$T/again" --only sequential "$U"
expect_err "a new study needs an empty database"
[ "$(snap "$T/sequential.db")" = "$before" ] && ok || bad "a refused demo changed the study"
# Usage: a study names one demo; an unknown demo is named.
expect_exit 2 "$AVN" demo --out "$T/u" "$U"
expect_err "holds one demo: name it with --only"
expect_exit 2 "$AVN" demo --out "$T/u" --only paper3
expect_err "--only 'paper3': no such demo (sequential or single-dose)"
finish
