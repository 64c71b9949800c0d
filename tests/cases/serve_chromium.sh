#!/usr/bin/env bash
# `avn serve` in a real browser (headless chromium over the DevTools
# protocol, tests/tools/web_browser.py): log in with the printed link, open
# the patient, enter an HHS form and see the live total appear (the
# hand-worked 69.725 of tests/golden/instruments/hhs.txt), save; then the
# command line reads the saved form back. Screenshots of each step are kept
# in the build's test folder (AVN_TMP/serve_chromium/). Exit 77 (skip) only
# when chromium is not installed.
. "$(dirname "$0")/../tools/caselib.sh"
PNGSTAT="$(dirname "${AVN_REAL:-$AVN}")/pngstat"   # (AVN_REAL: the binary, on PostgreSQL)
. "$AVN_SOURCE_DIR/tests/tools/chromelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
export AVN_TODAY=2024-03-01 AVN_USER=nurse_browser
shots="${AVN_TMP:-/tmp}/serve_chromium"
rm -rf "$shots"
db=$T/s.db
study_seed "$db" || { echo "FAIL: seed"; exit 1; }
serve_start "$db" "$T/serve.out" || exit 1
timeout 120 python3 "$AVN_SOURCE_DIR/tests/tools/web_browser.py" "$CHROMIUM" "$SERVE_URL" "$shots" \
  "$(mktemp -d "$T/profile.XXXXXX")" && ok || bad "browser steps (above; $shots/chromium.err)"
serve_stop
expect_exit 0 "$AVN" show "$db" P001 --json
expect_out '"status": "complete"'
python3 -c 'import json,sys; f=[f for f in json.load(open(sys.argv[1]))["forms"] if f["form"]=="hhs"]; sys.exit(not (len(f)==1 and abs(f[0]["scores"]["total"]-69.725)<1e-9))' "$T/out" && ok || bad "the saved HHS total is not 69.725"
expect_exit 0 "$AVN" audit "$db" --record "patient P001 / visit m1"
expect_out "nurse_browser"
for s in 1-dashboard 2-patient 3-form-live-total 4-patient-saved; do
  if [ -s "$shots/$s.png" ]; then ink "$shots/$s.png" 0 0 1024 600 0.01; else bad "no screenshot $s"; fi
done
finish
