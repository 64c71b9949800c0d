# make_expected_more.R: R's answers for the `avn stats` additions of issue 14
# (values near +-1e308, Surv() event codings, --levels subsets, new
# commands). Same format as make_expected_basic.R: step 1 writes the m_*.csv
# datasets into tests/golden/stats/data/, step 2 reads every CSV back and
# writes expected_more.json (one case per avn call; checked by
# tests/tools/stats_check_basic.py --expected expected_more.json).
#
# Regenerate (from the repo root):
#   Rscript tests/golden/stats/make_expected_more.R
suppressMessages({ library(jsonlite); library(survival); library(lme4); library(lmerTest) })
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

## ---- 2. event codings as Surv(): survival::lung ----------------------------
# status is 1 = censored, 2 = dead; dead is the same as TRUE/FALSE, state as
# words (only through --event-value).
l <- lung; l$dead <- l$status == 2; l$state <- ifelse(l$status == 2, "dead", "alive")
l$dead01 <- as.integer(l$status == 2)
w(l, "m_lung.csv")
l <- rd("m_lung.csv")
fit <- coxph(Surv(time, status) ~ age + sex, data = l)
cox_vals <- function(fit, coding) {
  s <- summary(fit)
  list(event_coding = coding, n = fit$n, n_event = fit$nevent,
       loglik = fit$loglik[2], loglik_null = fit$loglik[1],
       lr_statistic = unname(s$logtest[1]),
       "coefficients/0/estimate" = unname(coef(fit)[1]),
       "coefficients/0/se" = unname(sqrt(diag(vcov(fit)))[1]),
       "coefficients/1/estimate" = unname(coef(fit)[2]),
       "coefficients/1/se" = unname(sqrt(diag(vcov(fit)))[2]))
}
add("lung_cox_status12", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "age,sex"),
    cox_vals(fit, "1/2 (2 = event)"))
add("lung_cox_logical", "cox", "m_lung.csv",
    c("--time", "time", "--event", "dead", "--covariates", "age,sex"),
    cox_vals(coxph(Surv(time, dead) ~ age + sex, data = l), "TRUE/FALSE (TRUE = event)"))
add("lung_cox_event_value", "cox", "m_lung.csv",
    c("--time", "time", "--event", "state", "--event-value", "dead", "--covariates", "age,sex"),
    cox_vals(coxph(Surv(time, state == "dead") ~ age + sex, data = l), "--event-value"))
add("lung_cox_event_value_numeric", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--event-value", "2.0", "--covariates", "age,sex"),
    cox_vals(coxph(Surv(time, status == 2) ~ age + sex, data = l), "--event-value"))
sd <- survdiff(Surv(time, status) ~ sex, data = l)
add("lung_logrank_status12", "logrank", "m_lung.csv",
    c("--time", "time", "--event", "status", "--group", "sex"),
    list(statistic = sd$chisq, p = pchisq(sd$chisq, 1, lower.tail = FALSE),
         "groups/0/observed" = sd$obs[1], "groups/0/expected" = sd$exp[1]))
sd <- survdiff(Surv(time, dead) ~ sex, data = l)
add("lung_logrank_logical", "logrank", "m_lung.csv",
    c("--time", "time", "--event", "dead", "--group", "sex"),
    list(statistic = sd$chisq, event_coding = "TRUE/FALSE (TRUE = event)"))
km <- survfit(Surv(time, status) ~ 1, data = l)
q <- quantile(km, 0.5)
add("lung_km_status12", "km", "m_lung.csv", c("--time", "time", "--event", "status"),
    list(n = 228, n_event = sum(km$n.event), median = unname(q$quantile),
         median_lower = unname(q$lower), median_upper = unname(q$upper)))
# status == 1 as the event (the censored rows): a different, also valid, curve
km <- survfit(Surv(time, status == 1) ~ 1, data = l)
add("lung_km_event_value_1", "km", "m_lung.csv",
    c("--time", "time", "--event", "status", "--event-value", "1"),
    list(n_event = sum(km$n.event), median = unname(quantile(km, 0.5)$quantile)))

## ---- 3. --levels chooses and orders levels ----------------------------------
# A level not listed drops its rows (R: factor(x, levels = ...) then complete
# cases); the first listed level is the reference / level 1.
d <- rd("b_anova3.csv")
sub <- function(d, col, lv) { d <- d[d[[col]] %in% lv, ]; d[[col]] <- factor(d[[col]], lv); d }
s2 <- sub(d, "arm", c("high", "low"))
h <- t.test(s2$value[s2$arm == "high"], s2$value[s2$arm == "low"])
add("levels_t_two_of_three", "t", "b_anova3.csv",
    c("--value", "value", "--group", "arm", "--levels", "high,low"),
    htest_vals(h, list(n = nrow(s2), n_not_in_levels = 12)))
h <- t.test(s2$value[s2$arm == "high"], s2$value[s2$arm == "low"], var.equal = TRUE)
add("levels_t_two_of_three_col_form", "t", "b_anova3.csv",
    c("--value", "value", "--group", "arm", "--levels", "arm=high,low", "--var-equal"),
    htest_vals(h))
s2 <- sub(d, "arm", c("mid", "high"))
h <- wilcox.test(s2$value[s2$arm == "mid"], s2$value[s2$arm == "high"])
add("levels_mann_whitney_two_of_three", "mann-whitney", "b_anova3.csv",
    c("--value", "value", "--group", "arm", "--levels", "mid,high"),
    list(statistic = num(h$statistic), p = num(h$p.value), n = nrow(s2)))
s2 <- sub(d, "arm", c("low", "mid"))
a <- summary(aov(value ~ arm, data = s2))[[1]]
add("levels_anova_subset", "anova", "b_anova3.csv",
    c("--value", "value", "--group", "arm", "--levels", "low,mid"),
    list(statistic = a$`F value`[1], p = a$`Pr(>F)`[1], df1 = a$Df[1], df2 = a$Df[2]))
s2 <- sub(d, "arm", c("mid", "low"))
add("levels_describe_order", "describe", "b_anova3.csv",
    c("--col", "value", "--group", "arm", "--levels", "mid,low"),
    list("groups/0/level" = "mid", "groups/0/mean" = mean(s2$value[s2$arm == "mid"]),
         "groups/1/level" = "low", "groups/1/sd" = sd(s2$value[s2$arm == "low"])))
tb <- rd("b_table3x3.csv")
s2 <- sub(tb, "x", c("III", "I"))
h <- chisq.test(table(s2$x, s2$y))
add("levels_chisq_rows_subset", "chisq", "b_table3x3.csv",
    c("--x", "x", "--y", "y", "--levels", "x=III,I"), htest_vals(h))
s2 <- sub(sub(tb, "x", c("I", "II")), "y", c("hi", "lo"))
h <- fisher.test(table(s2$x, s2$y))
add("levels_fisher_2x2_from_3x3", "fisher", "b_table3x3.csv",
    c("--x", "x", "--y", "y", "--levels", "x=I,II", "--levels", "y=hi,lo"),
    list(p = h$p.value, estimate_r = unname(h$estimate), n = nrow(s2)))
l <- rd("m_lung.csv")
s2 <- l[!is.na(l$ph.ecog) & l$ph.ecog %in% 0:2, ]
sd2 <- survdiff(Surv(time, status) ~ ph.ecog, data = s2)
add("levels_logrank_subset", "logrank", "m_lung.csv",
    c("--time", "time", "--event", "status", "--group", "ph.ecog", "--levels", "0,1,2"),
    list(statistic = sd2$chisq, df = 2, n = nrow(s2)))
s2 <- l[!is.na(l$ph.ecog) & l$ph.ecog %in% 0:2, ]
s2$ph.ecog <- factor(s2$ph.ecog, c(1, 0, 2))
fit <- coxph(Surv(time, status) ~ ph.ecog + age, data = s2)
add("levels_cox_factor_order", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "ph.ecog,age",
      "--factors", "ph.ecog", "--levels", "ph.ecog=1,0,2"),
    list(n = fit$n, "coefficients/0/term" = "ph.ecog0", "coefficients/0/estimate" = unname(coef(fit)[1]),
         "coefficients/1/term" = "ph.ecog2", "coefficients/1/estimate" = unname(coef(fit)[2]),
         "coefficients/2/estimate" = unname(coef(fit)[3])))
s2 <- l[!is.na(l$ph.ecog), ]
s2$ph.ecog <- relevel(factor(s2$ph.ecog), "2")
fit <- coxph(Surv(time, status) ~ ph.ecog, data = s2)
add("ref_cox_still_works", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "ph.ecog",
      "--factors", "ph.ecog", "--ref", "ph.ecog=2"),
    list("coefficients/0/term" = "ph.ecog0", "coefficients/0/estimate" = unname(coef(fit)[1])))

## ---- 4. oneway (Welch), kruskal, logrank --rho, anova2, power two-prop -------
for (g in list(c("b_anova3.csv", "value", "arm"), c("ToothGrowth.csv", "len", "dose"))) {
  d <- rd(g[1]); fo <- as.formula(paste(g[2], "~ factor(", g[3], ")"))
  for (ve in c(FALSE, TRUE)) {
    h <- oneway.test(fo, data = d, var.equal = ve)
    a <- c("--value", g[2], "--group", g[3]); if (ve) a <- c(a, "--var-equal")
    add(paste0("oneway_", g[1], "_", ve), "oneway", g[1], a,
        list(statistic = num(h$statistic), df1 = num(h$parameter[1]),
             df2 = num(h$parameter[2]), p = h$p.value, method = h$method))
  }
  h <- kruskal.test(fo, data = d)
  add(paste0("kruskal_", g[1]), "kruskal", g[1], c("--value", g[2], "--group", g[3]),
      list(statistic = num(h$statistic), df = num(h$parameter), p = h$p.value))
}
d <- rd("b_anova3.csv"); d <- d[d$arm != "mid", ]
h <- kruskal.test(value ~ factor(arm), data = d)
add("kruskal_levels_subset", "kruskal", "b_anova3.csv",
    c("--value", "value", "--group", "arm", "--levels", "low,high"),
    list(statistic = num(h$statistic), p = h$p.value, n = nrow(d)))
l <- rd("m_lung.csv")
for (r in list(c("sex", 1), c("ph.ecog", 0.5), c("sex", 2))) {
  sdr <- survdiff(Surv(time, status) ~ l[[r[1]]], data = l, rho = as.numeric(r[2]))
  add(paste0("logrank_rho_", r[1], "_", r[2]), "logrank", "m_lung.csv",
      c("--time", "time", "--event", "status", "--group", r[1], "--rho", r[2]),
      list(statistic = sdr$chisq, p = pchisq(sdr$chisq, length(sdr$n) - 1, lower.tail = FALSE),
           "groups/0/observed" = sdr$obs[1], "groups/0/expected" = sdr$exp[1],
           "groups/1/expected" = sdr$exp[2]))
}
tg <- rd("ToothGrowth.csv"); tg$dose <- factor(tg$dose)
# unbalanced: warpbreaks with rows left out, so the order of the terms matters
wb <- warpbreaks[-c(1, 2, 3, 20, 30, 31, 45), ]
w(wb, "m_warpbreaks_unbal.csv")
wb <- rd("m_warpbreaks_unbal.csv")
for (m in list(list("ToothGrowth.csv", "len", c("supp", "dose"), tg),
               list("m_warpbreaks_unbal.csv", "breaks", c("wool", "tension"), wb),
               list("m_warpbreaks_unbal.csv", "breaks", c("tension", "wool"), wb))) {
  for (inter in c(TRUE, FALSE)) {
    fo <- as.formula(paste(m[[2]], "~", paste(m[[3]], collapse = if (inter) "*" else "+")))
    a <- anova(lm(fo, data = m[[4]]))
    v <- list()
    for (t in seq_len(nrow(a))) {
      v[[paste0("terms/", t - 1, "/term")]] <- gsub(":", ":", rownames(a)[t])
      v[[paste0("terms/", t - 1, "/df")]] <- a$Df[t]
      v[[paste0("terms/", t - 1, "/ss")]] <- a$`Sum Sq`[t]
      if (t < nrow(a)) {
        v[[paste0("terms/", t - 1, "/statistic")]] <- a$`F value`[t]
        v[[paste0("terms/", t - 1, "/p")]] <- a$`Pr(>F)`[t]
      }
    }
    ar <- c("--value", m[[2]], "--factors", paste(m[[3]], collapse = ","))
    if (!inter) ar <- c(ar, "--no-interaction")
    add(paste0("anova2_", m[[1]], "_", paste(m[[3]], collapse = "_"), "_", inter), "anova2",
        m[[1]], ar, v)
  }
}
pp <- function(id, args, ...) {
  h <- power.prop.test(..., tol = 1e-12)
  add(id, "power", NULL, c("--design", "two-prop", args),
      list(n = h$n, power = h$power, p1 = h$p1, p2 = h$p2))
}
pp("power_prop_n", c("--p1", "0.5", "--p2", "0.75", "--power", "0.9"),
   p1 = 0.5, p2 = 0.75, power = 0.9)
pp("power_prop_power", c("--p1", "0.3", "--p2", "0.15", "--n", "100"),
   p1 = 0.3, p2 = 0.15, n = 100)
pp("power_prop_one_sided", c("--p1", "0.2", "--p2", "0.35", "--power", "0.8", "--alpha", "0.025",
                             "--alternative", "one.sided"),
   p1 = 0.2, p2 = 0.35, power = 0.8, sig.level = 0.025, alternative = "one.sided")
pp("power_prop_strict", c("--p1", "0.4", "--p2", "0.45", "--n", "60", "--strict"),
   p1 = 0.4, p2 = 0.45, n = 60, strict = TRUE)

## ---- 5. Hodges-Lehmann estimate and CI (conf.int = TRUE) --------------------
hl_vals <- function(h) list(estimate = num(h$estimate), ci_low = num(h$conf.int[1]),
                            ci_high = num(h$conf.int[2]),
                            conf_level = attr(h$conf.int, "conf.level"),
                            statistic = num(h$statistic), p = h$p.value)
for (p in list(c("b_pairs12.csv", "x", "y"), c("b_pairs_ties.csv", "x", "y"),
               c("b_pairs60.csv", "x", "y"), c("b_pairs_n3.csv", "x", "y"))) {
  d <- rd(p[1]); x <- d[[p[2]]]; y <- d[[p[3]]]
  for (alt in c("two.sided", "less", "greater")) {
    h <- suppressWarnings(wilcox.test(y, x, paired = TRUE, conf.int = TRUE, alternative = alt))
    add(paste0("hl_wilcoxon_", p[1], "_", alt), "wilcoxon", p[1],
        c("--x", p[2], "--y", p[3], "--conf-int", "--alternative", alt), hl_vals(h))
  }
  h <- suppressWarnings(wilcox.test(y, x, paired = TRUE, conf.int = TRUE, exact = FALSE,
                                    correct = FALSE, conf.level = 0.9))
  add(paste0("hl_wilcoxon_", p[1], "_normal_nocorrect_90"), "wilcoxon", p[1],
      c("--x", p[2], "--y", p[3], "--conf-int", "--exact", "no", "--no-correct",
        "--conf-level", "0.9"), hl_vals(h))
}
h <- wilcox.test(rd("sleep.csv")$extra, mu = 0.5, conf.int = TRUE, exact = FALSE)
add("hl_wilcoxon_one_sample_mu", "wilcoxon", "sleep.csv",
    c("--col", "extra", "--mu", "0.5", "--conf-int", "--exact", "no"), hl_vals(h))
for (g in list(c("b_groups_small.csv", "value", "group"), c("b_groups_ties.csv", "value", "group"),
               c("b_groups60.csv", "value", "group"), c("ToothGrowth.csv", "len", "supp"))) {
  d <- rd(g[1]); v <- d[[g[2]]]; gg <- factor(d[[g[3]]]); lv <- levels(gg)
  a <- v[gg == lv[1]]; b <- v[gg == lv[2]]
  for (alt in c("two.sided", "less", "greater")) {
    h <- suppressWarnings(wilcox.test(a, b, conf.int = TRUE, alternative = alt))
    add(paste0("hl_mann_whitney_", g[1], "_", alt), "mann-whitney", g[1],
        c("--value", g[2], "--group", g[3], "--conf-int", "--alternative", alt), hl_vals(h))
  }
  h <- suppressWarnings(wilcox.test(a, b, conf.int = TRUE, exact = FALSE, mu = 1,
                                    conf.level = 0.8))
  add(paste0("hl_mann_whitney_", g[1], "_normal_mu_80"), "mann-whitney", g[1],
      c("--value", g[2], "--group", g[3], "--conf-int", "--exact", "no", "--mu", "1",
        "--conf-level", "0.8"), hl_vals(h))
}
# a level R cannot reach with n = 4 pairs: it reports the achieved one
d <- data.frame(x = c(1, 2, 3, 4), y = c(2.5, 3.1, 5.2, 4.6)); w(d, "m_pairs4.csv")
h <- suppressWarnings(wilcox.test(d$y, d$x, paired = TRUE, conf.int = TRUE))
add("hl_wilcoxon_level_not_achievable", "wilcoxon", "m_pairs4.csv",
    c("--x", "x", "--y", "y", "--conf-int"), hl_vals(h))

## ---- 5b. cox: concordance and its se, strata -------------------------------
coxv <- function(fit) {
  s <- summary(fit)
  v <- list(n = fit$n, loglik = fit$loglik[2], loglik_null = fit$loglik[1],
            concordance = unname(fit$concordance["concordance"]),
            concordance_se = unname(fit$concordance["std"]),
            concordant = unname(fit$concordance["concordant"]),
            discordant = unname(fit$concordance["discordant"]),
            score_statistic = unname(fit$score))
  # wald.test is the robust one when clustered (summary's waldtest is rounded)
  v[[if (is.null(fit$naive.var)) "wald_statistic" else "robust_wald_statistic"]] <- fit$wald.test
  for (j in seq_along(coef(fit))) {
    v[[paste0("coefficients/", j - 1, "/estimate")]] <- unname(coef(fit)[j])
    v[[paste0("coefficients/", j - 1, "/se")]] <- unname(sqrt(diag(fit$naive.var %||% vcov(fit)))[j])
    if (!is.null(fit$naive.var))
      v[[paste0("coefficients/", j - 1, "/robust_se")]] <- unname(sqrt(diag(vcov(fit)))[j])
  }
  v
}
`%||%` <- function(a, b) if (is.null(a)) b else a
l <- rd("m_lung.csv")
for (tt in c("efron", "breslow")) {
  add(paste0("cox_concordance_se_", tt), "cox", "m_lung.csv",
      c("--time", "time", "--event", "status", "--covariates", "age,sex,ph.karno", "--ties", tt),
      coxv(coxph(Surv(time, status) ~ age + sex + ph.karno, data = l, ties = tt)))
  add(paste0("cox_strata_", tt), "cox", "m_lung.csv",
      c("--time", "time", "--event", "status", "--covariates", "age,sex", "--strata", "ph.ecog",
        "--ties", tt),
      coxv(coxph(Surv(time, status) ~ age + sex + strata(ph.ecog), data = l, ties = tt)))
}
add("cox_cluster_concordance_se", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "age,sex", "--cluster", "inst"),
    coxv(coxph(Surv(time, status) ~ age + sex, data = l, cluster = inst)))
add("cox_strata_cluster", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "age,ph.karno", "--cluster", "inst",
      "--strata", "sex"),
    coxv(coxph(Surv(time, status) ~ age + ph.karno + strata(sex), data = l, cluster = inst)))

## ---- 5c. cox ties = "exact" ----------------------------------------------------
add("cox_ties_exact", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "age,sex,ph.karno", "--ties", "exact"),
    coxv(coxph(Surv(time, status) ~ age + sex + ph.karno, data = l, ties = "exact")))
add("cox_ties_exact_strata", "cox", "m_lung.csv",
    c("--time", "time", "--event", "status", "--covariates", "age,sex", "--strata", "ph.ecog",
      "--ties", "exact"),
    coxv(coxph(Surv(time, status) ~ age + sex + strata(ph.ecog), data = l, ties = "exact")))
a <- rd("aml.csv")
add("cox_ties_exact_aml", "cox", "aml.csv",
    c("--time", "time", "--event", "status", "--covariates", "x", "--ties", "exact"),
    coxv(coxph(Surv(time, status) ~ x, data = a, ties = "exact")))
# heavy ties: times rounded to 100 days, so up to 20-odd deaths share a time
lr <- l; lr$time <- round(lr$time / 100) * 100; w(lr, "m_lung_ties.csv"); lr <- rd("m_lung_ties.csv")
add("cox_ties_exact_heavy", "cox", "m_lung_ties.csv",
    c("--time", "time", "--event", "status", "--covariates", "age,sex", "--ties", "exact"),
    coxv(coxph(Surv(time, status) ~ age + sex, data = lr, ties = "exact")))

## ---- 6. Fisher r x c by the network algorithm --------------------------------
# Tables the complete enumeration of earlier versions refused (beyond 2e8
# nodes); fisher.test (FEXACT) with a large workspace gives the truth.
tab2df <- function(m) {
  r <- rep(rep(paste0("r", seq_len(nrow(m))), ncol(m)), as.vector(m))
  c <- rep(rep(sprintf("c%02d", seq_len(ncol(m))), each = nrow(m)), as.vector(m))
  data.frame(x = r, y = c)
}
set.seed(11)
net <- list(
  a = matrix(c(3,0,1,2, 0,4,2,1, 5,1,0,3, 2,2,6,0, 1,5,1,4), 4),
  b = matrix(rpois(2*10, 5), 2, 10) + 1,
  c = matrix(rpois(3*6, 4), 3, 6) + 1,
  d = matrix(rpois(4*6, 2), 4, 6) + 1,
  e = matrix(rpois(2*14, 3), 2, 14) + 1,
  f = matrix(rpois(3*5, 6), 3, 5) + 1,
  g = matrix(rpois(5*4, 3), 5, 4) + 1,
  h = matrix(rpois(2*8, 12), 2, 8) + 1)
net$j <- matrix(rpois(3*7, 3), 3, 7) + 1
net$job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)  # ?fisher.test's Job
for (nm in names(net)) {
  f <- paste0("m_fisher_", nm, ".csv")
  w(tab2df(net[[nm]]), f)
  d <- rd(f)
  add(paste0("fisher_network_", nm), "fisher", f, c("--x", "x", "--y", "y"),
      list(p = fisher.test(table(d$x, d$y), workspace = 2e7)$p.value, n = nrow(d)))
}

## ---- 8. --formula: the same fits as R's formulas ------------------------------
l <- rd("m_lung.csv")
fo <- "Surv(time, status) ~ age + sex + strata(ph.ecog) + cluster(inst)"
fit <- coxph(Surv(time, status) ~ age + sex + strata(ph.ecog), data = l, cluster = inst)
add("formula_cox_strata_cluster", "cox", "m_lung.csv", c("--formula", fo), coxv(fit))
fo <- "Surv(time, status) ~ age + factor(ph.ecog)"
fit <- coxph(as.formula(fo), data = l)
v <- coxv(fit); v[["coefficients/1/term"]] <- "ph.ecog1"
add("formula_cox_factor", "cox", "m_lung.csv", c("--formula", fo), v)
km <- survfit(Surv(time, status) ~ 1, data = l)
add("formula_km_one", "km", "m_lung.csv", c("--formula", "Surv(time, status) ~ 1"),
    list(median = unname(quantile(km, 0.5)$quantile)))
sdf <- survdiff(Surv(time, status) ~ sex, data = l, rho = 1)
add("formula_logrank_rho", "logrank", "m_lung.csv",
    c("--formula", "Surv(time, status) ~ sex", "--rho", "1"), list(statistic = sdf$chisq))
lmv <- function(fit) {
  s <- summary(fit)$coefficients; v <- list(n = nobs(fit))
  for (j in seq_len(nrow(s))) {
    v[[paste0("coefficients/", j - 1, "/estimate")]] <- s[j, 1]
    v[[paste0("coefficients/", j - 1, "/se")]] <- s[j, 2]
  }
  v
}
add("formula_ols_poly", "ols", "m_lung.csv", c("--formula", "time ~ poly(age, 3, raw = TRUE)"),
    c(lmv(lm(time ~ poly(age, 3, raw = TRUE), data = l)), list(r2 = summary(lm(time ~ poly(age, 3, raw = TRUE), data = l))$r.squared)))
add("formula_ols_no_intercept", "ols", "m_lung.csv", c("--formula", "time ~ age + ph.karno - 1"),
    lmv(lm(time ~ age + ph.karno - 1, data = l)))
add("formula_logistic_factor", "logistic", "m_lung.csv",
    c("--formula", "dead01 ~ age + factor(sex) + ph.karno"),
    lmv(glm(dead01 ~ age + factor(sex) + ph.karno, data = l, family = binomial)))
add("logistic_logical_outcome", "logistic", "m_lung.csv",
    c("--outcome", "dead", "--predictors", "age,sex,ph.karno"),
    c(lmv(glm(dead ~ age + sex + ph.karno, data = l, family = binomial)),
      list(outcome_success = "TRUE")))
add("logistic_word_outcome", "logistic", "m_lung.csv",
    c("--formula", "state ~ age + sex"),
    c(lmv(glm(factor(state) ~ age + sex, data = l, family = binomial)),
      list(outcome_success = "dead")))
hv <- rd("hhs_visits.csv")
hvc <- hv[complete.cases(hv[, c("hhs", "age", "visit", "patient")]), ]
fit <- lmer(hhs ~ age + visit + (1 | patient), data = hvc, REML = TRUE)
s <- summary(fit)$coefficients
add("formula_lmm", "lmm", "hhs_visits.csv", c("--formula", "hhs ~ age + visit + (1 | patient)"),
    list(n = nobs(fit), loglik = as.numeric(logLik(fit)),
         "coefficients/0/estimate" = s[1, 1], "coefficients/1/estimate" = s[2, 1],
         "coefficients/1/se" = s[2, 2]))
tg <- rd("ToothGrowth.csv")
h <- t.test(len ~ supp, data = tg)
add("formula_t", "t", "ToothGrowth.csv", c("--formula", "len ~ supp"), htest_vals(h))
h <- kruskal.test(len ~ dose, data = tg)
add("formula_kruskal", "kruskal", "ToothGrowth.csv", c("--formula", "len ~ dose"),
    list(statistic = num(h$statistic), p = h$p.value))
a <- anova(lm(len ~ supp * factor(dose), data = tg))
add("formula_anova2", "anova2", "ToothGrowth.csv", c("--formula", "len ~ supp * dose"),
    list("terms/2/statistic" = a$`F value`[3], "terms/2/p" = a$`Pr(>F)`[3]))

## ---- step 2: write ----------------------------------------------------------
writeLines(toJSON(list(meta = list(r = R.version.string, script = "make_expected_more.R"),
                       cases = cases), auto_unbox = TRUE, digits = NA, na = "null",
                  pretty = TRUE), file.path(here, "expected_more.json"))
