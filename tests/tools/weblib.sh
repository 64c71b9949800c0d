# Helpers for the cases that drive `avn serve` over HTTP with curl (sourced
# after caselib.sh and servelib.sh). req ARGS...: curl with the body in
# $T/body and the headers in $T/hdr, printing the status; is NAME GOT WANT;
# body_has / body_lacks TEXT; csrf_of: the CSRF token of the last page;
# web_login JAR USER PASSWORD: a password login into cookie jar JAR (prints
# the status); db_is NAME SQL WANT: a value read from the database.
# Every web case needs curl (the client) and sqlite3 (db_is, the checks).
command -v curl >/dev/null || { echo "SKIP: curl missing (scripts/setup installs it)"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
req() { curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"; }
is() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }
body_has() { if grep -qF -- "$1" "$T/body"; then ok; else bad "body lacks '$1': $(head -c 400 "$T/body")"; fi; }
body_lacks() { if grep -qF -- "$1" "$T/body"; then bad "body has '$1'"; else ok; fi; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"//'; }
web_login() { req -c "$1" --data-urlencode "user=$2" --data-urlencode "password=$3" "$SERVE_BASE/login"; }
db_is() { is "$1" "$(sqlite3 "$db" "$2")" "$3"; }
# web_users DB "NAME ROLE SITE" ...: a sequential study whose administrator
# ada (password pw-of-ada-long) is left logged in on the command line, with
# each user added (password pw-of-NAME-long); a site other than main is
# added first.
web_users() {
  local db=$1 u
  shift
  init_admin "$db" sequential ada "pw-of-ada-long" >/dev/null && login "$db" ada "pw-of-ada-long" >/dev/null || return 1
  for u in "$@"; do
    set -- $u
    if [ "$3" != main ] && ! "$AVN" site list "$db" 2>/dev/null | grep -qw "$3"; then
      "$AVN" site add "$db" "$3" --name "$3" >/dev/null || return 1
    fi
    printf 'pw-of-%s-long\n' "$1" | "$AVN" user add "$db" "$1" --role "$2" --site "$3" --password-stdin >/dev/null || return 1
  done
}
