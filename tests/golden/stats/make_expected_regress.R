# make_expected_regress.R: R's answers for avn's ols and logistic on the CSVs
# in data/. Writes expected_regress.json (doubles as %.17g, null = NA, every
# value an array).
# Regenerate: cd tests/golden/stats && Rscript make_expected_regress.R
# R 4.2.2. The cluster-robust variance is sandwich::vcovCL(fit, cluster,
# type = "HC1") (Zeileis et al. 2020), written out here because the sandwich
# package is not installed: B M B * G/(G-1) * (n-1)/(n-k) with B the
# unscaled covariance ((X'X)^-1, or (X'WX)^-1 for a GLM), M the cross-product
# of the per-cluster sums of the score contributions x_i * residual_i
# (response residual y - mu for the logit GLM), G clusters, k coefficients.
suppressMessages(library(jsonlite))
rd <- function(f) read.csv(file.path("data", f), stringsAsFactors = FALSE,
                          na.strings = c("", "NA"))  # as avn: empty or NA = missing

cr1 <- function(fit, cl) {
  X <- model.matrix(fit)
  n <- nrow(X); k <- ncol(X); G <- length(unique(cl))
  r <- if (inherits(fit, "glm")) fit$y - fitted(fit) else resid(fit)
  B <- summary(fit)$cov.unscaled
  M <- crossprod(rowsum(X * r, cl))
  G / (G - 1) * (n - 1) / (n - k) * B %*% M %*% B
}

reg_case <- function(file, outcome, predictors, factors = character(0), cluster = NULL,
                     family = "ols", intercept = TRUE) {
  d <- rd(file)
  used <- c(outcome, predictors, cluster)
  d <- d[complete.cases(d[, used, drop = FALSE]), , drop = FALSE]
  for (f in factors) d[[f]] <- factor(d[[f]])
  fml <- as.formula(paste(outcome, "~", paste(predictors, collapse = " + "),
                          if (intercept) "" else "- 1"))
  fit <- if (family == "ols") lm(fml, data = d) else glm(fml, data = d, family = binomial)
  s <- summary(fit)
  cf <- s$coefficients
  out <- list(file = file, outcome = outcome, predictors = predictors, factors = factors,
              cluster = cluster, intercept = intercept, n = nrow(d),
              terms = rownames(cf), coef = unname(cf[, 1]), se = unname(cf[, 2]),
              statistic = unname(cf[, 3]), p = unname(cf[, 4]),
              loglik = as.numeric(logLik(fit)), aic = AIC(fit))
  if (family == "ols") {
    ci <- confint(fit)
    out <- c(out, list(ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]),
                       sigma = s$sigma, r2 = s$r.squared, adj_r2 = s$adj.r.squared,
                       fstat = unname(s$fstatistic[1]), f_df1 = unname(s$fstatistic[2]),
                       f_df2 = unname(s$fstatistic[3]),
                       f_p = unname(pf(s$fstatistic[1], s$fstatistic[2], s$fstatistic[3],
                                       lower.tail = FALSE))))
    df <- fit$df.residual
    q <- qt(0.975, df)
  } else {
    ci <- confint.default(fit)
    out <- c(out, list(ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]),
                       deviance = fit$deviance, null_deviance = fit$null.deviance,
                       df_null = fit$df.null, iterations = fit$iter))
    df <- Inf
    q <- qnorm(0.975)
  }
  if (!is.null(cluster)) {
    v <- cr1(fit, d[[cluster]])
    rse <- sqrt(diag(v))
    b <- coef(fit)
    st <- b / rse
    out <- c(out, list(robust_se = unname(rse), robust_statistic = unname(st),
                       robust_p = unname(2 * pt(abs(st), df, lower.tail = FALSE)),
                       robust_ci_low = unname(b - q * rse),
                       robust_ci_high = unname(b + q * rse)))
  }
  out
}

out <- list(
  ols = list(
    basic = reg_case("reg.csv", "y", c("x1", "x2", "g"), "g"),
    cluster = reg_case("reg.csv", "y", c("x1", "x2", "g"), "g", cluster = "id"),
    missing = reg_case("reg_missing.csv", "y", c("x1", "x2", "g"), "g", cluster = "id"),
    simple = reg_case("reg.csv", "y", "x1"),
    noint = reg_case("reg.csv", "y", c("x1", "x2"), intercept = FALSE),
    aml_like = reg_case("surv_ties.csv", "age", c("sex", "stage"), "stage")),
  logistic = list(
    basic = reg_case("reg.csv", "yb", c("x1", "x2", "g"), "g", family = "logistic"),
    cluster = reg_case("reg.csv", "yb", c("x1", "x2", "g"), "g", cluster = "id",
                       family = "logistic"),
    missing = reg_case("reg_missing.csv", "yb", c("x1", "x2", "g"), "g", cluster = "id",
                       family = "logistic"),
    simple = reg_case("reg.csv", "yb", "x1", family = "logistic"),
    # (status ~ age + sex + stage is quasi-separated: stage III has no
    # censoring, R returns stageIII = 18.1 with SE 1721; avn refuses it)
    status = reg_case("surv_ties.csv", "status", c("age", "sex"), family = "logistic")))

num17 <- function(x) {
  if (is.list(x)) return(lapply(x, num17))
  if (is.numeric(x) || is.logical(x) && all(is.na(x))) {
    v <- ifelse(is.finite(x), sprintf("%.17g", as.numeric(x)), "null")
    return(structure(paste0("[", paste(v, collapse = ", "), "]"), class = "json"))
  }
  x
}
writeLines(toJSON(num17(out), auto_unbox = FALSE, null = "null", json_verbatim = TRUE,
                  pretty = TRUE), "expected_regress.json")

# The separation cases must be refused by avn; R only warns on the first and
# silently returns sitec = 19.6 (SE 5377) on the second:
for (f in c("sep_complete.csv", "sep_level.csv")) {
  d <- rd(f)
  w <- tryCatch({ glm(y ~ ., data = d, family = binomial); "no warning" },
                warning = function(w) conditionMessage(w))
  message(f, ": R says: ", w)
}
