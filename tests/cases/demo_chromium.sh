# Both demo reports render in a real browser (issue 4: "every figure renders in
# chromium"): for each study, headless chromium's DOM of report.html has one
# inline <svg> per figure file and no script; a tall screenshot of the page has
# no blank 600-px band down to the end of its content; and every standalone
# figures/*.svg, shown as an <img> in its own 600 x 450 cell, has ink.
# Exit 77 (skip) only when chromium is not installed.
. "$(dirname "$0")/../tools/caselib.sh"
PNGSTAT="$(dirname "$AVN")/pngstat"
. "$AVN_SOURCE_DIR/tests/tools/chromelib.sh"
expect_exit 0 "$AVN" demo --out "$T/d"
for study in sequential single-dose; do
  O="$T/d/$study"
  figs=$(cd "$O/figures" && ls *.svg | sed 's/\.svg$//')
  nfig=$(echo "$figs" | wc -w)
  [ "$nfig" -ge 5 ] && ok || bad "$study: only $nfig figures"
  chrome --dump-dom "file://$O/report.html" >"$T/dom.html"
  n_svg=$(grep -o '<svg[ >]' "$T/dom.html" | wc -l)
  [ "$n_svg" -eq "$nfig" ] && ok || bad "$study: dump-dom has $n_svg <svg>, figures/ has $nfig"
  grep -qi '<script' "$T/dom.html" && bad "$study: a <script> element" || ok
  # the page, 1200 px wide; its first 6000 px hold the flow, tables and figures
  chrome --screenshot="$T/$study.png" --window-size=1200,6000 "file://$O/report.html" >/dev/null
  if [ -s "$T/$study.png" ]; then
    for y in 0 600 1200 1800 2400 3000 3600 4200 4800 5400; do ink "$T/$study.png" 0 "$y" 1200 600 0.004; done
    ok
  else
    bad "$study: no screenshot: $(tail -3 "$T/chromium.err")"
  fi
  # every figure file on a grid of 600 x 450 cells, two per row
  svg_grid "$O" $figs
  rows=$(((nfig + 1) / 2))
  chrome --screenshot="$T/$study-svgs.png" --window-size=1200,$((rows * 450)) "file://$O/svgs.html" >/dev/null
  if [ -s "$T/$study-svgs.png" ]; then
    i=0
    for g in $figs; do
      ink "$T/$study-svgs.png" $((i % 2 * 600)) $((i / 2 * 450)) 600 450 0.01
      i=$((i + 1))
    done
    ok
  else
    bad "$study: no screenshot of the figure files"
  fi
done
finish
