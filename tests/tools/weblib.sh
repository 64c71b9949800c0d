# Helpers for the cases that drive `avn serve` over HTTP with curl (sourced
# after caselib.sh and servelib.sh). req ARGS...: curl with the body in
# $T/body and the headers in $T/hdr, printing the status; is NAME GOT WANT;
# body_has / body_lacks TEXT; csrf_of: the CSRF token of the last page;
# web_login JAR USER PASSWORD: a password login into cookie jar JAR (prints
# the status); db_is NAME SQL WANT: a value read from the database.
req() { curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"; }
is() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }
body_has() { if grep -qF -- "$1" "$T/body"; then ok; else bad "body lacks '$1': $(head -c 400 "$T/body")"; fi; }
body_lacks() { if grep -qF -- "$1" "$T/body"; then bad "body has '$1'"; else ok; fi; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"//'; }
web_login() { req -c "$1" --data-urlencode "user=$2" --data-urlencode "password=$3" "$SERVE_BASE/login"; }
db_is() { is "$1" "$(sqlite3 "$db" "$2")" "$3"; }
