# Named users, roles and sites (avn site, user, login, logout): every write
# acts as the logged-in user and is checked in the store against the user's
# role and sites; each role tries each action on its own site and another's.
# Expectations are worked out by hand from the role table in store.h
# (store_permit). Refusals leave the file byte-identical; audit --verify
# replays users, their sites and sessions.
. "$(dirname "$0")/../tools/caselib.sh"
DB="$T/u.db"
PW="correct horse"

# --- the first administrator, made at init (password from stdin).
expect_exit 0 init_admin "$DB" sequential ada "$PW"
expect_out "administrator ada"
expect_exit 2 "$AVN" login "$DB" --user ada --password "$PW"    # never on the command line
expect_err "unknown option '--password'"
refuse_same "$DB" "this study has named users: log in first" site add "$DB" north --name "North hospital"
refuse_same "$DB" "password: no password was given" login "$DB" --user ada --password-stdin </dev/null
before=$(snap "$DB")
printf 'wrong password\n' | "$AVN" login "$DB" --user ada --password-stdin >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && ok || bad "a wrong password logged in"
expect_err "user: value 'ada' refused: unknown user, wrong password or disabled user"
[ "$(snap "$DB")" = "$before" ] && ok || bad "a refused login changed the study"
expect_exit 0 login "$DB" ada "$PW"
expect_out "logged in to $DB as ada (administrator) for 8 hours"
# The token file: one per study, only its owner may read it; the study keeps its hash only.
f=$(ls "$T/state"/session-*)
[ "$(stat -c %a "$f")" = 600 ] && ok || bad "the token file is not 0600"
tok=$(cat "$f")
[ ${#tok} -eq 64 ] && ok || bad "token length ${#tok}"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM session WHERE token_hash='$tok'")" = 0 ] && ok || bad "the token is stored in clear"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM session")" = 1 ] && ok || bad "no session row"
# The password is an Argon2id string, never the text.
sqlite3 "$DB" "SELECT pw_hash FROM account WHERE name='ada'" | grep -q '^\$argon2id\$' && ok || bad "not argon2id"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE new_value LIKE '%horse%' OR pw_hash LIKE '%horse%'" 2>/dev/null || \
     sqlite3 "$DB" "SELECT count(*) FROM audit WHERE new_value LIKE '%horse%'")" = 0 ] && ok || bad "password in the trail"

# From the terminal (a pseudo-terminal made by util-linux script): asked for, not echoed.
"$AVN" logout "$DB" >/dev/null
(sleep 2; printf '%s\n' "$PW") | timeout 20 script -qec "'$AVN' login '$DB' --user ada" /dev/null >"$T/tty" 2>&1
grep -q "^password: " "$T/tty" && ok || bad "no prompt on the terminal: $(cat -A "$T/tty")"
grep -q "logged in to .* as ada" "$T/tty" && ok || bad "terminal login failed: $(cat -A "$T/tty")"
grep -q "horse" "$T/tty" && bad "the password was echoed" || ok

# --- sites and users.
expect_exit 0 "$AVN" site add "$DB" north --name "North hospital"
refuse_same "$DB" "site: value 'NORTH' refused: a site code is used once" site add "$DB" NORTH --name again
refuse_same "$DB" "--site: value 'south' refused: no such site" user add "$DB" x1 --role monitor --site south --password-stdin <<<"pw-x1-long"
refuse_same "$DB" "--role: value 'boss' refused: a role is administrator, investigator" user add "$DB" x1 --role boss --site main --password-stdin <<<"pw-x1-long"
refuse_same "$DB" "password: value '(hidden)' refused: a password has 8 to 256 bytes (this one has 5)" \
  user add "$DB" x1 --role monitor --site main --password-stdin <<<"short"
refuse_same "$DB" "user: value 'bad name' refused" user add "$DB" "bad name" --role monitor --site main --password-stdin <<<"pw-x1-long"
add() { printf '%s\n' "pw-of-$1" | "$AVN" user add "$DB" "$@" --password-stdin >/dev/null || bad "user add $*"; }
add ivy --role investigator --site main
add dan --role data_entry --site main
add nora --role data_entry --site north
add mo --role monitor --site main --site north
add stan --role statistician --site main
add sabine --role safety_board --site main
refuse_same "$DB" "user: value 'IVY' refused: a user name is used once" user add "$DB" IVY --role monitor --site main --password-stdin <<<"pw-x1-long"
expect_exit 0 "$AVN" user list "$DB"
cat >"$T/want" <<'W'
ada              administrator  main                
dan              data_entry     main                
ivy              investigator   main                
mo               monitor        main,north          
nora             data_entry     north               
sabine           safety_board   main                
stan             statistician   main                
W
diff "$T/want" "$T/out" >/dev/null && ok || bad "user list: $(diff "$T/want" "$T/out")"
expect_exit 0 "$AVN" site list "$DB"
printf 'main         Main site\nnorth        North hospital\n' | diff - "$T/out" >/dev/null && ok || bad "site list"

# Two patients: P1 at main, P2 at north (screened and enrolled by the administrator).
seq_screen "$DB" S1 2024-01-10 left 40 >/dev/null || bad "screen S1"
seq_screen "$DB" S2 2024-01-10 right 45 --site north >/dev/null || bad "screen S2"
printf '' | "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex female --name "Ann Main" >/dev/null || bad "enroll P1"
"$AVN" enroll "$DB" S2 P2 --date 2024-01-15 --sex male --name "Bo North" >/dev/null || bad "enroll P2"
expect_exit 0 "$AVN" logout "$DB"
[ -z "$(ls "$T/state")" ] && ok || bad "logout left the token file"
refuse_same "$DB" "this study has named users: log in first" visit "$DB" P1 baseline --date 2024-01-15

# --- each role tries each action on its own site and another's.
# enter: investigator and data_entry at their own sites; administrator anywhere;
# monitor, statistician and safety_board nowhere. contact: all but statistician
# and safety_board, at their own sites.
n=0
try() {   # try USER ROLE SITE-OF-P1-OK SITE-OF-P2-OK CONTACT-OK(P1 P2)
  local u=$1 role=$2 e1=$3 e2=$4 c1=$5 c2=$6
  login "$DB" "$u" "pw-of-$u" >/dev/null || bad "login $u"
  for pt in 1 2; do
    n=$((n + 1))
    local want; [ $pt = 1 ] && want=$e1 || want=$e2
    local site; [ $pt = 1 ] && site=main || site=north
    local side; [ $pt = 1 ] && side=left || side=right
    if [ "$want" = yes ]; then
      expect_exit 0 "$AVN" enter "$DB" P$pt baseline vas --hip $side pain_mm=$n --date 2024-01-15 --reason "role test $u"
    elif [ "$want" = role ]; then
      refuse_same "$DB" "user $u (role $role) may not enter data for patient P$pt at site $site: the role does not allow it" \
        enter "$DB" P$pt baseline vas --hip $side pain_mm=$n --date 2024-01-15 --reason "role test $u"
    else
      refuse_same "$DB" "user $u (role $role) may not enter data for patient P$pt at site $site: not one of their sites" \
        enter "$DB" P$pt baseline vas --hip $side pain_mm=$n --date 2024-01-15 --reason "role test $u"
    fi
    local cw; [ $pt = 1 ] && cw=$c1 || cw=$c2
    if [ "$cw" = yes ]; then
      expect_exit 0 "$AVN" contact "$DB" P$pt
    elif [ "$cw" = role ]; then
      refuse_same "$DB" "user $u (role $role) may not see the contact details: the role does not allow it" contact "$DB" P$pt
    else
      refuse_same "$DB" "user $u (role $role) may not see the contact details of patient P$pt at site $site" contact "$DB" P$pt
    fi
  done
  refuse_same "$DB" "user $u (role $role) may not add a site: administrators only" site add "$DB" "x$u" --name X
  refuse_same "$DB" "user $u (role $role) may not add a user: administrators only" \
    user add "$DB" "y$u" --role monitor --site main --password-stdin <<<"pw-y-long-enough"
  "$AVN" logout "$DB" >/dev/null || bad "logout $u"
}
try ivy investigator yes site yes site
try dan data_entry yes site yes site
try nora data_entry site yes site yes
try mo monitor role role yes yes
try stan statistician role role role role
try sabine safety_board role role role role
# The administrator: everything at every site.
login "$DB" ada "$PW" >/dev/null
expect_exit 0 "$AVN" enter "$DB" P2 baseline vas --hip right pain_mm=70 --date 2024-01-15 --reason "admin"
expect_exit 0 "$AVN" contact "$DB" P2
expect_out "Bo North"
# contact --overdue shows the user's own sites only (P1 and P2 are both overdue on 2024-12-01).
"$AVN" logout "$DB" >/dev/null; login "$DB" nora pw-of-nora >/dev/null
expect_exit 0 "$AVN" contact "$DB" --overdue --today 2024-12-01
expect_out "Bo North"
grep -q "Ann Main" "$T/out" && bad "nora sees a main patient" || ok
# Moving a patient to a site of one's own from another is refused (both sites are checked).
refuse_same "$DB" "user nora (role data_entry) may not amend patient P1 at site main" amend "$DB" P1 --site north --reason move
"$AVN" logout "$DB" >/dev/null

# --- double entry: the second entry comes from another user.
login "$DB" dan pw-of-dan >/dev/null
expect_exit 0 "$AVN" enter "$DB" P1 baseline hhs --hip left pain=mild --date 2024-01-15
refuse_same "$DB" "user dan wrote entry 1 of patient P1 / visit baseline / hhs left / entry 1: the two entries of a double-entered form come from two different users" \
  enter "$DB" P1 baseline hhs --hip left --entry 2 pain=mild --date 2024-01-15
"$AVN" logout "$DB" >/dev/null; login "$DB" ivy pw-of-ivy >/dev/null
expect_exit 0 "$AVN" enter "$DB" P1 baseline hhs --hip left --entry 2 pain=mild --date 2024-01-15
refuse_same "$DB" "user ivy wrote entry 2 of patient P1 / visit baseline / hhs left / entry 2" \
  enter "$DB" P1 baseline hhs --hip left pain=marked --date 2024-01-15 --reason "typo"

# --- passwords: one's own, or an administrator's for anyone.
refuse_same "$DB" "user ivy (role investigator) may not set another user's password: administrators only" \
  user passwd "$DB" dan --password-stdin <<<"new-pw-of-dan"
expect_exit 0 "$AVN" user passwd "$DB" ivy --password-stdin <<<"new-pw-of-ivy"
"$AVN" logout "$DB" >/dev/null
refuse_same "$DB" "unknown user, wrong password or disabled user" login "$DB" --user ivy --password-stdin <<<"pw-of-ivy"
expect_exit 0 login "$DB" ivy new-pw-of-ivy
"$AVN" logout "$DB" >/dev/null

# --- disabling: dan's open session ends, and dan can no longer log in.
login "$DB" dan pw-of-dan >/dev/null
dantok=$(cat "$T/state"/session-*)
mv "$T/state" "$T/state.dan"
login "$DB" ada "$PW" >/dev/null
expect_exit 2 "$AVN" user disable "$DB" dan
expect_err "give STUDY.db NAME --reason TEXT"
refuse_same "$DB" "an administrator does not disable themself" user disable "$DB" ada --reason x
expect_exit 0 "$AVN" user disable "$DB" dan --reason "left the study team"
refuse_same "$DB" "user: value 'dan' refused: already disabled" user disable "$DB" dan --reason again
expect_exit 0 "$AVN" user list "$DB"
expect_out "dan              data_entry     main                 disabled"
rm -rf "$T/state"; mv "$T/state.dan" "$T/state"
refuse_same "$DB" "user: value 'dan' refused: user dan is disabled" visit "$DB" P1 baseline --date 2024-01-15
refuse_same "$DB" "unknown user, wrong password or disabled user" login "$DB" --user dan --password-stdin <<<"pw-of-dan"

# --- a session ends when it expires (moved into the past on a copy: 8 hours are long to wait).
login "$DB" ivy new-pw-of-ivy >/dev/null
cp "$DB" "$T/exp.db"
cp "$T/state"/session-* "$T/tok"
"$AVN" logout "$DB" >/dev/null
sqlite3 "$T/exp.db" "UPDATE session SET expires_at='2020-01-01T00:00:00Z'"
AVN_STATE_DIR="$T/state.exp"; mkdir -p "$AVN_STATE_DIR"
# the copy's token file: keyed by the copy's path (cli_session.c), so made by a login and replaced
login "$T/exp.db" ada "$PW" >/dev/null
cp "$T/tok" "$AVN_STATE_DIR"/session-*
refuse_same "$T/exp.db" "the session of ivy expired at 2020-01-01T00:00:00Z: avn login again" visit "$T/exp.db" P1 baseline --date 2024-01-15
AVN_STATE_DIR="$T/state"

# --- the trail: who did what, and a replay that rebuilds users, sites and sessions.
[ "$(sqlite3 "$DB" "SELECT user || ' ' || record || ' ' || field || ' ' || new_value FROM audit WHERE action='user' AND record='user mo' ORDER BY id")" = \
"ada user mo role monitor
ada user mo password $(sqlite3 "$DB" "SELECT new_value FROM audit WHERE record='user mo' AND field='password'")
ada user mo site main yes
ada user mo site north yes" ] && ok || bad "user mo's audit rows"
[ "$(sqlite3 "$DB" "SELECT user FROM audit WHERE record='patient P1 / visit baseline / hhs left / entry 2' AND field='pain'")" = ivy ] \
  && ok || bad "entry 2 not audited as ivy"
[ "$(sqlite3 "$DB" "SELECT reason FROM audit WHERE record='user dan' AND field='disabled'")" = "left the study team" ] && ok || bad "disable reason"
refuse_same "$DB" "this study has named users: log in first" audit "$DB" --verify
login "$DB" ada "$PW" >/dev/null
expect_exit 0 "$AVN" audit "$DB" --verify
expect_out "replay: 0 differences"
# A role raised behind avn's back shows in the replay.
cp "$DB" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE account SET role='administrator' WHERE name='stan'; DELETE FROM account_site WHERE account_id=(SELECT id FROM account WHERE name='nora')"
login "$T/t.db" ada "$PW" >/dev/null
expect_exit 1 "$AVN" audit "$T/t.db" --verify
expect_out "user stan"
expect_out "user nora"

# --- a study made without users stays single-user until its first administrator.
OLD="$T/old.db"
"$AVN" init "$OLD" --protocol sequential --user carol >/dev/null
seq_screen "$OLD" S1 2024-01-10 left 40 --user carol >/dev/null || bad "single-user screen"
[ "$(sqlite3 "$OLD" "SELECT DISTINCT user FROM audit WHERE record='screening S1'")" = carol ] && ok || bad "--user ignored"
refuse_same "$OLD" "the study has no users yet: the first one is an administrator" \
  user add "$OLD" dan --role data_entry --site main --password-stdin <<<"pw-of-dan"
expect_exit 0 "$AVN" user add "$OLD" carol --role administrator --site main --password-stdin <<<"pw-of-carol"
refuse_same "$OLD" "this study has named users: log in first" enroll "$OLD" S1 P1 --date 2024-01-15 --sex female
# --user on a study with named users is refused, not silently ignored, with or without a session
refuse_same "$OLD" "--user: value 'carol' refused: this study has named users: a command acts as the user logged in" \
  enroll "$OLD" S1 P1 --date 2024-01-15 --sex female --user carol
expect_exit 0 login "$OLD" carol pw-of-carol
refuse_same "$OLD" "--user: value 'mallory' refused: this study has named users" \
  enroll "$OLD" S1 P1 --date 2024-01-15 --sex female --user mallory
expect_exit 0 "$AVN" enroll "$OLD" S1 P1 --date 2024-01-15 --sex female
[ "$(sqlite3 "$OLD" "SELECT DISTINCT user FROM audit WHERE record='patient P1'")" = carol ] && ok || bad "not audited as the session's user"
expect_exit 0 "$AVN" audit "$OLD" --verify
finish
