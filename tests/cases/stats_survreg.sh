#!/bin/bash
# CLI cases for km, logrank, cox, ols, logistic (stats-B): every case of
# tests/golden/stats/expected_survival.json and expected_regress.json (R's
# answers) through `avn stats ... --json` (tests/tools/stats_check_survreg.py),
# then degenerate inputs (exit 1, message naming the column and the reason)
# and usage errors (exit 2).
set -u
: "${AVN:?}" "${AVN_SOURCE_DIR:?}" "${AVN_TMP:?}"
mkdir -p "$AVN_TMP"
D="$AVN_SOURCE_DIR/tests/golden/stats/data"
T="$AVN_TMP/survreg"
mkdir -p "$T"
fail=0

python3 "$AVN_SOURCE_DIR/tests/tools/stats_check_survreg.py" "$AVN" "$AVN_SOURCE_DIR" || fail=1
EXPECT_DIR="$T"
. "$AVN_SOURCE_DIR/tests/tools/stats_expect.sh"

printf 'time,status,grp,age,k\n3,1,a,40,1\n5,0,b,51,1\nsoon,1,a,62,1\n8,1,b,45,1\n' >"$T/nonnum.csv"
printf 'time,status,grp,age,k\n3,1,a,40,1\n5,0,b,51,1\n7,1,a,62,1\n8,1,b,45,1\n9,0,a,50,1\n' >"$T/const.csv"
printf 'time,status,grp\n3,1,a\n5,2,b\n7,0,a\n' >"$T/badevent.csv"
printf 'time,status,grp\n3,1,a\n-5,0,b\n7,1,a\n' >"$T/negtime.csv"
printf 'time,status,age\n3,1,40\n' >"$T/one.csv"

# survival
expect 1 "time: value 'soon' refused" km --data "$T/nonnum.csv" --time time --event status
expect 1 "nosuch" km --data "$D/aml.csv" --time nosuch --event status
expect 1 "status: value '2' refused: the event must be coded 0/1, 1/2 (2 = event; only when the column holds exactly those two values) or TRUE/FALSE, as R's Surv(), or named with --event-value V; data row 2" km --data "$T/badevent.csv" --time time --event status
expect 1 "time: value '-5' refused: survival times must be >= 0" km --data "$T/negtime.csv" --time time --event status
expect 1 "status: every observation is censored" logrank --data "$D/surv_allcens.csv" --time time --event status --group grp
expect 1 "status: every observation is censored: a Cox model needs events" cox --data "$D/surv_allcens.csv" --time time --event status --covariates age
expect 1 "grp: the log-rank test needs at least two groups" logrank --data "$D/surv_plateau.csv" --time time --event status --group grp
expect 1 "k: the covariate is constant" cox --data "$T/const.csv" --time time --event status --covariates age,k
expect 1 "too few complete rows" cox --data "$T/one.csv" --time time --event status --covariates age
# all-censored and n = 3 curves are fine for km
"$AVN" stats km --data "$D/surv_allcens.csv" --time time --event status >/dev/null || { echo "FAIL: km all censored"; fail=1; }
"$AVN" stats km --data "$D/surv_n3.csv" --time time --event status --group grp >/dev/null || { echo "FAIL: km n=3"; fail=1; }
# regression
expect 1 "k: the column is constant" ols --data "$D/reg_const.csv" --outcome y --predictors x,k
expect 1 "x: complete separation" logistic --data "$D/sep_complete.csv" --outcome y --predictors x,z
expect 1 "sitec: quasi-complete separation" logistic --data "$D/sep_level.csv" --outcome y --predictors x,site
expect 1 "stageIII: quasi-complete separation" logistic --data "$D/surv_ties.csv" --outcome status --predictors age,sex,stage
expect 1 "y: value '3.182' refused: must be 1" logistic --data "$D/reg.csv" --outcome y --predictors x1
expect 1 "nosuch" ols --data "$D/reg.csv" --outcome y --predictors x1,nosuch
expect 1 "too few rows" ols --data "$T/const.csv" --outcome time --predictors age,status,grp,k
# usage errors: exit 2
expect 2 "--ties" cox --data "$D/aml.csv" --time time --event status --covariates x --ties average
expect 2 "--conf-type" km --data "$D/aml.csv" --time time --event status --conf-type logit
expect 2 "--covariates" cox --data "$D/aml.csv" --time time --event status
expect 2 "--group" logrank --data "$D/aml.csv" --time time --event status
expect 2 "--at" km --data "$D/aml.csv" --time time --event status --at soon
exit $fail
