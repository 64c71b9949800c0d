# The export's progress bar: on stderr only when stderr is a terminal.
# Not a terminal (a file): stderr stays empty and stdout is the one summary line.
# A terminal (a pty from python3): the bar (the import's, cli_progress.c), drawn
# after the study's one chunk of 4 hips (P1 right, P2 right, P3 both):
# done = total = 4 -> 40 of 40 marks, 4 * 100 / 4 = 100%, "4/4", then a newline;
# stdout the same line as without a terminal. On both engines.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
PY=/usr/bin/python3
command -v $PY >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
DB="$T/p.db"
expect_exit 0 "$AVN" init "$DB" --protocol single-dose
three_single_dose "$DB"
for f in sav csv; do
  expect_exit 0 "$AVN" export "$DB" --format $f --out "$T/x/a.$f"
  [ ! -s "$T/err" ] && ok || bad "stderr not a terminal, yet: $(cat "$T/err")"
  cp "$T/out" "$T/plain.$f"
done
[ "$(cat "$T/plain.sav")" = "$T/x/a.sav: 4 rows, $(head -1 "$T/x/a.csv" | tr ',' '\n' | wc -l) columns" ] && ok \
  || bad "summary: $(cat "$T/plain.sav")"
# On PostgreSQL the binary itself is run on the study's URI (the test's
# wrapper, tests/tools/avn_pg.sh, would put its own pipe before the pty).
BIN=$AVN STUDY=$DB
if on_pg; then BIN=$AVN_REAL STUDY=$(pg_db_uri "$DB"); fi
for f in sav csv; do
  $PY - "$BIN" "$STUDY" "$T/x/b.$f" "$T/tty.$f" "$T/out.$f" <<'PY' && ok || bad "pty ($f): $(cat "$T/tty.$f")"
import os, pty, subprocess, sys
avn, db, out, tty_log, out_log = sys.argv[1:]
fmt = out.rsplit(".", 1)[1]
master, slave = pty.openpty()
with open(out_log, "wb") as so:
    p = subprocess.Popen([avn, "export", db, "--format", fmt, "--out", out], stdout=so, stderr=slave)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:   # EIO: the child closed its end
            break
        if not chunk:
            break
        got += chunk
    rc = p.wait()
open(tty_log, "wb").write(got)
want = b"\rexport [" + b"#" * 40 + b"] 100% 4/4\r\n"   # the pty turns \n into \r\n
assert rc == 0, rc
assert got == want, got
PY
  sed "s|/b\.$f|/a.$f|" "$T/out.$f" | cmp -s - "$T/plain.$f" && ok || bad "stdout differs on a terminal ($f): $(cat "$T/out.$f")"
done
finish
