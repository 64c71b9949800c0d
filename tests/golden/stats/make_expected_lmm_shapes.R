# make_expected_lmm_shapes.R: R's answers for the nested linear mixed model
# on hhs_visits.csv with hips nested in the side of the body,
# lmer(hhs ~ age + visit + (1 | side / hip)): two "subjects" (L, R) of
# about twenty hips each, with hips of three and four visits. mixed.c sums
# subjects by shape (the sizes of their units) only when shapes repeat; here
# each subject is a shape of its own, so the fit takes mixed.c's direct
# per-unit loop, which lmm_nested (patients of one or two hips, shapes
# shared by many) does not. Source of truth: lme4 + lmerTest (Satterthwaite
# df), as make_expected_models.R.
# Regenerate (from the repo root):
#   Rscript tests/golden/stats/make_expected_lmm_shapes.R
# writes tests/golden/stats/expected_lmm_shapes.json (doubles as %.17g).
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(jsonlite) })
hv <- read.csv("tests/golden/stats/data/hhs_visits.csv", na.strings = c("", "NA"))
hvc <- hv[!is.na(hv$hhs), ]
f <- lmer(hhs ~ age + visit + (1 | side / hip), data = hvc, REML = TRUE)
s <- summary(f)
cf <- s$coefficients
q <- qt(0.975, cf[, "df"])
vc <- as.data.frame(VarCorr(f))
res <- list(lmm_side_hip = list(
  n = nobs(f), terms = rownames(cf), estimate = unname(cf[, "Estimate"]),
  se = unname(cf[, "Std. Error"]), df = unname(cf[, "df"]), statistic = unname(cf[, "t value"]),
  p = unname(cf[, "Pr(>|t|)"]), ci_low = unname(cf[, "Estimate"] - q * cf[, "Std. Error"]),
  ci_high = unname(cf[, "Estimate"] + q * cf[, "Std. Error"]),
  vc_group = vc$grp, vc_variance = vc$vcov, loglik = as.numeric(logLik(f)), aic = AIC(f),
  lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest"))))
writeLines(toJSON(res, auto_unbox = TRUE, digits = I(17), pretty = TRUE),
           "tests/golden/stats/expected_lmm_shapes.json")
