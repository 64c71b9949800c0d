#!/usr/bin/env bash
# Slow and malformed clients against `avn serve --client-timeout 1`, over raw
# TCP (bash's /dev/tcp), while a well-behaved client is served throughout:
#  - a body trickled a byte every 0.4 s (never silent for 1 s, so never idle)
#    is cut off once it is still arriving after 2 x 1 s, without a status
#    line (libmicrohttpd 0.9.75 cannot send a 408 then: src/web/web.h);
#  - half a request line and headers, then silence: closed after about 1 s,
#    again without an answer;
#  - a request line that is not HTTP, and headers over 32 KiB: 4xx from
#    libmicrohttpd;
# and after each the server still answers 200.
. "$AVN_SOURCE_DIR/tests/tools/caselib.sh"
. "$AVN_SOURCE_DIR/tests/tools/servelib.sh"
. "$AVN_SOURCE_DIR/tests/tools/weblib.sh"
export AVN_TODAY=2024-03-01
db=$T/s.db
study_seed "$db" || { echo "FAIL: seed"; exit 1; }
serve_start "$db" "$T/serve.out" --client-timeout 1 || exit 1
B=$SERVE_BASE
PORT=${B##*:}
is "login" "$(req -c "$T/jar" "$SERVE_URL")" 303
alive() { is "$1: still serving" "$(req -b "$T/jar" "$B/")" 200; }

# 1. a trickled body: 408 after the 2 s deadline
exec 3<>/dev/tcp/127.0.0.1/$PORT
printf 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\n' >&3
start=$(date +%s.%N)
for i in $(seq 1 12); do printf 'a' >&3 2>/dev/null || break; sleep 0.4; done &
trickle=$!
sleep 0.5
is "served while a body trickles" "$(req -b "$T/jar" "$B/")" 200
status=$(timeout 8 cat <&3 | head -c 100)
took=$(echo "$(date +%s.%N) - $start" | bc)
kill $trickle 2>/dev/null; wait $trickle 2>/dev/null
exec 3<&- 3>&-
is "a trickled body is cut off without an answer" "$status" ""
# cut at the first piece after 2 s: between 2 and 2 + 0.4 s (+ slack for a loaded machine), well
# before the 12 x 0.4 = 4.8 s the trickle would last
[ "$(echo "$took >= 2 && $took < 4.5" | bc)" = 1 ] && ok || bad "cut off after ${took}s, wanted 2 to 4.5"
alive "after the trickle"

# 2. half a request, then silence: closed, no answer
exec 3<>/dev/tcp/127.0.0.1/$PORT
printf 'GET / HTTP/1.1\r\nHost: x\r\n' >&3
start=$(date +%s.%N)
sleep 0.3
alive "while a client is silent"
got=$(timeout 8 cat <&3 | head -c 100)
took=$(echo "$(date +%s.%N) - $start" | bc)
exec 3<&- 3>&-
is "a silent client gets no answer" "$got" ""
[ "$(echo "$took >= 0.9 && $took < 4" | bc)" = 1 ] && ok || bad "closed after ${took}s, wanted about 1"

# 3. malformed and oversized requests
raw() { exec 3<>/dev/tcp/127.0.0.1/$PORT; printf '%b' "$1" >&3; timeout 5 head -1 <&3 | tr -d '\r'; exec 3<&- 3>&-; }
s=$(raw 'NOT HTTP AT ALL\r\n\r\n')
case "$s" in "HTTP/1.1 4"*) ok ;; *) bad "a request line that is not HTTP: '$s'" ;; esac
alive "after a malformed request line"
# The server answers 431 and closes while bytes it never read are still
# arriving, so the kernel may reset the connection before the client reads
# the answer: up to three tries, one must show the 4xx.
for try in 1 2 3; do
  s=$(raw "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 40000 /dev/zero | tr '\0' b)\r\n\r\n")
  case "$s" in "HTTP/1.1 4"*) break ;; esac
done
case "$s" in "HTTP/1.1 4"*) ok ;; *) bad "headers over 32 KiB: '$s' (3 tries)" ;; esac
alive "after oversized headers"
s=$(raw 'GET / HTTP/1.1\r\n\r\n')   # HTTP/1.1 without Host
case "$s" in "HTTP/1.1 400"*) ok ;; *) bad "HTTP/1.1 without Host: '$s'" ;; esac
alive "after a request without Host"
serve_stop
finish
