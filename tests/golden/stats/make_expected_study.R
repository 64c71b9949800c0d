# make_expected_study.R: R's answers for `avn stats` run on a study
# (tests/cases/stats_study.sh), from the study's analysis dataset as
# `avn export --format csv --deidentified` writes it: the single-dose demo
# study (`avn demo`, fixed seed, AVN_TODAY=2026-01-15), the columns used
# kept in tests/golden/stats/data/study_single_dose.csv (the test checks
# the export still gives exactly these cells, so these answers are the
# study's). Regenerate (from the repo root):
#   Rscript tests/golden/stats/make_expected_study.R
# writes tests/golden/stats/expected_study.json (doubles as %.17g).
#
# Sources of truth: base R's t.test and lm (stage read as text, so a factor
# with levels I, II, III and treatment contrasts, as avn's --factors), lme4
# 1.1-31 + lmerTest (REML, Satterthwaite df).
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
d <- read.csv("tests/golden/stats/data/study_single_dose.csv")
num <- function(x) sprintf("%.17g", x)
obj <- function(...) {
  v <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(v), unlist(v)), collapse = ", "), "}")
}
coefs <- function(tab, est = 1, se = 2, stat = 3, p = ncol(tab)) {
  rows <- vapply(seq_len(nrow(tab)), function(i)
    obj(term = sprintf("\"%s\"", rownames(tab)[i]), estimate = num(tab[i, est]),
        se = num(tab[i, se]), statistic = num(tab[i, stat]), p = num(tab[i, p])), "")
  paste0("[", paste(rows, collapse = ", "), "]")
}
out <- list()
# Welch two-sample t-test of the 6-month HHS by sex (codes 1, 2)
tt <- t.test(m6_hhs_total ~ sex, data = d)
out$t <- obj(statistic = num(tt$statistic), df = num(tt$parameter), p = num(tt$p.value),
             ci_low = num(tt$conf.int[1]), ci_high = num(tt$conf.int[2]))
# paired t-test: 12-month VAS minus baseline VAS (complete pairs)
pt <- t.test(d$m12_vas_pain_mm, d$baseline_vas_pain_mm, paired = TRUE)
out$paired <- obj(n = sum(complete.cases(d$m12_vas_pain_mm, d$baseline_vas_pain_mm)),
                  statistic = num(pt$statistic), df = num(pt$parameter), p = num(pt$p.value),
                  estimate = num(pt$estimate), ci_low = num(pt$conf.int[1]),
                  ci_high = num(pt$conf.int[2]))
# OLS of the 18-month HHS (6 hips lost to follow-up: NA, dropped)
m <- lm(m18_hhs_total ~ baseline_hhs_total + age + stage, data = d)
out$ols <- obj(n = nobs(m), coefficients = coefs(summary(m)$coefficients))
# linear mixed model: hips nested in patients (random intercept per patient)
mm <- lmer(m6_hhs_total ~ baseline_hhs_total + (1 | patient), data = d, REML = TRUE)
out$lmm <- obj(n_subjects = length(unique(d$patient)),
               coefficients = coefs(summary(mm)$coefficients, stat = 4, p = 5))
writeLines(paste0("{\n", paste(sprintf("  \"%s\": %s", names(out), unlist(out)), collapse = ",\n"),
                  "\n}"), "tests/golden/stats/expected_study.json")
