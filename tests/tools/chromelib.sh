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
