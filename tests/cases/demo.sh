# The demo runs end to end through the validated write path and shows what a
# monitor must see: the deliberate deviation (7-minute injection, protocol
# 4-6) and the double-entry mismatch (flexion 90 vs 80) it plants.
. "$(dirname "$0")/../tools/caselib.sh"
expect_exit 0 "$AVN" demo --out "$T/demo"
expect_out "screened S004: not eligible"
expect_out "failed: age_18_55"
expect_out "failed: low_platelets"
expect_out "injection_min = 7: protocol says injection over 4-6 minutes"
expect_out "flexion_deg: entry 1 '90', entry 2 '80'"
# HHS at month 3 (answers in cmd_demo.c): pain slight 40; gait 8+11+8 = 27;
# activities 4+4+5+1 = 14; deformity 4; ROM index flexion 110 -> 45+27+6 = 78,
# abduction 30 -> 12+1.5 = 13.5, ER 30 -> 6, adduction 20 -> 3: 100.5 x 0.05 = 5.025,
# capped at 5; total 40+27+14+4+5 = 90, excellent.
expect_out "total=90.0 category=excellent"
[ -s "$T/demo/sequential-demo.db" ] && ok || bad "no demo database"
expect_exit 0 "$AVN" audit "$T/demo/sequential-demo.db"
finish
