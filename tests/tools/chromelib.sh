# Shared by the case scripts that render reports in headless chromium
# (sourced). Needs T (scratch dir), PNGSTAT (tests/tools/pngstat binary) and
# a bad() function. Sets CHROMIUM, or exits 77 (skip) when it is absent.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed"
  exit 77
fi
# ink FILE X Y W H MIN: the fraction of non-white pixels in the rectangle is > MIN
ink() {
  local f=$1 min=$6 out
  out=$("$PNGSTAT" "$f" "$2" "$3" "$4" "$5") || { bad "pngstat $f"; return; }
  set -- $out
  awk -v v="$3" -v m="$min" 'BEGIN { exit !(v > m) }' || bad "$f [$*]: ink $3 <= $min"
}
# chrome ARGS...: headless chromium with the flags this closed network needs
chrome() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" 2>>"$T/chromium.err"
}
# svg_grid DIR FIG...: writes DIR/svgs.html showing each DIR/figures/FIG.svg as an
# <img> (which needs a well-formed standalone SVG) in its own 600 x 450 cell,
# two cells per row.
svg_grid() {
  local dir=$1 i=0 g
  shift
  {
    echo '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
    echo 'body{margin:0;background:#fff}img{position:absolute;width:600px;height:450px;object-fit:contain}'
    echo '</style></head><body>'
    for g in "$@"; do
      echo "<img src=\"figures/$g.svg\" style=\"left:$((i % 2 * 600))px;top:$((i / 2 * 450))px\">"
      i=$((i + 1))
    done
    echo '</body></html>'
  } >"$dir/svgs.html"
}
