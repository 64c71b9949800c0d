#!/bin/bash
# CLI cases for the `avn stats` additions of issue 14: every case of
# tests/golden/stats/expected_more.json (R's answers, made by
# make_expected_more.R) through `avn stats ... --json`, then hostile inputs
# (huge tables, values near +-1e308, NUL bytes): exit 1 naming the column and
# reason, never a crash or a silent wrong answer.
set -u
: "${AVN:?}" "${AVN_SOURCE_DIR:?}" "${AVN_TMP:?}"
mkdir -p "$AVN_TMP"
D="$AVN_SOURCE_DIR/tests/golden/stats/data"
fail=0

python3 "$AVN_SOURCE_DIR/tests/tools/stats_check_basic.py" "$AVN" "$AVN_SOURCE_DIR" \
  --expected expected_more.json || fail=1

EXPECT_DIR=$(mktemp -d "$AVN_TMP/stats_more.XXXXXX")   # its own: the stats cases run in parallel
. "$AVN_SOURCE_DIR/tests/tools/stats_expect.sh"

# a 300 x 300 table (one subject per cell of the diagonal). It used to
# overflow the stack (recursion per cell). Every table with these margins is
# a permutation matrix, all of probability 1/300!, so p = 1 (hand-worked).
python3 -c "
print('g,c')
for i in range(300): print(f'G{i},C{i}')" >"$AVN_TMP/f300.csv"
"$AVN" stats fisher --data "$AVN_TMP/f300.csv" --x g --y c --json >"$EXPECT_DIR/f300.out" 2>"$EXPECT_DIR/f300.err"
grep -q '"p": 1.0' "$EXPECT_DIR/f300.out" || { echo "FAIL: fisher 300 x 300: $(head -c 300 "$EXPECT_DIR/f300.err")"; fail=1; }
# 5000 x 3, 10,000 rows: refused in seconds (it took 86 s)
start=$(date +%s)
python3 -c "
import random
random.seed(1)
print('g,c')
for i in range(10000): print(f'G{i % 5000},C{random.randrange(3)}')" >"$AVN_TMP/f5000.csv"
expect 1 "g: the 5000 x 3 table (n = 10000) is beyond the network algorithm's limits" fisher --data "$AVN_TMP/f5000.csv" --x g --y c
took=$(( $(date +%s) - start ))
[ "$took" -le 30 ] || { echo "FAIL: the 5000 x 3 fisher refusal took $took s"; fail=1; }

# differences beyond the double range: refused naming the pair and row
printf 'a,b\n1,2\n1e308,-1e308\n3,5\n' >"$AVN_TMP/ovf.csv"
expect 1 "b - a: value '-1e+308 - 1e+308' refused: the difference in data row 2 is beyond the double range" \
  paired-t --data "$AVN_TMP/ovf.csv" --x a --y b
printf 'v,g\n1.7e308,x\n1.6e308,x\n-1.7e308,y\n-1.6e308,y\n' >"$AVN_TMP/ovf2.csv"
expect 1 "v: the difference of the group means is beyond the double range" \
  t --data "$AVN_TMP/ovf2.csv" --value v --group g
# a NUL byte inside a cell ("2\0 2" was read as 2)
printf 'a,b\n1,2\n2\0 2,3\n4,5\n' >"$AVN_TMP/nul.csv"
expect 1 "a: the cell in data row 2 (file .*nul.csv) contains a NUL byte" \
  paired-t --data "$AVN_TMP/nul.csv" --x a --y b
printf 'a,b\0c\n1,2\n' >"$AVN_TMP/nulh.csv"
expect 1 "the header field 2 contains a NUL byte" describe --data "$AVN_TMP/nulh.csv" --col a

# event codings (R's Surv()): a 0/1/2 column, mixed logical and number, an
# --event-value that is not in the data
printf 'time,status\n3,1\n5,2\n7,0\n9,1\n' >"$AVN_TMP/ev012.csv"
expect 1 "status: value '2' refused: the event must be coded 0/1, 1/2" km --data "$AVN_TMP/ev012.csv" --time time --event status
printf 'time,status\n3,TRUE\n5,1\n7,FALSE\n' >"$AVN_TMP/evmix.csv"
expect 1 "status: value '1' refused: the event must be coded .*data row 2" km --data "$AVN_TMP/evmix.csv" --time time --event status
printf 'time,status\n3,dead\n5,alive\n7,dead\n' >"$AVN_TMP/evword.csv"
expect 1 "status: value 'alive' refused: the event must be coded .*--event-value V; data row 2" km --data "$AVN_TMP/evword.csv" --time time --event status
expect 1 "status: value 'gone' refused: --event-value names a value that is not in the column" km --data "$AVN_TMP/evword.csv" --time time --event status --event-value gone
"$AVN" stats km --data "$AVN_TMP/evword.csv" --time time --event status --event-value dead --json \
  | grep -q '"n_event": 2' || { echo "FAIL: km --event-value dead"; fail=1; }

# --levels: choosing two of three groups is suggested; an absent level refused
expect 1 "arm: the grouping column must have exactly 2 levels among complete rows, found 3 (high, low, mid); choose two with --levels a,b" \
  t --data "$D/b_anova3.csv" --value value --group arm
expect 1 "arm: value 'none' refused: --levels names a level that is not in the column" \
  mann-whitney --data "$D/b_anova3.csv" --value value --group arm --levels low,none

# new commands: refusals
printf 'v,g\n1,a\n2,a\n3,b\n' >"$AVN_TMP/one.csv"
expect 1 "v: value 'b' refused: Welch's test needs at least 2 values with some variation in every group (group b has 1)" \
  oneway --data "$AVN_TMP/one.csv" --value v --group g
printf 'y,a,b\n1,p,x\n2,p,y\n3,q,x\n4,p,x\n5,p,y\n6,q,x\n' >"$AVN_TMP/cell.csv"
expect 1 "y: the two-way model cannot be fitted: every a x b cell needs a row (with the interaction; first empty: q, y)" \
  anova2 --data "$AVN_TMP/cell.csv" --value y --factors a,b
expect 2 "--factors: value 'a' refused: expected two columns" anova2 --data "$AVN_TMP/cell.csv" --value y --factors a
expect 2 "--factors: value 'a,a' refused: the two factors must be different columns" anova2 --data "$AVN_TMP/cell.csv" --value y --factors a,a
expect 1 "p2: must differ from p1" power --design two-prop --p1 0.3 --p2 0.3 --n 50
expect 2 "--power: give exactly one of --power and --n" power --design two-prop --p1 0.3 --p2 0.4
expect 2 "--rho" logrank --data "$D/m_lung.csv" --time time --event status --group sex --rho -1

# --formula gives the same fit as the flags: identical JSON but for "formula"
same() {
  local label=$1; shift
  local formula=$1; shift
  "$AVN" stats "$@" --json | grep -v '"formula"' >"$AVN_TMP/flags.json"
  "$AVN" stats "${@:1:3}" --formula "$formula" --json | grep -v '"formula"' >"$AVN_TMP/formula.json"
  grep -q '"n":' "$AVN_TMP/flags.json" || { echo "FAIL: flags fit failed: $label"; fail=1; }
  cmp -s "$AVN_TMP/flags.json" "$AVN_TMP/formula.json" || { echo "FAIL: formula != flags: $label"; fail=1; }
}
L="$D/m_lung.csv"
same cox "Surv(time, status) ~ age + factor(ph.ecog) + strata(sex) + cluster(inst)" \
  cox --data "$L" --time time --event status --covariates age,ph.ecog --factors ph.ecog --strata sex --cluster inst
same ols-poly "time ~ poly(age, 4, raw = TRUE)" ols --data "$L" --outcome time --predictors age --degree 4
same lmm "hhs ~ age + visit + (1 | patient/hip)" \
  lmm --data "$D/hhs_visits.csv" --outcome hhs --predictors age,visit --subject patient --nested hip
same anova2 "len ~ supp + dose" anova2 --data "$D/ToothGrowth.csv" --value len --factors supp,dose --no-interaction
same km "Surv(time, status) ~ sex" km --data "$L" --time time --event status --group sex
expect 2 "ties: value 'exact' refused: the robust (cluster) variance is computed for efron and breslow ties only" \
  cox --data "$L" --time time --event status --covariates age --ties exact --cluster inst
# formula errors: exit 2 naming the term and the rule
expect 2 "--formula: value 'y ~ a:b' refused: interaction terms a:b are not fitted" ols --data "$L" --formula "y ~ a:b"
expect 2 "only raw polynomials are fitted" ols --data "$L" --formula "time ~ poly(age, 3)"
expect 2 "'avn stats cox' needs Surv(time, event) on the left" cox --data "$L" --formula "time ~ age"
expect 2 "--covariates: given both in --formula and on the command line" cox --data "$L" --formula "Surv(time, status) ~ age" --covariates sex
expect 2 "lmm needs a random intercept" lmm --data "$D/hhs_visits.csv" --formula "hhs ~ age"
expect 2 "--formula: value 'patient' refused: this kind of term has no meaning for 'avn stats ols'" ols --data "$D/hhs_visits.csv" --formula "hhs ~ age + (1 | patient)"
expect 2 "expected '~'" t --data "$D/ToothGrowth.csv" --formula "len supp"

exit $fail
