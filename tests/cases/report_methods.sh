# The methods paragraph says what ran, and follows the data (issue 15).
# Study A (tests/golden/report/study_a.csv) and two variants made by
# tests/golden/report/study_a_methods.R: every 12-month VAS value removed
# (study_a_novas12.csv), and the two hips of each bilateral patient moved
# apart so the patient variance is estimated at 0 (study_a_patvar0.csv).
# Each is entered through the CLI; the sentence R writes for each outcome
# (expected_a_methods.txt: visits used, values used of those recorded,
# complete cases, the random intercepts lme4 keeps) must be in the report.
# Study A has a baseline MRI only: the radiological outcome classifies its
# two conversions and nothing else, no reader agreement runs; the methods
# must say so and not describe more.
. "$(dirname "$0")/../tools/caselib.sh"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
G="$AVN_SOURCE_DIR/tests/golden/report"
for csv in study_a.csv study_a_novas12.csv study_a_patvar0.csv; do
  DB="$T/$csv.db"
  AVN="$AVN" python3 "$AVN_SOURCE_DIR/tests/tools/report_enter.py" "$G/$csv" "$DB" || bad "entering $csv"
  AVN_TODAY=2025-06-01 expect_exit 0 "$AVN" report "$DB" --out "$T/rep-$csv"
  if python3 - "$T/rep-$csv/report.html" "$G/expected_a_methods.txt" "$csv" <<'PY'
import html, re, sys
text = html.unescape(re.sub(r"<[^>]+>", " ", open(sys.argv[1], encoding="utf-8").read()))
text = re.sub(r"\s+", " ", text)
start = text.rfind("Statistical methods")
methods = text[start:]
bad = 0
for line in open(sys.argv[2], encoding="utf-8"):
    tag, sentence = line.rstrip("\n").split("\t")
    if tag == sys.argv[3] and sentence not in methods:
        print("methods lack: %s" % sentence); bad = 1
# what did not run is not described
if "no hip had both a baseline and a later read: only conversions were classified" not in methods:
    print("methods do not say that only conversions were classified"); bad = 1
for never in ("Cohen's unweighted kappa", "reads by"):
    if never in methods:
        print("methods describe '%s', which did not run" % never); bad = 1
# and the wording that described more than ran is gone
for old in ("all planned visits", "all available values", "random intercept per patient with hips nested"):
    if old in methods:
        print("methods still say '%s'" % old); bad = 1
sys.exit(bad)
PY
  then ok; else bad "$csv: methods paragraph"; fi
done
# The variance in study A is not 0, in the variant it is: the text differs.
grep -q "study_a.csv.*patient variance was estimated at 0" "$G/expected_a_methods.txt" && bad "R: study A's patient variance is not 0" || ok
grep -q "study_a_patvar0.csv.*patient variance was estimated at 0" "$G/expected_a_methods.txt" && ok || bad "R: the variant's patient variance is 0"
finish
