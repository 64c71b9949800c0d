# make_expected_models.R: R's answers for rm-anova, lmm, gee, kappa, icc and
# power on the CSVs in tests/golden/stats/data/ (made by make_data_models.R).
# Regenerate (from the repo root):
#   Rscript tests/golden/stats/make_expected_models.R
# writes tests/golden/stats/expected_models.json (doubles as %.17g).
#
# Sources of truth:
#  - rm-anova: base R (aov with Error strata, mauchly.test, anova.mlm with
#    test = "Spherical" for the Greenhouse-Geisser / Huynh-Feldt corrected
#    p-values). car and afex are not installed; for a single within factor
#    with no between-subject factor R's HF formula ((n+1) p GG - 2) /
#    (p (n - p GG)) with n = N - 1 residual df is exactly Lecoutre's (1991)
#    corrected Huynh-Feldt epsilon that car reports, so the numbers agree.
#    p-values use min(1, HF) as car and R do; the epsilon is reported as is.
#  - lmm: lme4 1.1-31 + lmerTest (Satterthwaite df).
#  - gee: geepack 1.3.9 geeglm (robust sandwich SE, data sorted by id).
#  - kappa: irr is not installed, so base R code of the published formulas:
#    Cohen (1960/1968) kappa and weighted kappa with the large-sample
#    variances of Fleiss, Cohen & Everitt (1969) (non-null SE for the CI,
#    null SE for z). Checked against a hand-worked table in test_models.c.
#  - icc: base R code of McGraw & Wong (1996) Tables 4-7 from the two-way
#    ANOVA mean squares (as irr::icc, except the ICC(A,k) interval, which
#    uses the ICC(A,1)-based Satterthwaite df v as McGraw & Wong do).
#    The Shrout & Fleiss (1979) Table 2 example is checked against the
#    paper's printed values in test_models.c.
#  - power: pwr 1.3-0 pwr.t.test (noncentral t); n solved again by uniroot
#    with tol 1e-12 on pwr's own power function (pwr's tol is 1e-4);
#    log-rank events by Schoenfeld's (1983) formula in base R.
suppressPackageStartupMessages({
  library(lme4); library(lmerTest); library(geepack); library(pwr)
  library(jsonlite)
})
dd <- "tests/golden/stats/data"
res <- list()

## ---------------------------------------------------------------- rm-anova
rmanova <- function(file, value, subject, within) {
  d <- read.csv(file.path(dd, file), na.strings = c("", "NA"))
  names(d)[names(d) == value] <- "y"
  names(d)[names(d) == subject] <- "s"
  names(d)[names(d) == within] <- "w"
  lev <- sort(unique(d$w))
  allsubj <- unique(d$s)
  W <- sapply(lev, function(l) sapply(allsubj, function(s) {
    v <- d$y[d$s == s & d$w == l]; if (length(v) == 1) v else NA }))
  W <- matrix(W, nrow = length(allsubj))
  keep <- complete.cases(W)
  Y <- W[keep, , drop = FALSE]
  n <- nrow(Y); k <- ncol(Y)
  long <- data.frame(y = as.vector(t(Y)), s = factor(rep(seq_len(n), each = k)),
                     w = factor(rep(lev, n)))
  a <- summary(aov(y ~ w + Error(s / w), data = long))
  tab <- a[["Error: s:w"]][[1]]
  F <- tab[1, "F value"]; df1 <- tab[1, "Df"]; df2 <- tab[2, "Df"]
  ss1 <- tab[1, "Sum Sq"]; sse <- tab[2, "Sum Sq"]
  fit <- lm(Y ~ 1)
  mt <- mauchly.test(fit, X = ~1)
  sp <- anova(fit, X = ~1, test = "Spherical")
  # epsilons from the contrast covariance (Greenhouse & Geisser 1959)
  C <- contr.helmert(k); C <- sweep(C, 2, sqrt(colSums(C^2)), "/")
  S <- t(C) %*% cov(Y) %*% C
  gg <- sum(diag(S))^2 / ((k - 1) * sum(S^2))
  hf <- (n * (k - 1) * gg - 2) / ((k - 1) * (n - 1 - (k - 1) * gg))
  pr <- combn(k, 2)
  pp <- apply(pr, 2, function(ij) t.test(Y[, ij[2]], Y[, ij[1]], paired = TRUE)$p.value)
  list(n = n, n_dropped = length(allsubj) - n, levels = lev,
       df1 = df1, df2 = df2, statistic = F,
       p = pf(F, df1, df2, lower.tail = FALSE),
       partial_eta_sq = ss1 / (ss1 + sse),
       mauchly_w = unname(mt$statistic), mauchly_p = mt$p.value,
       gg_epsilon = gg, hf_epsilon = hf,
       p_gg = sp[1, "G-G Pr"], p_hf = sp[1, "H-F Pr"],
       pairs_a = lev[pr[1, ]], pairs_b = lev[pr[2, ]], pairs_p = pp,
       pairs_bonferroni = p.adjust(pp, "bonferroni"),
       pairs_holm = p.adjust(pp, "holm"))
}
res$rmanova_sph <- rmanova("sphericity.csv", "pain", "subject", "time")
res$rmanova_n3 <- rmanova("n3.csv", "y", "subject", "time")

## --------------------------------------------------------------------- lmm
hv <- read.csv(file.path(dd, "hhs_visits.csv"), na.strings = c("", "NA"))
hvc <- hv[!is.na(hv$hhs), ]
lmmres <- function(f) {
  s <- summary(f)
  cf <- s$coefficients
  q <- qt(0.975, cf[, "df"])
  vc <- as.data.frame(VarCorr(f))
  list(n = nobs(f), terms = rownames(cf), estimate = cf[, "Estimate"],
       se = cf[, "Std. Error"], df = cf[, "df"], statistic = cf[, "t value"],
       p = cf[, "Pr(>|t|)"], ci_low = cf[, "Estimate"] - q * cf[, "Std. Error"],
       ci_high = cf[, "Estimate"] + q * cf[, "Std. Error"],
       vc_group = vc$grp, vc_variance = vc$vcov,
       loglik = as.numeric(logLik(f)), aic = AIC(f),
       reml_criterion = if (isREML(f)) unname(getME(f, "devcomp")$cmp["REML"]) else NA,
       deviance = if (!isREML(f)) deviance(f) else NA)
}
res$lmm_reml <- lmmres(lmer(hhs ~ age + visit + (1 | patient), data = hvc, REML = TRUE))
res$lmm_ml <- lmmres(lmer(hhs ~ age + visit + (1 | patient), data = hvc, REML = FALSE))
res$lmm_nested <- lmmres(lmer(hhs ~ age + visit + (1 | patient / hip), data = hvc, REML = TRUE))

## --------------------------------------------------------------------- gee
geeres <- function(y, fam, cs) {
  d <- hv[!is.na(hv[[y]]), ]
  d <- d[order(d$patient), ]
  d$patient <- factor(d$patient)
  f <- geeglm(as.formula(paste(y, "~ age + visit")), id = patient, data = d,
              family = fam, corstr = cs,
              control = geese.control(epsilon = 1e-12, maxit = 200))
  cf <- summary(f)$coefficients
  list(n = nrow(d), terms = rownames(cf), estimate = cf[, "Estimate"],
       robust_se = cf[, "Std.err"], wald = cf[, "Wald"], p = cf[, "Pr(>|W|)"],
       alpha = if (cs == "exchangeable") unname(f$geese$alpha) else 0,
       scale = unname(f$geese$gamma))
}
res$gee_gauss_exch <- geeres("hhs", gaussian, "exchangeable")
res$gee_gauss_ind <- geeres("hhs", gaussian, "independence")
res$gee_binom_exch <- geeres("success", binomial, "exchangeable")
res$gee_binom_ind <- geeres("success", binomial, "independence")

## ------------------------------------------------------------------- kappa
kappa_fce <- function(x, y, lev, wt) {
  k <- length(lev)
  tab <- table(factor(x, lev), factor(y, lev))
  n <- sum(tab); p <- tab / n
  i <- matrix(1:k, k, k); j <- t(i)
  w <- switch(wt, none = (i == j) * 1, linear = 1 - abs(i - j) / (k - 1),
              quadratic = 1 - (i - j)^2 / (k - 1)^2)
  pr <- rowSums(p); pc <- colSums(p)
  po <- sum(w * p); pe <- sum(w * outer(pr, pc))
  kap <- (po - pe) / (1 - pe)
  wi <- as.vector(w %*% pc)   # wbar_i. = sum_j p.j w_ij
  wj <- as.vector(pr %*% w)   # wbar_.j = sum_i pi. w_ij
  A <- outer(wi, wj, "+")
  v1 <- (sum(p * (w - A * (1 - kap))^2) - (kap - pe * (1 - kap))^2) / (n * (1 - pe)^2)
  v0 <- (sum(outer(pr, pc) * (w - A)^2) - pe^2) / (n * (1 - pe)^2)
  z <- kap / sqrt(v0)
  list(n = n, estimate = kap, po = po, pe = pe, se = sqrt(v1), se0 = sqrt(v0),
       statistic = z, p = 2 * pnorm(-abs(z)),
       ci_low = kap - qnorm(0.975) * sqrt(v1), ci_high = kap + qnorm(0.975) * sqrt(v1))
}
rd <- read.csv(file.path(dd, "reads.csv"))
st <- c("I", "II", "III", "IV")
for (wt in c("none", "linear", "quadratic"))
  res[[paste0("kappa_", wt)]] <- kappa_fce(rd$reader1, rd$reader2, st, wt)
r3 <- read.csv(file.path(dd, "reads_n3.csv"))
res$kappa_n3 <- kappa_fce(r3$r1, r3$r2, c("I", "II", "III"), "none")

## --------------------------------------------------------------------- icc
icc_mw <- function(R, conf = 0.95) {
  R <- as.matrix(R); n <- nrow(R); k <- ncol(R); al <- 1 - conf
  gm <- mean(R)
  ssr <- k * sum((rowMeans(R) - gm)^2); ssc <- n * sum((colMeans(R) - gm)^2)
  sse <- sum((R - gm)^2) - ssr - ssc
  MSr <- ssr / (n - 1); MSc <- ssc / (k - 1); MSe <- sse / ((n - 1) * (k - 1))
  F <- MSr / MSe; df1 <- n - 1; df2 <- (n - 1) * (k - 1)
  pF <- pf(F, df1, df2, lower.tail = FALSE)
  FL <- F / qf(1 - al / 2, df1, df2); FU <- F * qf(1 - al / 2, df2, df1)
  c1 <- (MSr - MSe) / (MSr + (k - 1) * MSe)
  ck <- (MSr - MSe) / MSr
  a1 <- (MSr - MSe) / (MSr + (k - 1) * MSe + k / n * (MSc - MSe))
  ak <- (MSr - MSe) / (MSr + (MSc - MSe) / n)
  a <- k * a1 / (n * (1 - a1)); b <- 1 + k * a1 * (n - 1) / (n * (1 - a1))
  v <- (a * MSc + b * MSe)^2 / ((a * MSc)^2 / (k - 1) + (b * MSe)^2 / ((n - 1) * (k - 1)))
  fl <- qf(1 - al / 2, n - 1, v); fu <- qf(1 - al / 2, v, n - 1)
  a1l <- n * (MSr - fl * MSe) / (fl * (k * MSc + (k * n - k - n) * MSe) + n * MSr)
  a1u <- n * (fu * MSr - MSe) / (k * MSc + (k * n - k - n) * MSe + n * fu * MSr)
  akl <- n * (MSr - fl * MSe) / (fl * (MSc - MSe) + n * MSr)
  aku <- n * (fu * MSr - MSe) / (MSc - MSe + n * fu * MSr)
  list(n = n, k = k, ms_rows = MSr, ms_cols = MSc, ms_error = MSe,
       statistic = F, df1 = df1, df2 = df2, p = pF, v = v,
       icc_c1 = c1, icc_c1_low = (FL - 1) / (FL + k - 1), icc_c1_high = (FU - 1) / (FU + k - 1),
       icc_ck = ck, icc_ck_low = 1 - 1 / FL, icc_ck_high = 1 - 1 / FU,
       icc_a1 = a1, icc_a1_low = a1l, icc_a1_high = a1u,
       icc_ak = ak, icc_ak_low = akl, icc_ak_high = aku)
}
res$icc_2 <- icc_mw(rd[, c("angle1", "angle2")])
res$icc_3 <- icc_mw(rd[, c("angle1", "angle2", "angle3")])
res$icc_n3 <- icc_mw(r3[, c("a1", "a2")])

## ------------------------------------------------------------------- power
pw <- function(type, d, power = NULL, n = NULL, alpha = 0.05) {
  if (is.null(n)) {
    r <- pwr.t.test(d = d, power = power, sig.level = alpha, type = type)
    f <- function(nn) pwr.t.test(n = nn, d = d, sig.level = alpha, type = type)$power - power
    nx <- uniroot(f, c(2 + 1e-10, 1e7), tol = 1e-12)$root
    list(n = nx, n_pwr = r$n, power = pwr.t.test(n = nx, d = d, sig.level = alpha, type = type)$power)
  } else {
    list(n = n, power = pwr.t.test(n = n, d = d, sig.level = alpha, type = type)$power)
  }
}
# seed 000: mean change 15, SD 12, alpha .05, power .90, paired, 15% dropout
s0 <- pw("paired", 15 / 12, power = 0.90)
s0$n_ceiling <- ceiling(s0$n)
s0$n_with_dropout <- ceiling(s0$n_ceiling / (1 - 0.15))
res$power_seed000 <- s0
res$power_two_sample <- pw("two.sample", 10 / 15, power = 0.80)
res$power_paired_n <- pw("paired", 0.5, n = 20)
res$power_two_sample_n <- pw("two.sample", 0.4, n = 50, alpha = 0.01)
lr <- function(hr, alpha = 0.05, power = 0.8, alloc = 0.5, pev = 1) {
  D <- (qnorm(1 - alpha / 2) + qnorm(power))^2 / (alloc * (1 - alloc) * log(hr)^2)
  list(events = D, n = D / pev)
}
res$power_logrank <- lr(0.6, pev = 0.4)
res$power_logrank_unbal <- lr(1.8, alpha = 0.01, power = 0.9, alloc = 2 / 3, pev = 0.55)

res$meta <- list(r_version = R.version.string,
                 lme4 = as.character(packageVersion("lme4")),
                 lmerTest = as.character(packageVersion("lmerTest")),
                 geepack = as.character(packageVersion("geepack")),
                 pwr = as.character(packageVersion("pwr")))
# A small writer: jsonlite prints at most 15 significant digits, we want %.17g.
tojs <- function(x, ind = "") {
  if (is.list(x)) {
    nm <- names(x); in2 <- paste0(ind, "  ")
    body <- vapply(seq_along(x), function(i)
      paste0(in2, "\"", nm[i], "\": ", tojs(x[[i]], in2)), "")
    return(paste0("{\n", paste(body, collapse = ",\n"), "\n", ind, "}"))
  }
  x <- unname(x)
  one <- function(v) {
    if (is.character(v)) return(paste0("\"", v, "\""))
    if (is.logical(v) && !is.na(v)) return(if (v) "true" else "false")
    if (is.na(v) || !is.finite(v)) return("null")
    sprintf("%.17g", v)
  }
  s <- vapply(as.list(x), one, "")
  if (length(x) == 1) s else paste0("[", paste(s, collapse = ", "), "]")
}
writeLines(tojs(res), "tests/golden/stats/expected_models.json")
