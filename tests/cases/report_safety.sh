# The safety board's report for one review period, 2024-02-01 to 2024-07-31.
# Counts hand-worked from the data entered below (protocols/sequential.yaml):
#   P1 enrolled 2024-01-15 (before the period), left hip; injection 1 (a
#      procedure form at baseline, 2024-01-15) with a 4 mm drill: a deviation
#      (limit 3.2 mm) dated 2024-01-15, before the period. AEs (one ae form
#      per visit): a) reported at m1 (2024-02-20), onset 2024-01-20, grade 1,
#      possibly related, not serious (before the period: cumulative only);
#      b) reported at m3 (2024-04-10), onset 2024-02-10, grade 3, probably
#      related, serious. Both follow injection 1. THA of the
#      left hip on 2024-06-20 (entered at m6, 2024-07-10): in the period.
#   P2 enrolled 2024-03-01 (in the period), right hip, no procedure; cell
#      product at baseline (2024-03-01) with 150 ml aspirated: a deviation
#      (limit 60-120 ml) in the period, then acknowledged. AE c) onset
#      2024-03-05, grade 2, not related, not serious, reported at m1
#      (2024-03-28): before any procedure. Withdrawn 2024-07-01.
#   P3 enrolled 2024-08-01, after the period: left out, with its AE.
# In the period: AEs b, c (2; patients 2 of 2 = 100.0%), SAE b (1; 1 of 2 =
# 50.0%). To the period's end: a, b, c (3; 2 patients), 1 SAE.
# Status: enrolled before 1, in 1, by the end 2, withdrawn 1, in follow-up 1;
# both attended a visit in the period (P1 m1, m3 and m6, P2 baseline and m1).
# Overdue on 2024-07-31: P1 (injection 2, not done, window closed 2024-04-29)
# and P2 (m3, window closed 2024-06-15, before the withdrawal): 2.
. "$(dirname "$0")/../tools/caselib.sh"
export AVN_TODAY=2024-09-01 AVN_USER=tester
DB="$T/s.db"
expect_exit 0 "$AVN" init "$DB" --protocol sequential
expect_exit 0 seq_screen "$DB" S1 2024-01-10 left 40
expect_exit 0 "$AVN" enroll "$DB" S1 P1 --date 2024-01-15 --sex male --birth 1983-06-01
expect_exit 0 seq_screen "$DB" S2 2024-02-25 right 45
expect_exit 0 "$AVN" enroll "$DB" S2 P2 --date 2024-03-01 --sex female --birth 1979-02-01
expect_exit 0 seq_screen "$DB" S3 2024-07-25 left 30
expect_exit 0 "$AVN" enroll "$DB" S3 P3 --date 2024-08-01 --sex male --birth 1994-02-01
expect_exit 0 "$AVN" enter "$DB" P1 baseline procedure --hip left --date 2024-01-15 kind=cd_injection drill_mm=4 \
  injection_min=5 injected_ml=5 anaesthesia=spinal fluoroscopy=yes
expect_exit 0 "$AVN" enter "$DB" P1 m1 ae --new --date 2024-02-20 term=Haematoma grade=1 related=3 serious=no onset_date=2024-01-20
expect_exit 0 "$AVN" enter "$DB" P1 m3 ae --new --date 2024-04-10 term="Deep infection" grade=3 related=4 serious=yes \
  onset_date=2024-02-10
expect_exit 0 "$AVN" enter "$DB" P2 baseline cell_product --hip right --date 2024-03-01 aspirated_ml=150
expect_exit 0 "$AVN" enter "$DB" P2 m1 ae --new --date 2024-03-28 term=Nausea grade=2 related=1 serious=no onset_date=2024-03-05
expect_exit 0 "$AVN" enter "$DB" P1 m6 tha --hip left --date 2024-07-10 tha_date=2024-06-20 reason=collapse
expect_exit 0 "$AVN" withdraw "$DB" P2 --date 2024-07-01 --reason "moved away"
expect_exit 0 "$AVN" enter "$DB" P3 m1 ae --new --date 2024-08-30 term=Fall grade=2 related=1 serious=no onset_date=2024-08-10
expect_exit 0 "$AVN" check "$DB" --ack deviation/P2/baseline/cell_product/right/aspirated_ml --reason "large patient, agreed"
expect_exit 0 "$AVN" report "$DB" --safety --from 2024-02-01 --to 2024-07-31 --out "$T/dsmb"
expect_out "report of 2 patients"
tbl() {  # tbl ID EXPECTED: the table's CSV is exactly EXPECTED (printf format)
  local want; want=$(printf "$2")
  [ "$(cat "$T/dsmb/tables/$1.csv")" = "$want" ] && ok || bad "$1.csv:
$(cat "$T/dsmb/tables/$1.csv")
wanted:
$want"
}
tbl safety_status ',Patients\nEnrolled before the period,1\nEnrolled in the period,1\nEnrolled by the period'"'"'s end,2\nWithdrawn by the period'"'"'s end,1\nIn follow-up at the period'"'"'s end,1\nAttended a visit in the period,2'
grep -qF "not done): 2." "$T/dsmb/report.html" && ok || bad "overdue patients"
tbl safety_ae_period ',AEs,Patients with an AE,SAEs,Patients with an SAE\nIn the period,2,2 (100.0%%),1,1 (50.0%%)\nFrom the start to the period'"'"'s end,3,2 (100.0%%),1,1 (50.0%%)'
H=',AEs in the period,of which serious,AEs to the period'"'"'s end,of which serious'
tbl safety_ae_grade "$H"'\n1 Mild,0,0,1,0\n2 Moderate,1,0,1,0\n3 Severe,1,1,1,1\n4 Life-threatening,0,0,0,0\n5 Death related to the event,0,0,0,0\nGrade not recorded,0,0,0,0'
tbl safety_ae_related "$H"'\n1 Not related,1,0,1,0\n2 Unlikely related,0,0,0,0\n3 Possibly related,0,0,1,0\n4 Probably related,1,1,1,1\n5 Definitely related,0,0,0,0\nRelatedness not recorded,0,0,0,0'
tbl safety_ae_procedure "$H"'\nCore decompression + BMMC injection 1,1,1,2,1\nBMMC injection 2,0,0,0,0\nBMMC injection 3,0,0,0,0\nBefore any procedure,1,0,1,0'
tbl safety_tha ',Hips\nIn the period,1\nFrom the start to the period'"'"'s end,1'
tbl safety_deviations ',Deviations,Open (not acknowledged)\nIn the period,1,0\nFrom the start to the period'"'"'s end,2,1'
# Usage: --safety needs both dates; a period that ends before it starts is refused.
expect_exit 2 "$AVN" report "$DB" --safety --from 2024-02-01 --out "$T/x"
expect_exit 2 "$AVN" report "$DB" --from 2024-02-01 --to 2024-07-31 --out "$T/x"
expect_exit 1 "$AVN" report "$DB" --safety --from 2024-08-01 --to 2024-07-31 --out "$T/x"
expect_err "the period must start on or before --to (2024-07-31)"
finish
