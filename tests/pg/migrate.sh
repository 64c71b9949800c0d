# avn migrate / dump / backup: a study with users, sites, forms, a voided
# form, a query and a lock moves to PostgreSQL and back without loss: the
# audit chain verifies on every side, every table's rows are the same, and
# further writes continue the same chain on the server.
. "$(dirname "$0")/../tools/caselib.sh"
: "${AVN_PG_DIR:?}"
. "$AVN_SOURCE_DIR/tests/tools/pglib.sh"
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 "$AVN" site add "$DB" north --name North
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null
seq_screen "$DB" S2 2024-01-11 right 33 --site north >/dev/null
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-05-05
expect_exit 0 "$AVN" enroll "$DB" S2 P2 --date 2024-01-16 --sex male
expect_exit 0 "$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=62.5 --date 2024-01-15
expect_exit 0 "$AVN" enter "$DB" P1 baseline hhs --hip left pain=mild --date 2024-01-15
expect_exit 0 "$AVN" enter "$DB" P2 baseline vas --hip right pain_mm=10 --date 2024-01-16
expect_exit 0 "$AVN" void "$DB" P2 baseline vas --hip right --reason "wrong patient"
expect_exit 0 "$AVN" query open "$DB" P1 --visit baseline --form vas --hip left --item pain_mm --message "62.5 or 65?"
# Backslashes, and a backslash before n, N and a dot: COPY's text format
# must carry them as they are (rows_of compares them below).
expect_exit 0 "$AVN" query open "$DB" P1 --visit baseline --form hhs --hip left --item pain \
  --message 'scan in D:\new\N1 \. or \\server\t?'
# The file's rows, table by table (sorted text), for the comparisons below.
rows_of() {   # rows_of TARGET: every table's rows as sorted lines "table|col|col..."
  local t
  for t in study site screening screening_attempt patient identity hip event form item_value audit checkpoint \
           deviation_ack adjudication account account_site session query query_message signature protocol_version; do
    if [ "${1#postgresql://}" != "$1" ]; then
      "$pg_bin/psql" -X -q -tA -F'|' "$1" -c "SELECT '$t', * FROM $t"
    else
      command sqlite3 -separator '|' "$1" "SELECT '$t', * FROM $t"
    fi
  done | sed -E 's/\|([0-9]+)\.0(\||$)/|\1\2/g' | sort
}
U=postgresql://avn@127.0.0.1:$(sed 's/.*://' "$AVN_PG_DIR/uri")/$(pg_db_name "$T/server.db")
pg_db_create "$T/server.db"
expect_exit 0 "$AVN" migrate "$DB" "$U"
expect_out "audit rows"
expect_exit 0 "$AVN" audit "$DB" --verify
expect_exit 0 "$AVN" audit "$U" --verify
expect_out "replay: 0 differences"
[ "$(rows_of "$DB" | sha256sum)" = "$(rows_of "$U" | sha256sum)" ] && ok || bad "rows differ after migrate: $(diff <(rows_of "$DB") <(rows_of "$U") | head -5)"
# A second migrate into the same (now full) database is refused.
expect_exit 1 "$AVN" migrate "$DB" "$U"
expect_err "a new study needs an empty database"
# The server continues the chain: new writes, new ids after the copied ones.
expect_exit 0 "$AVN" enter "$U" P1 m1 vas --hip left pain_mm=40 --date 2024-02-14
seq_screen "$U" S3 2024-02-01 left 50 >/dev/null
expect_exit 0 "$AVN" enroll "$U" S3 P3 --date 2024-02-03 --sex female
expect_exit 0 "$AVN" audit "$U" --verify
# ... and comes back to a file (dump), and to a backup, equal row for row.
expect_exit 0 "$AVN" dump "$U" "$T/back.db"
expect_exit 0 "$AVN" audit "$T/back.db" --verify
expect_out "replay: 0 differences"
[ "$(rows_of "$U" | sha256sum)" = "$(rows_of "$T/back.db" | sha256sum)" ] && ok || bad "rows differ after dump: $(diff <(rows_of "$U") <(rows_of "$T/back.db") | head -5)"
expect_exit 0 "$AVN" backup "$U" "$T/bk.db"
expect_exit 0 "$AVN" audit "$T/bk.db" --verify
expect_exit 0 "$AVN" backup "$DB" "$T/bk2.db"
[ "$(rows_of "$DB" | sha256sum)" = "$(rows_of "$T/bk2.db" | sha256sum)" ] && ok || bad "file backup differs"
# The dumped file is a working study: a write there verifies too.
expect_exit 0 "$AVN" enter "$T/back.db" P3 baseline vas --hip left pain_mm=5 --date 2024-02-03
expect_exit 0 "$AVN" audit "$T/back.db" --verify
# Refusals: an existing file, an unreachable server (nothing created).
expect_exit 1 "$AVN" dump "$U" "$T/back.db"
expect_err "already exists"
expect_exit 1 "$AVN" migrate "$DB" "postgresql://avn@127.0.0.1:1/none"
expect_err "cannot connect to the study's database server"
expect_exit 1 "$AVN" dump "postgresql://avn@127.0.0.1:1/none" "$T/none.db"
[ ! -e "$T/none.db" ] && ok || bad "a failed dump left a file"
finish
