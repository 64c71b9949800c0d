#!/usr/bin/env bash
# CLI case for `avn serve`, driven over real HTTP with curl on a free loopback
# port: the token login (a wrong token refused, then the back-off), the
# session cookie's flags, CSRF refusal, idle expiry, a refused value coming
# back with the command line's own message while the form keeps what was
# typed, SQL and script text stored verbatim and shown escaped, the second
# entry never showing the first, screening and enrolment, the audit trail,
# oversized and malformed requests answered 4xx while the server keeps
# serving, HTTPS (Secure cookie), the refusal of a public --bind without a
# certificate, and a clean stop on SIGTERM.
# The HHS values and their total (69.725) are the hand-worked case
# hhs_a_index of tests/golden/instruments/hhs.txt.
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
command -v curl >/dev/null || { echo "SKIP: curl missing (scripts/setup installs it)"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing"; exit 77; }
export AVN_TODAY=2024-03-01 AVN_USER=nurse_web
db=$T/s.db
study_seed "$db" || { echo "FAIL: seed"; exit 1; }
J=$T/jar
# req ARGS...: curl, body in $T/body, headers in $T/hdr; prints the status
req() { curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"; }
is() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }
body_has() { if grep -qF -- "$1" "$T/body"; then ok; else bad "body lacks '$1': $(head -c 300 "$T/body")"; fi; }
body_lacks() { if grep -qF -- "$1" "$T/body"; then bad "body has '$1'"; else ok; fi; }
hdr_has() { if grep -qiF -- "$1" "$T/hdr"; then ok; else bad "headers lack '$1': $(cat "$T/hdr")"; fi; }
unescape() { sed "s/&#39;/'/g; s/&quot;/\"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\\&/g"; }
values() { sqlite3 "$db" "select count(*) from item_value"; }
HHS_A="pain=mild&limp=slight&support=cane_long_walks&distance=six_blocks&stairs=railing&shoes=difficulty&sitting=high_chair&transport=able&flexion_contracture_deg=20&fixed_adduction_deg=5&fixed_ir_deg=5&lld_cm=1.0&flexion_deg=100&abduction_deg=20&adduction_deg=10&er_deg=10&ir_deg=10"

serve_start "$db" "$T/serve.out" || exit 1
B=$SERVE_BASE
token=${SERVE_URL##*token=}
is "token is 32 random bytes in hex" "${#token}" 64

# --- login ---
is "no session: to the login page" "$(req "$B/")" 303
hdr_has "Location: /login"
is "login page" "$(req "$B/login")" 200
body_has "login link"
is "a wrong token" "$(req "$B/login?token=$(printf '%064d' 0)")" 403
is "the right token too soon after a failure" "$(req "$B/login?token=$token")" 429
hdr_has "Retry-After: 1"
sleep 1.2
is "the right token after the back-off" "$(req -c "$J" "$B/login?token=$token")" 303
hdr_has "HttpOnly"
hdr_has "SameSite=Strict"
if grep -qi "Secure" "$T/hdr"; then bad "Secure cookie over plain HTTP"; else ok; fi
hdr_has "Content-Security-Policy: default-src 'self'"
is "the token pasted into the login form" "$(req -d "token=$token" "$B/login")" 303
hdr_has "Set-Cookie: avn_session="
is "dashboard" "$(req -b "$J" "$B/")" 200
body_has '<a href="/patient/P001">P001</a>'
# by hand from `avn protocol show sequential`, enrolment 2024-01-31, today 2024-03-01: the baseline
# visit, both hips' first injection and both baseline MRIs are past their one-day windows (5 overdue);
# m1 (2024-02-29, -7/+7 days) is in its window (1 due)
body_has '<li><b>1</b> due</li><li><b>5</b> overdue</li>'
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"$//')
is "csrf token length" "${#csrf}" 64
is "static script" "$(req "$B/static/avn.js")" 200
is "unknown page" "$(req -b "$J" "$B/nowhere")" 404

# --- CSRF: a POST without the token, or with another, writes nothing ---
n0=$(values)
F="patient=P001&visit=m1&form=hhs&hip=left&entry=1&date=2024-02-28&$HHS_A"
is "save without csrf" "$(req -b "$J" -d "$F" "$B/form")" 403
is "save with a wrong csrf" "$(req -b "$J" -d "$F&csrf=$(printf '%064d' 1)" "$B/form")" 403
is "save without a session" "$(req -d "$F&csrf=$csrf" "$B/form")" 401
is "nothing written by refused posts" "$(values)" "$n0"

# --- a refused value: the CLI's message, the typed values kept, nothing written ---
"$AVN" enter "$db" P001 m1 hhs --hip left --date 2024-02-28 $(echo "$HHS_A" | tr '&' ' ' | sed 's/flexion_deg=100/flexion_deg=200/') 2>"$T/cli.err"
cli_msg=$(sed 's/^avn enter: error: //' "$T/cli.err")
is "CLI refuses flexion 200" "$(echo "$cli_msg" | grep -c "flexion_deg")" 1
is "web refuses flexion 200" "$(req -b "$J" --data "${F/flexion_deg=100/flexion_deg=200}&csrf=$csrf" "$B/form")" 422
web_msg=$(grep -o '<p class="error" role="alert">[^<]*</p>' "$T/body" | sed 's/<[^>]*>//g' | unescape)
is "the same message as the command line" "$web_msg" "$cli_msg"
body_has 'name="flexion_deg" type="text" inputmode="numeric" value="200"'
body_has 'name="pain" value="mild" checked'
body_has 'name="date" type="date" value="2024-02-28"'
is "nothing written by a refused save" "$(values)" "$n0"

# --- live score: the hand-worked total ---
is "score api" "$(req -b "$J" -d "$HHS_A&csrf=$csrf" "$B/api/score/hhs")" 200
body_has '"name":"total","label":"Harris Hip Score (0-100)","missing":false,"value":69.725'
body_has '"text":"poor"'
is "score api without csrf" "$(req -b "$J" -d "$HHS_A" "$B/api/score/hhs")" 403
is "score api, unreadable item" "$(req -b "$J" -d "pain=awful&csrf=$csrf" "$B/api/score/hhs")" 200
body_has "hhs.pain: value 'awful' refused: must be one of"

# --- a valid save, as the session's user ---
is "save" "$(req -b "$J" -d "$F&csrf=$csrf" "$B/form")" 303
hdr_has "Location: /patient/P001"
is "17 values stored" "$(( $(values) - n0 ))" 17
"$AVN" show "$db" P001 --json >"$T/show.json"
is "CLI sees the web save complete" "$(grep -c '"status": "complete"' "$T/show.json")" 1
is "patient page" "$(req -b "$J" "$B/patient/P001")" 200
# a double-entered form's total waits for its second entry (the second
# typist must not read the first's total off the patient page)
body_lacks "69.725"
body_has '<tr><td>m1</td><td>visit</td><td></td><td>2024-02-29</td><td>2024-02-22 – 2024-03-07</td><td>2024-02-28</td><td class="done">done</td></tr>'
# the second entry of the double-entered HHS never shows the first
is "entry 2 form" "$(req -b "$J" "$B/form?patient=P001&visit=m1&form=hhs&hip=left&entry=2")" 200
body_has "entry 2"
body_lacks "checked"
body_lacks 'value="100"'
is "entry 1 form shows its values" "$(req -b "$J" "$B/form?patient=P001&visit=m1&form=hhs&hip=left&entry=1")" 200
body_has 'name="pain" value="mild" checked'
body_has 'name="flexion_deg" type="text" inputmode="numeric" value="100"'
# changing a recorded value needs a reason, as on the command line
is "change without reason" "$(req -b "$J" -d "${F/pain=mild/pain=slight}&csrf=$csrf" "$B/form")" 422
body_has "give --reason"
# Two saves from the same page (version V): the first changes pain, the
# second would overwrite it unseen and is refused naming both values.
is "form page for a change" "$(req -b "$J" "$B/form?patient=P001&visit=m1&form=hhs&hip=left&entry=1")" 200
V=$(grep -o 'name="version" value="[0-9]*"' "$T/body" | sed 's/.*value="//; s/"$//')
[ -n "$V" ] && [ "$V" -ge 1 ] && ok || bad "the form page carries no version"
is "first save from version V" "$(req -b "$J" -d "${F/pain=mild/pain=slight}&reason=recheck&version=$V&csrf=$csrf" "$B/form")" 303
is "second save from version V" "$(req -b "$J" -d "${F/pain=mild/pain=moderate}&reason=other&version=$V&csrf=$csrf" "$B/form")" 422
body_has "hhs.pain: value &#39;moderate&#39; refused: conflict:"
body_has "the stored value is &#39;slight&#39;, yours &#39;moderate&#39;"

# --- the AE log: the patient page links a new instance; two saves are instances 1 and 2 ---
is "patient page links a new AE" "$(req -b "$J" "$B/patient/P001")" 200
body_has 'href="/form?patient=P001&amp;visit=-&amp;form=ae">New: Adverse event</a>'
is "new AE form" "$(req -b "$J" "$B/form?patient=P001&visit=-&form=ae")" 200
body_has "a new instance"
AE="patient=P001&visit=-&form=ae&entry=1&term=Fever&grade=mild&serious=no&related=unrelated&onset_date=2024-02-10"
is "save AE 1" "$(req -b "$J" -d "$AE&csrf=$csrf" "$B/form")" 303
is "save AE 2" "$(req -b "$J" -d "${AE/Fever/Rash}&csrf=$csrf" "$B/form")" 303
is "two AE instances at no visit" "$(sqlite3 "$db" "select group_concat(instance || ':' || visit, ' ') from (select * from form where instrument='ae' order by id) as f")" "1: 2:"
is "AE instance 2 form" "$(req -b "$J" "$B/form?patient=P001&visit=-&form=ae&instance=2")" 200
body_has 'value="Rash"'

# --- SQL and script injection in a text item: stored verbatim, shown escaped ---
evil="x'); DROP TABLE patient;-- <script>alert(1)</script> \"q\" &amp; <img src=x onerror=alert(2)>"
is "save a hostile text" "$(req -b "$J" --data-urlencode "occupation=$evil" -d "patient=P001&visit=baseline&form=baseline&entry=1&date=2024-01-31&weight_kg=70&height_cm=175&smoking=never&alcohol=none&csrf=$csrf" "$B/form")" 303
is "stored verbatim" "$(sqlite3 "$db" "select value_text from item_value where item='occupation'")" "$evil"
is "patient table intact" "$(sqlite3 "$db" "select count(*) from patient")" 1
is "form with the text" "$(req -b "$J" "$B/form?patient=P001&visit=baseline&form=baseline&entry=1")" 200
body_has "value=\"x&#39;); DROP TABLE patient;-- &lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp;amp; &lt;img src=x onerror=alert(2)&gt;\""
body_lacks "<script>alert"
body_lacks "<img src=x"
is "audit page" "$(req -b "$J" "$B/audit/P001")" 200
body_lacks "<script>alert"
body_has "&lt;script&gt;alert(1)&lt;/script&gt;"
body_has "<td>nurse_web</td>"

# --- screening and enrolment through the browser's forms ---
S="code=S002&date=2024-02-20&$(echo $SEED_SCREEN | tr ' ' '&')"
is "screen refused (age)" "$(req -b "$J" -d "${S/age=38/age=abc}&csrf=$csrf" "$B/screen")" 422
"$AVN" screen "$db" S002 --date 2024-02-20 ${SEED_SCREEN/age=38/age=abc} 2>"$T/cli.err"
web_msg=$(grep -o '<p class="error" role="alert">[^<]*</p>' "$T/body" | sed 's/<[^>]*>//g' | unescape)
is "screening: the command line's message" "$web_msg" "$(sed 's/^avn screen: error: //' "$T/cli.err")"
body_has 'value="abc"'
is "screen" "$(req -b "$J" -d "$S&csrf=$csrf" "$B/screen")" 200
body_has "Eligible."
is "enrol" "$(req -b "$J" -d "screening=S002&patient=P002&date=2024-02-21&sex=female&csrf=$csrf" "$B/enroll")" 303
hdr_has "Location: /patient/P002"
expect_exit 0 "$AVN" show "$db" P002
expect_out "P002"

# --- bad requests: 4xx, and the server keeps serving ---
head -c 100000 /dev/zero | tr '\0' a >"$T/big"
is "oversized body" "$(req -b "$J" --data-binary @"$T/big" "$B/form")" 413
is "oversized chunked body" "$(req -b "$J" -H "Transfer-Encoding: chunked" --data-binary @"$T/big" "$B/form")" 413
is "malformed escape" "$(req -b "$J" -d "a=%zz&csrf=$csrf" "$B/form")" 400
is "NUL byte" "$(req -b "$J" -d "a=%00&csrf=$csrf" "$B/form")" 400
is "too many fields" "$(req -b "$J" -d "$(seq -s '&' 1 300 | sed 's/\([0-9]*\)/f\1=1/g')" "$B/form")" 400
is "JSON body" "$(req -b "$J" -H 'Content-Type: application/json' -d '{"a":1}' "$B/form")" 415
is "PUT" "$(req -b "$J" -X PUT "$B/")" 405
code=$(req -b "$J" -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' b)" "$B/")
case $code in 4*) ok ;; *) bad "oversized header: $code" ;; esac
is "bad form target" "$(req -b "$J" "$B/form?patient=P001&visit=m1&form=nope")" 400
is "no such patient" "$(req -b "$J" "$B/patient/P999")" 404
# a client that sends half a request and goes quiet does not block others
{ printf 'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc'; sleep 3; } | timeout 5 curl -s telnet://127.0.0.1:${B##*:} >/dev/null 2>&1 &
slow=$!
sleep 0.3
is "served while a slow client waits" "$(req -b "$J" "$B/")" 200
wait $slow 2>/dev/null
is "still serving" "$(req -b "$J" "$B/patient/P001")" 200

# --- logout ends the session ---
is "logout" "$(req -b "$J" -d "csrf=$csrf" "$B/logout")" 303
is "after logout" "$(req -b "$J" "$B/")" 303

# --- SIGTERM while saves are in flight: each one answered 303 is stored ---
req -c "$J" "$SERVE_URL" >/dev/null
req -b "$J" "$B/" >/dev/null
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"$//')
for k in $(seq 1 12); do   # each changes flexion to its own value, so each is a write
  curl -s -o /dev/null -w '%{http_code}\n' -b "$J" -d "${F/flexion_deg=100/flexion_deg=$((110 + k))}&csrf=$csrf&reason=term$k" "$B/form" >"$T/term$k" &
done
sleep 0.05
serve_stop
is "exit status after SIGTERM" "$?" 0
wait
acked=$(cat "$T"/term* | grep -c '^303$' || true)
stored=$(sqlite3 "$db" "select count(distinct reason) from audit where reason like 'term%'")
stored_acked=0
for k in $(seq 1 12); do
  grep -q '^303$' "$T/term$k" || continue
  [ "$(sqlite3 "$db" "select count(*) from audit where reason = 'term$k'")" -ge 1 ] && stored_acked=$((stored_acked + 1))
done
is "every save acknowledged before the stop is stored" "$stored_acked" "$acked"
echo "SIGTERM during 12 saves: $acked acknowledged, $stored stored"

grep -q "avn serve: stopped" "$T/serve.out" && ok || bad "no 'stopped' line"

# --- idle expiry (0.02 minutes = 1.2 s) ---
serve_start "$db" "$T/serve2.out" --idle-minutes 0.02 || exit 1
req -c "$T/jar2" "${SERVE_URL}" >/dev/null
is "fresh session" "$(req -b "$T/jar2" "$SERVE_BASE/")" 200
sleep 0.8
is "used within the idle time" "$(req -b "$T/jar2" "$SERVE_BASE/")" 200
sleep 1.6
is "expired after the idle time" "$(req -b "$T/jar2" "$SERVE_BASE/")" 303
hdr_has "Location: /login"
serve_stop

# --- HTTPS: the cookie is Secure ---
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 2>/dev/null
  serve_start "$db" "$T/serve3.out" --cert "$T/cert.pem" --key "$T/key.pem" || exit 1
  case $SERVE_URL in https://*) ok ;; *) bad "not https: $SERVE_URL" ;; esac
  is "https login" "$(req -k "$SERVE_URL")" 303
  hdr_has "; Secure"
  serve_stop
fi

# --- usage ---
expect_exit 2 "$AVN" serve "$db" --bind 0.0.0.0
expect_err "needs --cert and --key"
expect_exit 2 "$AVN" serve "$db" --cert "$T/cert.pem"
expect_exit 2 "$AVN" serve "$db" --port 70000
expect_exit 2 "$AVN" serve "$db" --idle-minutes 0
expect_exit 1 "$AVN" serve "$T/none.db" --port 0
expect_exit 0 "$AVN" serve --help
finish
