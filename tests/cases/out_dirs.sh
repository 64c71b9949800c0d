# Every --out DIR is made as `mkdir -p` makes it (a fresh clone has no out/),
# and what cannot be made is refused naming the folder and the reason.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 "$AVN" report "$DB" --out "$T/not/yet/there"
[ -s "$T/not/yet/there/report.html" ] && ok || bad "report.html not written into the new folders"
[ -d "$T/not/yet/there/tables" ] && ok || bad "tables/ not made"
# A parent that is a file cannot become a folder: named, with the reason; nothing made.
echo x >"$T/afile"
expect_exit 1 "$AVN" report "$DB" --out "$T/afile/sub"
expect_err "$T/afile"
expect_err "exists and is not a directory"
[ ! -e "$T/afile/sub" ] && ok || bad "something was made under a file"
# A folder the user may not write into: the system's reason is named.
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$T/ro" && chmod 555 "$T/ro"
  expect_exit 1 "$AVN" report "$DB" --out "$T/ro/x"
  expect_err "Permission denied"
fi
finish
