# make_data_survreg.R: writes the synthetic survival and regression CSVs in
# data/ that make_expected_survival.R and make_expected_regress.R read.
# Regenerate (only if you mean to change the cases):
#   cd tests/golden/stats && Rscript make_data_survreg.R
# aml.csv is survival::aml as written by write.csv (committed beside it).
set.seed(20251125)
w <- function(d, f) write.csv(d, file.path("data", f), row.names = FALSE, na = "")

# tied integer times, 3 groups, numeric + 3-level factor covariates
n <- 90
grp <- sample(c("A", "B", "C"), n, replace = TRUE)
age <- round(rnorm(n, 50, 10), 1)
sex <- rbinom(n, 1, 0.5)
stage <- sample(c("I", "II", "III"), n, replace = TRUE)
lin <- 0.03 * (age - 50) + 0.5 * sex + c(I = 0, II = 0.4, III = 0.9)[stage] +
  c(A = 0, B = 0.3, C = -0.4)[grp]
t <- ceiling(rexp(n, 0.08 * exp(lin)))
c <- ceiling(runif(n, 5, 40))
w(data.frame(time = pmin(t, c), status = as.integer(t <= c), grp, age, sex, stage),
  "surv_ties.csv")

# same with missing cells (empty)
d <- read.csv("data/surv_ties.csv")
d$age[c(3, 17, 40)] <- NA
d$stage[c(5, 60)] <- NA
d$time[8] <- NA
w(d, "surv_missing.csv")

# everything censored; n = 3; a single group; a curve that sits on 0.5
w(data.frame(time = c(3, 5, 5, 8, 9, 12), status = 0L, grp = c("a", "b", "a", "b", "a", "b"),
             age = c(40, 51, 62, 45, 58, 49)), "surv_allcens.csv")
w(data.frame(time = c(2, 4, 7), status = c(1L, 0L, 1L), grp = c("a", "b", "a"),
             age = c(40, 55, 61)), "surv_n3.csv")
w(data.frame(time = c(1, 2, 5, 6, 6, 8), status = c(1L, 1L, 1L, 0L, 1L, 0L),
             grp = "only"), "surv_plateau.csv")

# bilateral hips: patients with one or two hips, cluster = patient
np <- 60
two <- rbinom(np, 1, 0.6)
pid <- rep(seq_len(np), times = 1 + two)
frail <- rnorm(np, 0, 0.6)[pid]
nh <- length(pid)
steroid <- rbinom(np, 1, 0.4)[pid]
age_h <- round(rnorm(np, 45, 9))[pid]
ficat <- sample(c("I", "II", "III"), nh, replace = TRUE)
lh <- 0.6 * steroid + 0.02 * (age_h - 45) + c(I = 0, II = 0.5, III = 1.1)[ficat] + frail
th <- ceiling(rweibull(nh, 1.3, 60 / exp(lh / 1.3)))
ch <- ceiling(runif(nh, 12, 96))
w(data.frame(patient = pid, time = pmin(th, ch), status = as.integer(th <= ch),
             steroid, age = age_h, ficat), "hips.csv")

# regression: continuous outcome, binary outcome, factor, clusters
n <- 120
cl <- rep(1:40, each = 3)
x1 <- round(rnorm(n, 10, 3), 2)
x2 <- round(runif(n, 0, 5), 2)
g <- sample(c("lo", "mid", "hi"), n, replace = TRUE)
u <- rnorm(40, 0, 1)[cl]
y <- round(2 + 0.8 * x1 - 1.5 * x2 + c(lo = 0, mid = 1, hi = 2.5)[g] + u + rnorm(n, 0, 2), 3)
pr <- plogis(-3 + 0.25 * x1 - 0.4 * x2 + c(lo = 0, mid = 0.5, hi = 1)[g] + 0.5 * u)
yb <- rbinom(n, 1, pr)
w(data.frame(id = cl, y, yb, x1, x2, g), "reg.csv")
d <- read.csv("data/reg.csv")
d$x1[c(4, 50)] <- NA
d$g[9] <- NA
d$y[77] <- NA
d$yb[77] <- NA
w(d, "reg_missing.csv")

# separation: x > 5 gives y = 1 exactly (complete), and site c is all 1
# (quasi-complete, through the dummy sitec)
w(data.frame(y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1), x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
             z = c(3, 1, 4, 1, 5, 9, 2, 6, 5, 3)), "sep_complete.csv")
w(data.frame(y = c(0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1),
             x = c(1.2, 2.3, 0.7, 1.9, 3.1, 2.2, 1.4, 2.8, 0.9, 1.7, 2.5, 2.0),
             site = c("a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c")),
  "sep_level.csv")
w(data.frame(y = c(0, 1, 0, 1, 1, 0), x = c(1, 2, 3, 4, 5, 6), k = 7), "reg_const.csv")
