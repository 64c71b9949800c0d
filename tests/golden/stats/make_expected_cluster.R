# make_expected_cluster.R: R's answers for avn's clustered estimates
# (src/stats/cluster.h, km_robust, cox's robust score test). The data are
# simulated here (fixed seed: hips nested in patients, a shared patient
# effect) and written into the JSON beside the answers, so the C test reads
# its inputs and R's outputs from one file: expected_cluster.json.
# Regenerate: cd tests/golden/stats && Rscript make_expected_cluster.R
# R 4.2.2, survey 4.1-1, survival 3.5-3.
suppressMessages(library(survey))
suppressMessages(library(survival))
suppressMessages(library(jsonlite))
set.seed(20261206)

np <- 60
bilat <- runif(np) < 0.4
rows <- list()
for (p in seq_len(np)) {
  u <- rnorm(1, 0, 6)              # patient effect shared by both hips
  ub <- rnorm(1)
  for (h in seq_len(if (bilat[p]) 2 else 1)) {
    a <- sample(0:2, 1, prob = c(.25, .5, .25))
    y <- 15 + 3 * a + u + rnorm(1, 0, 5)
    resp <- as.integer(y + rnorm(1, 0, 2) > 20)
    b <- as.integer(cut(-0.8 * a + ub + rnorm(1, 0, .7), c(-Inf, -1.3, -0.2, Inf))) - 1L
    t <- round(rexp(1, 0.02 * exp(0.5 * a + 0.6 * ub)), 1)
    cens <- round(runif(1, 10, 80), 1)
    rx <- a + as.integer(runif(1) < 0.25) * sample(c(-1, 1), 1)
    rx <- pmin(pmax(rx, 0), 3)
    rows[[length(rows) + 1]] <- data.frame(cluster = p - 1L, y = round(y, 1), resp = resp,
      a = a, b = b, time = min(t, cens), status = as.integer(t <= cens))
  }
}
d <- do.call(rbind, rows)
d$yc <- d$y - 17   # a mean near 0, for a p value away from the far tail
des <- suppressWarnings(svydesign(ids = ~cluster, data = d))   # equal weights

mean_case <- function(var) {
  m <- svymean(as.formula(paste0("~", var)), des)
  ci <- confint(m, df = degf(des))
  # svyttest(y ~ 0) gives the same t but refers it to degf(des) - 1 df; avn
  # uses degf(des) = G - 1 for the test as for the interval (confint above)
  tt <- svyttest(as.formula(paste(var, "~ 0")), des)
  list(var = var, estimate = unname(coef(m)), se = unname(SE(m)), df = degf(des),
       ci_low = ci[1], ci_high = ci[2], t = unname(tt$statistic),
       p = 2 * pt(-abs(unname(tt$statistic)), degf(des)))
}
prop_case <- function(var) {
  m <- svymean(as.formula(paste0("~", var)), des)
  ci <- svyciprop(as.formula(paste0("~", var)), des, method = "logit")
  list(var = var, estimate = unname(coef(m)), se = unname(SE(m)),
       ci_low = unname(attr(ci, "ci")[1]), ci_high = unname(attr(ci, "ci")[2]))
}
chisq_case <- function(data, a, b) {
  dd <- suppressWarnings(svydesign(ids = ~cluster, data = data))
  r <- svychisq(as.formula(paste("~", a, "+", b)), dd)   # statistic = "F"
  x2 <- suppressWarnings(chisq.test(table(data[[a]], data[[b]]), correct = FALSE)$statistic)
  list(a = data[[a]], b = data[[b]], cluster = data$cluster,
       pearson = unname(x2), f = unname(r$statistic), df1 = unname(r$parameter[1]),
       df2 = unname(r$parameter[2]), p = unname(r$p.value))
}
km_case <- function(data) {
  out <- list()
  for (g in sort(unique(data$a))) {
    s <- data[data$a == g, ]
    f <- survfit(Surv(time, status) ~ 1, data = s, id = cluster, robust = TRUE)
    # survfit's robust std.err is the SE of S; the band is built on SE / S
    out[[length(out) + 1]] <- list(time = f$time, surv = f$surv, se_log = f$std.err / f$surv,
                                    lower = f$lower, upper = f$upper)
  }
  out
}
score_case <- function(data) {
  fit <- suppressWarnings(coxph(Surv(time, status) ~ factor(a), data = data, cluster = cluster))
  lr <- survdiff(Surv(time, status) ~ a, data = data)
  list(time = data$time, status = data$status, a = data$a, cluster = data$cluster,
       score = unname(fit$score), robust_score = unname(fit$rscore), logrank = lr$chisq)
}
# 2x2 and with an empty column level (b coded 0..3, 3 unused): svychisq
# drops unused levels
d22 <- d
d22$a <- as.integer(d22$a > 0)
d22$b <- as.integer(d22$b > 0)
# monotone: no event where a == 0 (coxph warns, the score tests stand)
dm <- d
dm$status[dm$a == 0] <- 0L

out <- list(
  data = list(cluster = d$cluster, y = d$y, yc = d$yc, resp = d$resp, a = d$a, b = d$b,
              time = d$time, status = d$status),
  nclusters = length(unique(d$cluster)),
  mean = mean_case("y"),
  mean_c = mean_case("yc"),
  prop = prop_case("resp"),
  chisq = list(t33 = chisq_case(d, "a", "b"), t22 = chisq_case(d22, "a", "b")),
  km = km_case(d),
  score = list(all = score_case(d), monotone = score_case(dm)))
# numbers as %.17g (exact round trip), NA/NaN/Inf as null, every vector an array
num17 <- function(x) {
  if (is.list(x)) return(lapply(x, num17))
  if (is.numeric(x) || is.logical(x) && all(is.na(x))) {
    v <- ifelse(is.finite(x), sprintf("%.17g", as.numeric(x)), "null")
    return(structure(paste0("[", paste(v, collapse = ", "), "]"), class = "json"))
  }
  x
}
writeLines(toJSON(num17(out), auto_unbox = FALSE, null = "null", json_verbatim = TRUE),
           "expected_cluster.json")
