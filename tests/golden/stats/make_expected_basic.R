# make_expected_basic.R: R's answers for avn's basic tests (describe,
# shapiro, paired-t, t, wilcoxon, mann-whitney, anova, chisq, fisher).
#
# Regenerate (from the repo root):
#   Rscript tests/golden/stats/make_expected_basic.R
# Step 1 writes the b_*.csv datasets into tests/golden/stats/data/ (fixed
# seed, so they are reproducible; sleep.csv and ToothGrowth.csv are R's own
# datasets `sleep` and `ToothGrowth`, as written by write.csv). Step 2 reads every
# CSV back with read.csv and writes expected_basic.json: one case per call,
# with the avn command-line arguments that must reproduce it and R's values
# (doubles as %.17g; null = NA / Inf / not applicable).
suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
dd <- file.path(here, "data")
w <- function(df, name) write.csv(df, file.path(dd, name), row.names = FALSE, na = "NA")

## ---- step 1: datasets --------------------------------------------------
set.seed(20240611)
sl <- read.csv(file.path(dd, "sleep.csv"))
w(data.frame(ID = 1:10, g1 = sl$extra[sl$group == 1], g2 = sl$extra[sl$group == 2]),
  "b_sleep_wide.csv")
# paired with ties in |d| and zero differences
x <- c(10, 12, 9, 11, 14, 8, 10, 13, 12, 9, 11, 15, 7, 10, 12)
y <- x + c(1, -1, 2, 0, 3, -2, 1, 0, 2, 1, -1, 4, 0, 2, 3)
w(data.frame(x = x, y = y), "b_pairs_ties.csv")
w(data.frame(x = c(3.1, 4.7, 2.2), y = c(4.0, 4.1, 5.9)), "b_pairs_n3.csv")
x <- round(rnorm(60, 50, 10), 3); y <- round(x + rnorm(60, 2, 5), 3)
w(data.frame(x = x, y = y), "b_pairs60.csv")
# exact: n = 12 no ties, no zeros
x <- round(rnorm(12, 5, 2), 2); y <- round(x + rnorm(12, 0.8, 1), 2)
w(data.frame(x = x, y = y), "b_pairs12.csv")
# groups
w(data.frame(value = c(1.2, 3.4, 2.2, 5.1, 4.4, 2.9, 6.3, 7.7, 5.5, 8.1, 6.9, 9.4),
             group = c(rep("ctl", 5), rep("trt", 7))), "b_groups_small.csv")
w(data.frame(value = c(3, 5, 5, 2, 7, 3, 5, 8, 9, 7, 7, 10, 6, 5),
             group = rep(c("a", "b"), each = 7)), "b_groups_ties.csv")
w(data.frame(value = round(c(rnorm(60, 10, 3), rexp(55, 1/12)), 4),
             group = c(rep("A", 60), rep("B", 55))), "b_groups60.csv")
w(data.frame(value = round(c(rnorm(8, 20, 4), rnorm(12, 23, 4), rnorm(10, 27, 6)), 2),
             arm = c(rep("low", 8), rep("mid", 12), rep("high", 10))), "b_anova3.csv")
# missing cells: empty and NA
mv <- data.frame(value = c(4.1, NA, 5.3, 6.0, 2.8, NA, 7.1, 5.5, 6.6, 3.9, 4.4, 8.0),
                 group = c("a", "a", NA, "a", "a", "b", "b", "b", "b", "a", "b", "b"),
                 x = c(1, 2, 3, NA, 5, 6, 7, 8, 9, 10, 11, 12),
                 y = c(2.5, 2.1, 4.4, 5.0, NA, 7.7, 6.1, 9.9, 9.0, 11.8, 12.5, 11.1))
write.csv(mv, file.path(dd, "b_missing.csv"), row.names = FALSE, na = "")
w(data.frame(value = rep(5, 6), group = rep(c("a", "b"), 3), other = c(1, 2, 3, 4, 5, 7)),
  "b_constant.csv")
w(data.frame(value = c(1, 2, 3, 4), group = rep("only", 4)), "b_single_group.csv")
w(data.frame(value = c(1, "two", 3), group = c("a", "b", "a")), "b_nonnumeric.csv")
# tables (one row per subject)
tab2df <- function(m, rn, cn) {
  r <- rep(rep(rn, ncol(m)), as.vector(m)); c <- rep(rep(cn, each = nrow(m)), as.vector(m))
  data.frame(x = r, y = c)
}
w(tab2df(matrix(c(12, 5, 9, 7, 3, 11, 4, 8, 10), 3), c("I", "II", "III"), c("lo", "mid", "hi")),
  "b_table3x3.csv")
w(tab2df(matrix(c(3, 1, 1, 4), 2), c("yes", "no"), c("drug", "placebo")), "b_table2x2_small.csv")
w(tab2df(matrix(c(25, 15, 10, 30), 2), c("collapse", "intact"), c("core", "none")),
  "b_table2x2.csv")
w(tab2df(matrix(c(2, 0, 3, 1, 4, 0), 2), c("m", "f"), c("a", "b", "c")), "b_table2x3.csv")
# skewed samples for Shapiro-Wilk, padded with NA to one file
sk <- list(s3 = c(1.2, 1.3, 4.8), s10 = round(rexp(10), 4), s50 = round(rlnorm(50), 4),
           s500 = round(rgamma(500, 2), 4), s5000 = round(rnorm(5000) + rexp(5000, 5), 5),
           n50 = round(rnorm(50, 100, 15), 3))
pad <- function(v) c(v, rep(NA, 5000 - length(v)))
w(as.data.frame(lapply(sk, pad)), "b_skew.csv")

## ---- step 2: expected values ------------------------------------------
rd <- function(f) read.csv(file.path(dd, f), stringsAsFactors = FALSE, na.strings = c("", "NA"))
cases <- list()
add <- function(id, test, data, args, values, tol = 1e-9)
  cases[[length(cases) + 1]] <<- list(id = id, test = test, data = data, args = args,
                                      tol = tol, values = values)
source(file.path(here, "expected_lib.R"))  # num(), htest_vals()

# describe
for (f in c("sleep.csv", "b_missing.csv")) {
  d <- rd(f); col <- if (f == "sleep.csv") "extra" else "value"; x <- d[[col]]
  xx <- x[!is.na(x)]; n <- length(xx)
  for (qt in c(7, 6)) {
    tq <- qt(0.975, n - 1)
    add(paste0("describe_", col, "_", f, "_type", qt), "describe", f,
        c("--col", col, "--quantile-type", qt),
        list(n = n, n_missing = sum(is.na(x)), mean = mean(xx), sd = sd(xx),
             se = sd(xx) / sqrt(n), median = median(xx),
             q1 = unname(quantile(xx, 0.25, type = qt)), q3 = unname(quantile(xx, 0.75, type = qt)),
             min = min(xx), max = max(xx), ci_low = mean(xx) - tq * sd(xx) / sqrt(n),
             ci_high = mean(xx) + tq * sd(xx) / sqrt(n)))
  }
}
d <- rd("b_anova3.csv"); xx <- d$value
add("describe_anova3_cl90", "describe", "b_anova3.csv", c("--col", "value", "--conf-level", "0.9"),
    list(n = length(xx), mean = mean(xx), ci_low = unname(t.test(xx, conf.level = 0.9)$conf.int[1]),
         ci_high = unname(t.test(xx, conf.level = 0.9)$conf.int[2])))

# shapiro
d <- rd("b_skew.csv")
for (col in names(d)) {
  h <- shapiro.test(d[[col]])
  add(paste0("shapiro_", col), "shapiro", "b_skew.csv", c("--col", col),
      c(htest_vals(h), list(n = sum(!is.na(d[[col]])), n_missing = sum(is.na(d[[col]])))))
}
d <- rd("sleep.csv")
h <- shapiro.test(d$extra[d$group == 2] - d$extra[d$group == 1])
d2 <- rd("b_sleep_wide.csv")
add("shapiro_sleep_diff_col_g1", "shapiro", "b_sleep_wide.csv", c("--col", "g1"),
    htest_vals(shapiro.test(d2$g1)))
add("shapiro_toothgrowth_len", "shapiro", "ToothGrowth.csv", c("--col", "len"),
    htest_vals(shapiro.test(rd("ToothGrowth.csv")$len)))

# paired t and wilcoxon signed rank (difference = y - x)
pairs <- list(c("b_sleep_wide.csv", "g1", "g2"), c("b_pairs_ties.csv", "x", "y"),
              c("b_pairs_n3.csv", "x", "y"), c("b_pairs60.csv", "x", "y"),
              c("b_pairs12.csv", "x", "y"), c("b_missing.csv", "x", "y"))
for (p in pairs) {
  d <- rd(p[1]); x <- d[[p[2]]]; y <- d[[p[3]]]; ok <- !is.na(x) & !is.na(y)
  for (alt in c("two.sided", "less", "greater")) {
    h <- t.test(y[ok], x[ok], paired = TRUE, alternative = alt)
    add(paste0("paired_t_", p[1], "_", alt), "paired-t", p[1],
        c("--x", p[2], "--y", p[3], "--alternative", alt),
        c(htest_vals(h), list(n = sum(ok), n_missing = sum(!ok))))
    for (corr in c(TRUE, FALSE)) {
      h <- suppressWarnings(wilcox.test(y[ok], x[ok], paired = TRUE, alternative = alt,
                                        correct = corr))
      a <- c("--x", p[2], "--y", p[3], "--alternative", alt)
      if (!corr) a <- c(a, "--no-correct")
      add(paste0("wilcoxon_", p[1], "_", alt, "_", corr), "wilcoxon", p[1], a,
          list(statistic = num(h$statistic), p = num(h$p.value), n = sum(ok),
               method = h$method))
    }
  }
  h <- suppressWarnings(wilcox.test(y[ok], x[ok], paired = TRUE, exact = FALSE))
  add(paste0("wilcoxon_", p[1], "_exact_no"), "wilcoxon", p[1],
      c("--x", p[2], "--y", p[3], "--exact", "no"),
      list(statistic = num(h$statistic), p = num(h$p.value), method = h$method))
}
h <- t.test(rd("b_pairs_ties.csv")$y, rd("b_pairs_ties.csv")$x, paired = TRUE, conf.level = 0.9, mu = 0.5)
add("paired_t_ties_cl90_mu", "paired-t", "b_pairs_ties.csv",
    c("--x", "x", "--y", "y", "--conf-level", "0.9", "--mu", "0.5"), htest_vals(h))
d <- rd("b_pairs60.csv")
h <- wilcox.test(d$y, d$x, paired = TRUE, exact = TRUE)
add("wilcoxon_pairs60_exact_yes", "wilcoxon", "b_pairs60.csv",
    c("--x", "x", "--y", "y", "--exact", "yes"),
    list(statistic = num(h$statistic), p = num(h$p.value), method = h$method))

# two-sample t and Mann-Whitney (estimate = first level minus second)
grp <- list(c("ToothGrowth.csv", "len", "supp"), c("sleep.csv", "extra", "group"),
            c("b_groups_small.csv", "value", "group"), c("b_groups_ties.csv", "value", "group"),
            c("b_groups60.csv", "value", "group"), c("b_missing.csv", "value", "group"))
for (g in grp) {
  d <- rd(g[1]); v <- d[[g[2]]]; gg <- d[[g[3]]]; ok <- !is.na(v) & !is.na(gg)
  v <- v[ok]; gg <- factor(gg[ok]); lv <- levels(gg)
  a <- v[gg == lv[1]]; b <- v[gg == lv[2]]
  for (ve in c(FALSE, TRUE)) for (alt in c("two.sided", "less", "greater")) {
    h <- t.test(a, b, var.equal = ve, alternative = alt)
    ar <- c("--value", g[2], "--group", g[3], "--alternative", alt)
    if (ve) ar <- c(ar, "--var-equal")
    add(paste0("t_", g[1], "_", ve, "_", alt), "t", g[1], ar,
        c(htest_vals(h), list(n = sum(ok), n_missing = sum(!ok))))
  }
  for (alt in c("two.sided", "less", "greater")) for (corr in c(TRUE, FALSE)) {
    h <- suppressWarnings(wilcox.test(a, b, alternative = alt, correct = corr))
    ar <- c("--value", g[2], "--group", g[3], "--alternative", alt)
    if (!corr) ar <- c(ar, "--no-correct")
    add(paste0("mann_whitney_", g[1], "_", alt, "_", corr), "mann-whitney", g[1], ar,
        list(statistic = num(h$statistic), p = num(h$p.value), n = sum(ok), method = h$method))
  }
}
d <- rd("b_groups60.csv"); a <- d$value[d$group == "A"]; b <- d$value[d$group == "B"]
h <- wilcox.test(a, b, exact = TRUE)
add("mann_whitney_groups60_exact_yes", "mann-whitney", "b_groups60.csv",
    c("--value", "value", "--group", "group", "--exact", "yes"),
    list(statistic = num(h$statistic), p = num(h$p.value), method = h$method))
d <- rd("b_groups_small.csv"); a <- d$value[d$group == "ctl"]; b <- d$value[d$group == "trt"]
h <- wilcox.test(b, a)
add("mann_whitney_small_levels_reversed", "mann-whitney", "b_groups_small.csv",
    c("--value", "value", "--group", "group", "--levels", "trt,ctl"),
    list(statistic = num(h$statistic), p = num(h$p.value)))
h <- t.test(b, a)
add("t_small_levels_reversed", "t", "b_groups_small.csv",
    c("--value", "value", "--group", "group", "--levels", "trt,ctl"), htest_vals(h))
h <- t.test(rd("sleep.csv")$extra, mu = 1)
add("t_one_sample_sleep", "t", "sleep.csv", c("--col", "extra", "--mu", "1"), htest_vals(h))

# one-way ANOVA
for (g in list(c("ToothGrowth.csv", "len", "dose"), c("b_anova3.csv", "value", "arm"),
               c("b_missing.csv", "value", "group"))) {
  d <- rd(g[1]); d <- d[!is.na(d[[g[2]]]) & !is.na(d[[g[3]]]), ]
  s <- summary(aov(d[[g[2]]] ~ factor(d[[g[3]]])))[[1]]
  add(paste0("anova_", g[1]), "anova", g[1], c("--value", g[2], "--group", g[3]),
      list(statistic = s$`F value`[1], p = s$`Pr(>F)`[1], df1 = s$Df[1], df2 = s$Df[2],
           ss_between = s$`Sum Sq`[1], ss_within = s$`Sum Sq`[2], n = nrow(d)))
}

# chi-square and Fisher
fisher_exact_roots <- function(tab, conf.level = 0.95, alternative = "two.sided") {
  # fisher.test's own equations solved with a tight uniroot tolerance
  m <- sum(tab[, 1L]); n <- sum(tab[, 2L]); k <- sum(tab[1L, ]); x <- tab[1L, 1L]
  lo <- max(0L, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mnhyper <- function(ncp) { if (ncp == 0) return(lo); if (ncp == Inf) return(hi); sum(support * dnhyper(ncp)) }
  pnhyper <- function(q, ncp, upper.tail = FALSE) {
    if (ncp == 1) return(if (upper.tail) phyper(x - 1, m, n, k, lower.tail = FALSE) else phyper(x, m, n, k))
    if (ncp == 0) return(as.numeric(if (upper.tail) q <= lo else q >= lo))
    if (ncp == Inf) return(as.numeric(if (upper.tail) q <= hi else q >= hi))
    sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q]) }
  tol <- 1e-15
  ur <- function(f, int) uniroot(f, int, tol = tol)$root
  mle <- if (x == lo) 0 else if (x == hi) Inf else {
    mu <- mnhyper(1)
    if (mu > x) ur(function(t) mnhyper(t) - x, c(0, 1))
    else if (mu < x) 1 / ur(function(t) mnhyper(1/t) - x, c(.Machine$double.eps, 1)) else 1 }
  ncp.U <- function(x, alpha) { if (x == hi) return(Inf); p <- pnhyper(x, 1)
    if (p < alpha) ur(function(t) pnhyper(x, t) - alpha, c(0, 1))
    else if (p > alpha) 1 / ur(function(t) pnhyper(x, 1/t) - alpha, c(.Machine$double.eps, 1)) else 1 }
  ncp.L <- function(x, alpha) { if (x == lo) return(0); p <- pnhyper(x, 1, upper.tail = TRUE)
    if (p > alpha) ur(function(t) pnhyper(x, t, upper.tail = TRUE) - alpha, c(0, 1))
    else if (p < alpha) 1 / ur(function(t) pnhyper(x, 1/t, upper.tail = TRUE) - alpha, c(.Machine$double.eps, 1)) else 1 }
  ci <- switch(alternative, less = c(0, ncp.U(x, 1 - conf.level)),
               greater = c(ncp.L(x, 1 - conf.level), Inf),
               two.sided = { a <- (1 - conf.level) / 2; c(ncp.L(x, a), ncp.U(x, a)) })
  list(estimate = num(mle), ci_low = num(ci[1]), ci_high = num(ci[2]))
}
for (f in c("b_table3x3.csv", "b_table2x2_small.csv", "b_table2x2.csv", "b_table2x3.csv",
            "ToothGrowth.csv")) {
  d <- rd(f); if (f == "ToothGrowth.csv") { d$x <- d$supp; d$y <- d$dose }
  tab <- table(d$x, d$y)   # levels sorted as avn sorts them (C-locale strcmp / numeric)
  for (yates in c(TRUE, FALSE)) {
    h <- suppressWarnings(chisq.test(tab, correct = yates))
    a <- c("--x", "x", "--y", "y"); if (f == "ToothGrowth.csv") a <- c("--x", "supp", "--y", "dose")
    if (!yates) a <- c(a, "--no-yates")
    add(paste0("chisq_", f, "_", yates), "chisq", f, a,
        list(statistic = num(h$statistic), df = num(h$parameter), p = num(h$p.value),
             min_expected = min(h$expected), n = sum(tab)))
  }
  a <- c("--x", "x", "--y", "y"); if (f == "ToothGrowth.csv") a <- c("--x", "supp", "--y", "dose")
  alts <- if (all(dim(tab) == 2)) c("two.sided", "less", "greater") else "two.sided"
  for (alt in alts) {
    h <- fisher.test(tab, alternative = alt)
    v <- list(p = num(h$p.value), n = sum(tab))
    if (all(dim(tab) == 2)) {
      v <- c(v, fisher_exact_roots(tab, alternative = alt),
             list(estimate_r = num(h$estimate), ci_low_r = num(h$conf.int[1]),
                  ci_high_r = num(h$conf.int[2])))
    }
    add(paste0("fisher_", f, "_", alt), "fisher", f, c(a, "--alternative", alt), v)
  }
}

out <- list(meta = list(generated_by = "tests/golden/stats/make_expected_basic.R",
                        r_version = R.version.string, n_cases = length(cases),
                        note = "null = NA/Inf/not applicable; tol = relative tolerance"),
            cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
           file.path(here, "expected_basic.json"))
cat("wrote", length(cases), "cases\n")
