# make_expected_more.R: R's answers for the `avn stats` additions of issue 14
# (values near +-1e308, Surv() event codings, --levels subsets, new
# commands). Same format as make_expected_basic.R: step 1 writes the m_*.csv
# datasets into tests/golden/stats/data/, step 2 reads every CSV back and
# writes expected_more.json (one case per avn call; checked by
# tests/tools/stats_check_basic.py --expected expected_more.json).
#
# Regenerate (from the repo root):
#   Rscript tests/golden/stats/make_expected_more.R
suppressMessages({ library(jsonlite); library(survival) })
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
dd <- file.path(here, "data")
w <- function(df, name) write.csv(df, file.path(dd, name), row.names = FALSE, na = "NA")
rd <- function(f) read.csv(file.path(dd, f), stringsAsFactors = FALSE, na.strings = c("", "NA"))
cases <- list()
add <- function(id, test, data, args, values)
  cases[[length(cases) + 1]] <<- list(id = id, test = test, data = data, args = args,
                                      values = values)
source(file.path(here, "expected_lib.R"))  # num(), htest_vals()

## ---- 1. values near +-1e308 ---------------------------------------------
# R's own t.test overflows here (var() is Inf: it prints t = 0, p = 1). The
# truth comes from the same data divided by 2^1000 (exact in binary), where
# t, df and p are unchanged and estimate and CI scale back by 2^1000.
w(data.frame(a = c(1e308, -1e308, 1.5e308, 1e307, -3e307, 8e307),
             b = c(1.7e308, -1.1e308, 1e308, -1.7e307, 2e307, 1.2e308),
             g = c("x", "x", "x", "y", "y", "y")), "m_big.csv")
d <- rd("m_big.csv"); s <- 2^-1000
h <- t.test(d$b * s, d$a * s, paired = TRUE)
add("big_paired_t", "paired-t", "m_big.csv", c("--x", "a", "--y", "b"),
    list(statistic = num(h$statistic), df = num(h$parameter), p = num(h$p.value),
         estimate = num(h$estimate / s), ci_low = num(h$conf.int[1] / s),
         ci_high = num(h$conf.int[2] / s)))
h <- t.test(d$a * s)
add("big_one_sample_t", "t", "m_big.csv", c("--col", "a"),
    list(statistic = num(h$statistic), df = num(h$parameter), p = num(h$p.value),
         estimate = num(h$estimate / s)))
h <- t.test(d$b[d$g == "x"] * s, d$b[d$g == "y"] * s)
add("big_welch_t", "t", "m_big.csv", c("--value", "b", "--group", "g"),
    list(statistic = num(h$statistic), df = num(h$parameter), p = num(h$p.value)))
h <- t.test(d$b[d$g == "x"] * s, d$b[d$g == "y"] * s, var.equal = TRUE)
add("big_student_t", "t", "m_big.csv", c("--value", "b", "--group", "g", "--var-equal"),
    list(statistic = num(h$statistic), df = num(h$parameter), p = num(h$p.value)))
add("big_describe", "describe", "m_big.csv", c("--col", "a"),
    list(n = 6, mean = mean(d$a * s) / s, sd = sd(d$a * s) / s, se = sd(d$a * s) / s / sqrt(6)))

## ---- step 2: write ----------------------------------------------------------
writeLines(toJSON(list(meta = list(r = R.version.string, script = "make_expected_more.R"),
                       cases = cases), auto_unbox = TRUE, digits = NA, na = "null",
                  pretty = TRUE), file.path(here, "expected_more.json"))
