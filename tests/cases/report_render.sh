#!/bin/bash
# report_render: the report renders in a real browser.
#
# tests/tools/report_sample writes a sample document with every item and
# figure kind (7 sections, 5 tables, 6 figures: flow, lines, grouped and
# stacked bars, two Kaplan-Meier, one "Not computed" notice). Then:
#  - every output file exists (report.html, report.pdf, tables/*.csv,
#    figures/*.svg|png|pdf); each figure PNG is 2x the SVG's size in points
#    and has ink;
#  - headless chromium screenshots report.html at 1200x3000: not blank, and
#    no 500-px band of it is blank (a figure that failed to draw would
#    leave a white hole);
#  - chromium's --dump-dom of report.html has 6 <svg>, 5 <table>, the
#    notice, no <script>;
#  - every standalone figures/*.svg renders in chromium (as <img>, which
#    needs a well-formed standalone SVG): each cell of the grid has ink;
#  - speed: a Kaplan-Meier curve of 10,000 steps and 10,000 censoring marks
#    in the whole document (HTML, PDF, all files) takes < 10 s (not under
#    the sanitizers).
# Exit 77 (skip) only when chromium is not installed.
set -u
: "${AVN:?}" "${AVN_SOURCE_DIR:?}" "${AVN_TMP:?}"
BIN=$(dirname "$AVN")
SAMPLE="$BIN/report_sample"
PNGSTAT="$BIN/pngstat"
mkdir -p "$AVN_TMP"
T="$AVN_TMP/report_render.$$"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
fail=0
bad() {
  echo "FAIL: $*"
  fail=1
}
. "$AVN_SOURCE_DIR/tests/tools/chromelib.sh"

"$SAMPLE" "$T/out" || bad "report_sample failed"
O="$T/out"
figs="consort trajectory_hhs responders radiology km_overall km_by_stage"
for f in report.html report.pdf tables/flow.csv tables/outcomes.csv tables/responders.csv \
  tables/radiology_by_stage.csv tables/ae_listing.csv; do
  [ -s "$O/$f" ] || bad "missing $f"
done
for g in $figs; do
  for x in svg png pdf; do [ -s "$O/figures/$g.$x" ] || bad "missing figures/$g.$x"; done
  # PNG = 2 x the SVG's size in points
  sw=$(grep -o '<svg[^>]*' "$O/figures/$g.svg" | sed -n 's/.* width="\([0-9.]*\)pt".*/\1/p')
  sh=$(grep -o '<svg[^>]*' "$O/figures/$g.svg" | sed -n 's/.* height="\([0-9.]*\)pt".*/\1/p')
  read -r pw ph pink < <("$PNGSTAT" "$O/figures/$g.png")
  [ "$pw" = "$((2 * ${sw%.*}))" ] && [ "$ph" = "$((2 * ${sh%.*}))" ] ||
    bad "$g.png is ${pw}x$ph, svg ${sw}x${sh}pt"
  ink "$O/figures/$g.png" 0 0 100000 100000 0.01
done
head -c 5 "$O/report.pdf" | grep -q '%PDF-' || bad "report.pdf header"

# the page as a browser draws it
chrome --screenshot="$T/shot.png" --window-size=1200,3000 "file://$O/report.html" >/dev/null
if [ ! -s "$T/shot.png" ]; then
  bad "no screenshot: $(tail -3 "$T/chromium.err")"
else
  read -r w h _ < <("$PNGSTAT" "$T/shot.png")
  [ "$w" = 1200 ] && [ "$h" = 3000 ] || bad "screenshot is ${w}x$h"
  ink "$T/shot.png" 0 0 1200 3000 0.02
  for y in 0 500 1000 1500 2000 2500; do ink "$T/shot.png" 0 "$y" 1200 500 0.005; done
fi

chrome --dump-dom "file://$O/report.html" >"$T/dom.html"
n_svg=$(grep -o '<svg[ >]' "$T/dom.html" | wc -l)
n_table=$(grep -o '<table[ >]' "$T/dom.html" | wc -l)
[ "$n_svg" -eq 6 ] || bad "dump-dom: $n_svg <svg> (want 6)"
[ "$n_table" -eq 5 ] || bad "dump-dom: $n_table <table> (want 5)"
grep -q '<strong>Not computed:</strong>' "$T/dom.html" || bad "dump-dom: no notice"
grep -qi '<script' "$T/dom.html" && bad "dump-dom: a <script> element"

# each standalone SVG file as an image, on a 2 x 3 grid of 600 x 450 cells
svg_grid "$O" $figs
chrome --screenshot="$T/svgs.png" --window-size=1200,1350 "file://$O/svgs.html" >/dev/null
if [ ! -s "$T/svgs.png" ]; then
  bad "no screenshot of the SVG files"
else
  for i in 0 1 2 3 4 5; do ink "$T/svgs.png" $((i % 2 * 600)) $((i / 2 * 450)) 600 450 0.01; done
fi

# speed: 10,000 steps, everything written
if [ "${AVN_SANITIZE:-OFF}" != "ON" ]; then
  t0=$(date +%s%N)
  "$SAMPLE" "$T/big" --big 10000 || bad "report_sample --big failed"
  ms=$((($(date +%s%N) - t0) / 1000000))
  echo "report_sample --big 10000: $ms ms"
  [ "$ms" -lt 10000 ] || bad "10,000-step document took $ms ms"
fi

[ "$fail" -eq 0 ] && echo "report_render: ok"
exit $fail
