# avn list (patients, screening log, forms), avn show's actual dates and
# withdrawal, and avn contact: the only command that shows a name or phone
# (never a list, the report or an export). Hand-worked from the entries below.
# single-dose: w6 at 6 weeks +-7 days; enrolment 2024-03-04 -> w6 planned
# 2024-04-15, window 2024-04-08..2024-04-22; m3 planned 2024-06-04, window
# 2024-05-21..2024-06-18. Today 2024-06-01: w2 (2024-03-15..21) and w6 are
# overdue unless recorded.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-06-01 AVN_USER=tester
DB="$T/l.db"
expect_exit 0 "$AVN" init "$DB" --protocol single-dose
base="avn_confirmed=yes conservative_months=6 willing_followup=yes consent=yes infection=no hematologic_disorder=no
  pregnant_or_lactating=no immunocompromised=no malignancy_5y=no asa=1"
expect_exit 0 "$AVN" screen "$DB" S1 --date 2024-03-01 age=39 stage.right=II prior_surgery.right=no $base
expect_exit 0 "$AVN" screen "$DB" S2 --date 2024-03-01 age=75 stage.right=II prior_surgery.right=no $base
expect_exit 0 "$AVN" screen "$DB" S3 --date 2024-03-02 age=39 stage.left=I prior_surgery.left=no $base
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-03-04 --sex male --birth 1984-05-05 --name "Ali Hassan" --phone "+964 770 000 0001"
expect_exit 0 "$AVN" enroll "$DB" S3 P2 --date 2024-03-04 --sex female --birth 1984-05-05 --name "Sara Ahmed"
expect_exit 0 "$AVN" enter "$DB" P1 w6 vas --hip right pain_mm=40 --date 2024-04-16
expect_exit 0 "$AVN" visit "$DB" P1 w2 --date 2024-03-18
expect_exit 0 "$AVN" withdraw "$DB" P2 --date 2024-05-01 --reason "moved to Erbil"

expect_exit 0 "$AVN" list "$DB" patients
expect_out "P1         main     male    2024-03-04 active     -          R II"
expect_out "P2         main     female  2024-03-04 withdrawn  2024-05-01 L I                moved to Erbil"
expect_exit 0 "$AVN" list "$DB" patients --status withdrawn --json
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["patients"]), d["patients"][0]["patient"], d["patients"][0]["withdraw_reason"])' "$T/out")
[ "$n" = "1 P2 moved to Erbil" ] && ok || bad "list patients --status withdrawn --json: $n"
expect_exit 0 "$AVN" list "$DB" screening --eligible no --json
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["screening"]; print(len(s), s[0]["screening"], s[0]["eligible"], s[0]["patient"])' "$T/out")
[ "$n" = "1 S2 False None" ] && ok || bad "list screening --eligible no: $n"
expect_exit 0 "$AVN" list "$DB" screening
expect_out "S3           main     2024-03-02 yes       P2"
expect_exit 0 "$AVN" list "$DB" forms --patient P1
expect_out "P1         w6         vas            right  -              1     complete"
[ "$(grep -c '^P' "$T/out")" = 1 ] && ok || bad "forms of P1: $(cat "$T/out")"
expect_exit 2 "$AVN" list "$DB" visits
expect_err "list patients, screening, forms or findings"
expect_exit 2 "$AVN" list "$DB" patients --eligible yes
expect_err "--eligible applies to the screening list"

# show: the actual date beside the planned one and the window, the withdrawal.
expect_exit 0 "$AVN" show "$DB" P1
expect_out "visit      w6                  2024-04-15  2024-04-08..2024-04-22  2024-04-16  done"
expect_out "visit      w2                  2024-03-18  2024-03-15..2024-03-21  2024-03-18  done"
expect_exit 0 "$AVN" show "$DB" P2
expect_out "withdrawn 2024-05-01: moved to Erbil"

# contact: the identifiers, and who to call.
expect_exit 0 "$AVN" contact "$DB" P1
expect_out "Ali Hassan"
expect_out "+964 770 000 0001"
expect_exit 0 "$AVN" contact "$DB" --overdue --today 2024-06-01
# Neither baseline (day 0, with the implantation) was recorded. P1: w2 and w6
# recorded, m3's window (2024-05-21..06-18) open: due, not overdue. P2 was
# withdrawn on 2024-05-01, after the windows of w2 and w6 had closed (those
# stay overdue) and before m3's opened (withdrawn, not overdue).
expect_out "P1         Ali Hassan                   +964 770 000 0001   overdue: visit baseline, procedure implantation right"
expect_out "P2         Sara Ahmed                   (no phone recorded)  overdue: visit baseline, procedure implantation left, visit w2, visit w6"
[ "$(wc -l <"$T/out")" = 2 ] && ok || bad "contact --overdue: $(cat "$T/out")"
expect_exit 1 "$AVN" contact "$DB" P9
expect_err "no such patient"
expect_exit 2 "$AVN" contact "$DB"
expect_err "give a PATIENT or --overdue"

# Identifiers appear nowhere else.
expect_exit 0 "$AVN" report "$DB" --out "$T/rep"
expect_exit 0 "$AVN" export "$DB" --format csv --out "$T/x/d.csv"
expect_exit 0 "$AVN" export "$DB" --format csv --layout long --out "$T/x/l.csv"
for f in "$T"/rep/report.html "$T"/rep/tables/*.csv "$T"/x/*.csv; do
  grep -q -e "Ali Hassan" -e "Sara Ahmed" -e "770 000" "$f" && bad "identifier in $f" || ok
done
for w in patients screening forms; do
  "$AVN" list "$DB" $w >"$T/o" && ! grep -q -e "Ali Hassan" -e "Sara" "$T/o" && ok || bad "identifier in list $w"
done
# protocol show: every screening field's type, range and unit (the protocol
# counts platelets per uL: 250 typed as x10^3 would screen out, so it shows).
expect_exit 0 "$AVN" protocol show sequential
expect_out "platelets                Platelet count [int 0-2000000 /uL]"
expect_out "age                      Age at screening [int 0-120 years]"
expect_exit 0 "$AVN" protocol show sequential --json
n=$(python3 -c 'import json,sys; f={x["name"]: x for x in json.load(open(sys.argv[1]))["screening"]}; p=f["platelets"]; print(p["type"], p["unit"], p["min"], p["max"], f["stage"]["type"])' "$T/out")
[ "$n" = "int /uL 0.0 2000000.0 code" ] && ok || bad "protocol show --json platelets: $n"
finish
