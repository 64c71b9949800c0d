# Usage errors read the same in every command (cli_parse and its option
# tables): exit 2, the option and what it takes, a pointer to --help, and
# nothing is written. Messages written down from the option tables' rules.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-02-01 AVN_USER=tester
DB="$T/s.db"
usage() {  # MESSAGE command args...
  local msg=$1; shift
  expect_exit 2 "$AVN" "$@"
  expect_err "avn $1: usage error: $msg"
  expect_err "(see 'avn $1 --help')"
}
usage "give STUDY.db and --protocol" init "$DB"
[ ! -e "$DB" ] && ok || bad "init with a usage error created the database"
usage "--protocol needs a value" init "$DB" --protocol
expect_exit 0 "$AVN" init "$DB" --protocol=sequential
usage "unknown option '--colour'" check "$DB" --colour red
usage "--today: value '2024-13-01' refused: not a date: there is no month 13" check "$DB" --today 2024-13-01
usage "--today: value 'yesterday' refused: needs a date YYYY-MM-DD" check "$DB" --today=yesterday
# The YYYY-MM-DD shape but not a day on the calendar: the reason, not the format (2024 is a leap year).
usage "--date: value '2024-02-30' refused: not a date: February 2024 has 29 days" visit "$DB" P1 m1 --date 2024-02-30
usage "--date: value '2023-02-29' refused: not a date: February 2023 has 28 days" enter "$DB" P1 baseline vas --date 2023-02-29
usage "unexpected argument 'extra'" check "$DB" extra
usage "give STUDY.db" audit
usage "give STUDY.db" schedule --overdue
usage "--patient needs an id" schedule "$DB" --patient
usage "STUDY 'extra' holds one demo: name it with --only sequential or --only single-dose" demo extra
usage "unexpected argument 'extra'" demo --only sequential "$T/d.db" extra
usage "give STUDY.db PATIENT VISIT" visit "$DB" P1
usage "--date is required" visit "$DB" P1 w2
usage "give STUDY.db" report --out "$T/r"
usage "--out needs a directory" report "$DB" --out
usage "give STUDY.db PATIENT" show "$DB"
usage "give STUDY.db SCREENING PATIENT" enroll "$DB" S1 --sex male
usage "--sex is required" enroll "$DB" S1 P1 --date 2024-01-15
usage "--date is required: give YYYY-MM-DD or --date today" enroll "$DB" S1 P1 --sex male
usage "--date is required: give YYYY-MM-DD or --date today" screen "$DB" S1 age=40
usage "--date is required: give YYYY-MM-DD or --date today" withdraw "$DB" P1 --reason moved
usage "--date: value 'tomorrow' refused: needs a date YYYY-MM-DD" screen "$DB" S1 --date tomorrow age=40
usage "give what to amend: --date, --sex, --birth or --site" amend "$DB" P1 --reason typo
usage "--sex takes male or female" amend "$DB" P1 --sex x --reason typo
usage "give STUDY.db PATIENT VISIT FORM" void "$DB" P1 m1
usage "give STUDY.db PATIENT VISIT FORM" restore "$DB" P1 m1
usage "give STUDY.db PATIENT" unwithdraw "$DB"
usage "--sex needs male or female" enroll "$DB" S1 P1 --sex
usage "--birth: value '1980' refused: needs a date YYYY-MM-DD" enroll "$DB" S1 P1 --sex male --birth 1980
usage "give STUDY.db PATIENT" withdraw "$DB"
usage "give STUDY.db and a SCREENING number" screen "$DB"
usage "give STUDY.db PATIENT VISIT FORM item=value ..." enter "$DB" P1 baseline
usage "--hip takes left or right" enter "$DB" P1 baseline vas --hip both pain_mm=10
usage "--entry takes 1 or 2" enter "$DB" P1 baseline vas --entry 3 pain_mm=10
usage "--reason needs a text" enter "$DB" P1 baseline vas --reason= pain_mm=10
usage "--date needs a date YYYY-MM-DD (or today)" enter "$DB" P1 baseline vas --date
# An option's value may look like an option's name: it is the value (here
# the record filter "--json", so the output is text, not JSON).
expect_exit 0 "$AVN" audit "$DB" --record --json
grep -q '"verified"' "$T/out" && bad "--json after --record was read as the flag" || ok
# Nothing above changed the study: the audit trail holds the creation only
# (protocol name, protocol fingerprint, the default site: 3 rows).
"$AVN" audit "$DB" --json > "$T/a.json" && ok || bad "audit"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['rows']; assert [x['action'] for x in r]==['create']*3, r" "$T/a.json" \
  && ok || bad "usage errors wrote to the study"
finish
