#!/bin/bash
# NIST StRD through the command line (issue 14): every linear-regression and
# one-way ANOVA file of tests/golden/stats/nist/, written to CSV with the
# .dat file's own decimal text, through `avn stats ols [--degree K]` and
# `avn stats anova`; tests/tools/stats_check_nist.py asserts >= 9 digits
# (log relative error) against the certified values and prints each file's.
set -u
: "${AVN:?}" "${AVN_SOURCE_DIR:?}" "${AVN_TMP:?}"
mkdir -p "$AVN_TMP/nist"
python3 "$AVN_SOURCE_DIR/tests/tools/stats_check_nist.py" "$AVN" "$AVN_SOURCE_DIR" "$AVN_TMP/nist" --min 9
