# make_expected_survival.R: R's answers for avn's km, logrank and cox on the
# CSVs in data/. Writes expected_survival.json (doubles with 17 significant
# digits, null = NA/NaN/Inf in R; every value is an array, scalars of length 1).
# Regenerate: cd tests/golden/stats && Rscript make_expected_survival.R
# R 4.2.2, survival 3.5-3.
suppressMessages(library(survival))
suppressMessages(library(jsonlite))
rd <- function(f) read.csv(file.path("data", f), stringsAsFactors = FALSE,
                          na.strings = c("", "NA"))  # as avn: empty or NA = missing

km_case <- function(file, group = NULL, conf_type = "log", at = NULL) {
  d <- rd(file)
  fml <- if (is.null(group)) Surv(time, status) ~ 1 else
    as.formula(paste("Surv(time, status) ~", group))
  fit <- survfit(fml, data = d, conf.type = conf_type)
  q <- quantile(fit, 0.5)
  ns <- if (is.null(fit$strata)) 1 else length(fit$strata)
  strata <- list()
  for (i in seq_len(ns)) {
    f <- if (ns == 1) fit else fit[i]
    nm <- if (ns == 1) "" else sub("^[^=]*=", "", names(fit$strata)[i])
    s <- list(name = nm, n = f$n, time = f$time, n_risk = f$n.risk, n_event = f$n.event,
              n_censor = f$n.censor, surv = f$surv, se_log = f$std.err,
              std_err = f$surv * f$std.err, lower = f$lower, upper = f$upper,
              median = unname(if (ns == 1) q$quantile else q$quantile[i, 1]),
              median_lower = unname(if (ns == 1) q$lower else q$lower[i, 1]),
              median_upper = unname(if (ns == 1) q$upper else q$upper[i, 1]))
    if (!is.null(at)) {
      sm <- summary(f, times = at)
      s$at <- list(time = sm$time, n_risk = sm$n.risk, surv = sm$surv,
                   std_err = sm$std.err, lower = sm$lower, upper = sm$upper)
    }
    strata[[i]] <- s
  }
  list(file = file, group = group, conf_type = conf_type, at = at, strata = strata)
}

lr_case <- function(file, group) {
  d <- rd(file)
  sd <- survdiff(as.formula(paste("Surv(time, status) ~", group)), data = d)
  df <- sum(sd$exp > 0) - 1
  list(file = file, group = group, n = as.numeric(sd$n), observed = as.numeric(sd$obs),
       expected = as.numeric(sd$exp), chisq = sd$chisq, df = df,
       p = pchisq(sd$chisq, df, lower.tail = FALSE))
}

cox_case <- function(file, covariates, factors = character(0), ties = "efron",
                     cluster = NULL) {
  d <- rd(file)
  for (f in factors) d[[f]] <- factor(d[[f]])
  rhs <- paste(covariates, collapse = " + ")
  fml <- as.formula(paste("Surv(time, status) ~", rhs))
  fit <- if (is.null(cluster)) coxph(fml, data = d, ties = ties) else
    eval(bquote(coxph(fml, data = d, ties = ties, cluster = .(as.name(cluster)))))
  s <- summary(fit)
  cf <- s$coefficients
  ci <- s$conf.int
  nv <- if (is.null(fit$naive.var)) fit$var else fit$naive.var
  b <- coef(fit)
  out <- list(file = file, covariates = covariates, factors = factors, ties = ties,
              cluster = cluster, n = fit$n, nevent = fit$nevent,
              terms = names(b), coef = unname(b), se = sqrt(diag(nv)),
              robust_se = if (is.null(cluster)) NULL else unname(cf[, "robust se"]),
              z = unname(cf[, "z"]), p = unname(cf[, "Pr(>|z|)"]),
              hr_low = unname(ci[, "lower .95"]), hr_high = unname(ci[, "upper .95"]),
              loglik0 = fit$loglik[1], loglik = fit$loglik[2],
              lr = 2 * (fit$loglik[2] - fit$loglik[1]),
              wald = as.numeric(coxph.wtest(nv, b)$test),
              score = unname(fit$score), iterations = fit$iter,
              concordance = unname(fit$concordance["concordance"]),
              concordant = unname(fit$concordance["concordant"]),
              discordant = unname(fit$concordance["discordant"]),
              tied_x = unname(fit$concordance["tied.x"]),
              tied_y = unname(fit$concordance["tied.y"]))
  if (!is.null(cluster)) out$robust_wald <- unname(fit$wald.test)
  if (!is.null(cluster)) out$robust_score <- unname(fit$rscore)
  out
}

out <- list(
  km = list(
    aml_log = km_case("aml.csv", "x", "log", at = c(10, 20, 30)),
    aml_loglog = km_case("aml.csv", "x", "log-log"),
    aml_plain = km_case("aml.csv", "x", "plain"),
    aml_pooled = km_case("aml.csv", NULL, "log", at = c(5, 12, 40)),
    ties_grp = km_case("surv_ties.csv", "grp", "log", at = c(3, 10, 20)),
    ties_loglog = km_case("surv_ties.csv", "grp", "log-log"),
    allcens = km_case("surv_allcens.csv", NULL, "log"),
    n3 = km_case("surv_n3.csv", NULL, "log"),
    plateau = km_case("surv_plateau.csv", NULL, "log"),
    plateau_plain = km_case("surv_plateau.csv", NULL, "plain"),
    hips = km_case("hips.csv", "ficat", "log"),
    missing = km_case("surv_missing.csv", "stage", "log")),
  logrank = list(
    aml = lr_case("aml.csv", "x"),
    ties_grp = lr_case("surv_ties.csv", "grp"),
    ties_stage = lr_case("surv_ties.csv", "stage"),
    hips_ficat = lr_case("hips.csv", "ficat"),
    missing_stage = lr_case("surv_missing.csv", "stage")),
  cox = list(
    aml_efron = cox_case("aml.csv", "x", "x"),
    aml_breslow = cox_case("aml.csv", "x", "x", ties = "breslow"),
    ties_efron = cox_case("surv_ties.csv", c("age", "sex", "stage", "grp"), c("stage", "grp")),
    ties_breslow = cox_case("surv_ties.csv", c("age", "sex", "stage", "grp"), c("stage", "grp"),
                            ties = "breslow"),
    hips_cluster = cox_case("hips.csv", c("steroid", "age", "ficat"), "ficat",
                            cluster = "patient"),
    hips_cluster_breslow = cox_case("hips.csv", c("steroid", "age", "ficat"), "ficat",
                                    ties = "breslow", cluster = "patient"),
    missing = cox_case("surv_missing.csv", c("age", "stage"), "stage")))
# numbers as %.17g (exact round trip), NA/NaN/Inf as null, every vector an array
num17 <- function(x) {
  if (is.list(x)) return(lapply(x, num17))
  if (is.numeric(x) || is.logical(x) && all(is.na(x))) {
    v <- ifelse(is.finite(x), sprintf("%.17g", as.numeric(x)), "null")
    return(structure(paste0("[", paste(v, collapse = ", "), "]"), class = "json"))
  }
  x
}
writeLines(toJSON(num17(out), auto_unbox = FALSE, null = "null", json_verbatim = TRUE,
                  pretty = TRUE), "expected_survival.json")
