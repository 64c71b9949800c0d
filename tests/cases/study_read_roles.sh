# Reading with named users (issue 11): on a study with accounts every read
# command (show, schedule, list, check, report, export, audit, contact,
# query list) needs a session and sees the user's own sites only; the
# statistician never sees identifying details (no contact, exports only
# --deidentified); the safety board reads its report (avn report --safety:
# adverse events, conversions, deviations, enrolment and follow-up) and is
# refused the rest, naming user, role and action. Each role tries each read
# on its own site's patient and on the other site's. The rule is
# store_permit's / store_read_scope's (store.h); expectations worked by hand
# from the role table there:
#   read (study data): every role but safety_board, own sites (admin all)
#   read_safety:       every role, own sites
#   contact:           administrator, investigator, data_entry, monitor
#   export_identified: every role but statistician and safety_board
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-03-01
DB="$T/r.db"
init_admin "$DB" sequential ada "pw-of-ada" >/dev/null || bad "init"
login "$DB" ada pw-of-ada >/dev/null
"$AVN" site add "$DB" north --name "North hospital" >/dev/null
add() { printf '%s\n' "pw-of-$1" | "$AVN" user add "$DB" "$@" --password-stdin >/dev/null || bad "user add $*"; }
add ivy --role investigator --site main
add dan --role data_entry --site main
add nora --role data_entry --site north
add mo --role monitor --site main
add stan --role statistician --site main
add sabine --role safety_board --site main
# P1 at main (left hip), P2 at north (right hip); a VAS each, an adverse event for P1.
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null || bad "screen S1"
seq_screen "$DB" S2 2024-01-10 right 45 --site north >/dev/null || bad "screen S2"
"$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --birth 1983-03-01 --name "Ann Main" >/dev/null || bad "enroll P1"
"$AVN" enroll "$DB" S2 P2 --date 2024-01-16 --sex male --birth 1978-05-02 --name "Bo North" >/dev/null || bad "enroll P2"
"$AVN" enter "$DB" P1 baseline vas --hip left pain_mm=60 --date 2024-01-15 >/dev/null || bad "vas P1"
"$AVN" enter "$DB" P2 baseline vas --hip right pain_mm=70 --date 2024-01-16 >/dev/null || bad "vas P2"
"$AVN" query open "$DB" P1 --message "P1 consent date?" >/dev/null || bad "query P1"
"$AVN" query open "$DB" P2 --message "P2 consent date?" >/dev/null || bad "query P2"
"$AVN" logout "$DB" >/dev/null

# Without a session nothing is shown.
for cmd in "show $DB P1" "schedule $DB" "list $DB patients" "check $DB" "audit $DB" "query list $DB" \
           "contact $DB P1" "export $DB --format csv --out $T/x.csv" "report $DB --out $T/rx"; do
  refuse_same "$DB" "this study has named users: log in first" $cmd
done

# read_as USER ROLE OWN OTHER OWNSITE OTHERSITE: USER tries every read.
read_as() {
  local u=$1 role=$2 own=$3 oth=$4 os=$5 xs=$6
  "$AVN" logout "$DB" >/dev/null 2>&1
  login "$DB" "$u" "pw-of-$u" >/dev/null || bad "login $u"
  local data=yes contact=yes ident=yes
  case $role in
    safety_board) data=no; contact=no; ident=no ;;
    statistician) contact=no; ident=no ;;
  esac
  local admin=no; [ "$role" = administrator ] && admin=yes
  # one patient: show and schedule (and contact) on its own site's and the other's
  for c in show schedule; do
    if [ $data = yes ]; then
      expect_exit 0 "$AVN" $c "$DB" $([ $c = schedule ] && echo --patient) "$own"
      expect_out "$own"
    else
      refuse_same "$DB" "user $u (role $role) may not see the data of patient $own at site $os: the role does not allow it" \
        $c "$DB" $([ $c = schedule ] && echo --patient) "$own"
    fi
    if [ $admin = yes ]; then
      expect_exit 0 "$AVN" $c "$DB" $([ $c = schedule ] && echo --patient) "$oth"
    elif [ $data = yes ]; then
      refuse_same "$DB" "user $u (role $role) may not see the data of patient $oth at site $xs: not one of their sites" \
        $c "$DB" $([ $c = schedule ] && echo --patient) "$oth"
    else
      refuse_same "$DB" "user $u (role $role) may not see the data of patient $oth at site $xs: the role does not allow it" \
        $c "$DB" $([ $c = schedule ] && echo --patient) "$oth"
    fi
  done
  # the birth date identifies: show --json gives it to the roles that may see contact details only
  # (P1 was born 1983-03-01, P2 1978-05-02)
  if [ $data = yes ]; then
    "$AVN" show "$DB" "$own" --json >"$T/show-$u" 2>&1
    if [ $contact = yes ]; then grep -q '"birth": *"19' "$T/show-$u" && ok || bad "$u: show lacks the birth date"
    else grep -q '19[78][38]-0[35]-0[12]' "$T/show-$u" && bad "$u sees a birth date in show" || ok; fi
  fi
  if [ $contact = yes ]; then
    expect_exit 0 "$AVN" contact "$DB" "$own"
  else
    refuse_same "$DB" "user $u (role $role) may not see the contact details: the role does not allow it" contact "$DB" "$own"
  fi
  # the whole study: the user's sites only (both for the administrator)
  for c in "list $DB patients" "list $DB forms" "check $DB" "audit $DB" "query list $DB" "schedule $DB"; do
    if [ $data = no ]; then
      refuse_same "$DB" "user $u (role $role) may not see the data: the role does not allow it" $c
      continue
    fi
    expect_exit 0 "$AVN" $c
    expect_out "$own"
    if [ $admin = yes ]; then expect_out "$oth"
    elif grep -q "patient $oth\|^$oth \|$oth/" "$T/out"; then bad "$u sees $oth in: $c"
    else ok; fi
  done
  # the study report: not the safety board's
  if [ $data = yes ]; then
    expect_exit 0 "$AVN" report "$DB" --out "$T/rep-$u"
  else
    refuse_same "$DB" "user $u (role $role) may not see the data: the role does not allow it" report "$DB" --out "$T/rep-$u"
  fi
  # the safety report: every role, its sites' patients (enrolled: 1, or 2 for the administrator)
  expect_exit 0 "$AVN" report "$DB" --safety --from 2024-01-01 --to 2024-02-29 --out "$T/saf-$u"
  local n=1; [ $admin = yes ] && n=2
  expect_out "report of $n patient"
  # exports: identifying dates only for the roles that may see contact details
  if [ $ident = yes ]; then
    expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/x-$u.csv"
    grep -q "^\"$own\"," "$T/x-$u.csv" && ok || bad "$u export lacks $own: $(head -c 300 "$T/x-$u.csv" | tail -c 100)"
    if [ $admin = no ] && grep -q "^\"$oth\"," "$T/x-$u.csv"; then bad "$u's export has $oth"; else ok; fi
  else
    refuse_same "$DB" "user $u (role $role) may not export identifying dates (birth, enrolment; give --deidentified)" \
      export "$DB" --format csv --out "$T/x-$u.csv"
    [ -e "$T/x-$u.csv" ] && bad "a refused export left a file" || ok
  fi
  if [ $data = yes ]; then
    expect_exit 0 "$AVN" export "$DB" --format csv --deidentified --out "$T/d-$u.csv"
    grep -q "^\"$own\"," "$T/d-$u.csv" && ok || bad "$u's de-identified export lacks $own"
  else
    refuse_same "$DB" "user $u (role $role) may not see the data: the role does not allow it" \
      export "$DB" --format csv --deidentified --out "$T/d-$u.csv"
  fi
  # the whole replay: an administrator's
  if [ $admin = yes ]; then
    expect_exit 0 "$AVN" audit "$DB" --verify
    expect_out "replay: 0 differences"
  else
    refuse_same "$DB" "user $u (role $role) may not replay the whole audit trail (avn audit --verify)" audit "$DB" --verify
  fi
}
read_as ada administrator P1 P2 main north
read_as ivy investigator P1 P2 main north
read_as dan data_entry P1 P2 main north
read_as nora data_entry P2 P1 north main
read_as mo monitor P1 P2 main north
read_as stan statistician P1 P2 main north
read_as sabine safety_board P1 P2 main north
# What the lists hold, line by line, for nora (north): P2 only.
login "$DB" nora pw-of-nora >/dev/null
expect_exit 0 "$AVN" list "$DB" screening
[ "$(grep -c '^S[12] ' "$T/out")" = 1 ] && grep -q '^S2 ' "$T/out" && ok || bad "nora's screening log: $(cat "$T/out")"
expect_exit 0 "$AVN" query list "$DB"
expect_out "P2 consent date?"
grep -q "P1 consent" "$T/out" && bad "nora sees P1's query" || ok
finish
