#!/bin/bash
# CLI cases for the basic `avn stats` tests (stats-A): every case of
# tests/golden/stats/expected_basic.json (R's answers, made by
# make_expected_basic.R) through `avn stats ... --json`, then degenerate
# inputs (exit 1 naming the column and reason) and usage errors (exit 2).
set -u
: "${AVN:?}" "${AVN_SOURCE_DIR:?}" "${AVN_TMP:?}"
mkdir -p "$AVN_TMP"
D="$AVN_SOURCE_DIR/tests/golden/stats/data"
fail=0

python3 "$AVN_SOURCE_DIR/tests/tools/stats_check_basic.py" "$AVN" "$AVN_SOURCE_DIR" || fail=1

EXPECT_DIR=$(mktemp -d "$AVN_TMP/stats_basic.XXXXXX")   # its own: the stats cases run in parallel
. "$AVN_SOURCE_DIR/tests/tools/stats_expect.sh"
# refused input: exit 1, message names the column and the reason
expect 1 "nosuch: no such column" t --data "$D/sleep.csv" --value nosuch --group group
expect 1 "value: value 'two' refused: not a number (data row 2)" t --data "$D/b_nonnumeric.csv" --value value --group group
expect 1 "value: the values are constant" t --data "$D/b_constant.csv" --value value --group group
expect 1 "value: all values are identical" shapiro --data "$D/b_constant.csv" --col value
expect 1 "group: the grouping column must have exactly 2 levels" t --data "$D/b_single_group.csv" --value value --group group
expect 1 "group: one-way ANOVA needs at least 2 groups" anova --data "$D/b_single_group.csv" --value value --group group
expect 1 "value - value: the differences are constant" paired-t --data "$D/b_constant.csv" --x value --y value
expect 1 "no non-zero difference" wilcoxon --data "$D/b_constant.csv" --x value --y value
expect 1 "cannot open" describe --data "$D/does_not_exist.csv" --col x
# b_single_group.csv has one group level: a cross table needs 2 per factor
expect 1 "group: needs at least 2 levels among complete rows, found 1" chisq --data "$D/b_single_group.csv" --x group --y value
expect 1 "group: needs at least 2 levels among complete rows, found 1" fisher --data "$D/b_single_group.csv" --x group --y value
expect 1 "no variation within groups" anova --data "$D/b_constant.csv" --value value --group group
# usage errors: exit 2
expect 2 "unknown test 'nosuch'" nosuch --data "$D/sleep.csv"
expect 2 "--foo: not an option" t --data "$D/sleep.csv" --value extra --group group --foo 1
expect 2 "--alternative" t --data "$D/sleep.csv" --value extra --group group --alternative sideways
expect 2 "--conf-level" t --data "$D/sleep.csv" --value extra --group group --conf-level 1.5
expect 2 "--exact" wilcoxon --data "$D/b_pairs12.csv" --x x --y y --exact maybe
expect 2 "--value: this option is required" t --data "$D/sleep.csv" --group group
expect 2 "--data FILE.csv is required" describe --col x
expect 2 "needs a value" describe --data "$D/sleep.csv" --col
expect 2 "--quantile-type" describe --data "$D/sleep.csv" --col extra --quantile-type 5

# a shapiro column with fewer than 3 values (n = 2 after dropping missing)
printf 'a\n1\nNA\n2\n\n' >"$AVN_TMP/n2.csv"
expect 1 "a: Shapiro-Wilk needs 3 to 5000 non-missing values, found 2" shapiro --data "$AVN_TMP/n2.csv" --col a
# malformed CSV: ragged row, duplicate header
printf 'a,b\n1,2\n3\n' >"$AVN_TMP/ragged.csv"
expect 1 "data row 2 has 1 fields" describe --data "$AVN_TMP/ragged.csv" --col a
printf 'a,a\n1,2\n' >"$AVN_TMP/dup.csv"
expect 1 "duplicate column name" describe --data "$AVN_TMP/dup.csv" --col a

# text output looks like R's print.htest
"$AVN" stats t --data "$D/ToothGrowth.csv" --value len --group supp >"$EXPECT_DIR/t.out"
grep -q "t = 1.9153, df = 55.309, p-value = 0.06063" "$EXPECT_DIR/t.out" || { echo "FAIL: t text"; cat "$EXPECT_DIR/t.out"; fail=1; }

exit $fail
