# make_data_models.R: writes the simulated AVN-like CSVs used by the model
# tests (rm-anova, lmm, gee, kappa, icc). Regenerate with
#   Rscript tests/golden/stats/make_data_models.R   (from the repo root)
# The CSVs are committed; this script only documents how they were made.
# Then run make_expected_models.R to recompute the R answers.
set.seed(20240611)
out <- "tests/golden/stats/data"

## 1. Harris Hip Score at 4 visits, 30 patients, 12 of them bilateral,
##    about 8% of visits missing (written as NA or empty cells).
pat <- sprintf("P%02d", 1:30)
age <- round(rnorm(30, 42, 9))
bilat <- seq_len(30) %in% sample(30, 12)
visits <- c("m00", "m06", "m12", "m24")
veff <- c(0, 9, 14, 17)
rows <- list()
for (i in 1:30) {
  b <- rnorm(1, 0, 7)
  hips <- if (bilat[i]) c("L", "R") else sample(c("L", "R"), 1)
  for (h in hips) {
    bh <- rnorm(1, 0, 4)
    for (v in 1:4) {
      y <- 55 + 0.15 * (age[i] - 42) + veff[v] + b + bh + rnorm(1, 0, 6)
      rows[[length(rows) + 1]] <- data.frame(patient = pat[i],
        hip = paste0(pat[i], h), side = h, visit = visits[v], age = age[i],
        hhs = round(y, 1))
    }
  }
}
d <- do.call(rbind, rows)
d$success <- as.integer(d$hhs + rnorm(nrow(d), 0, 5) >= 70)
miss <- sample(which(d$visit != "m00"), round(0.08 * nrow(d)))
d$hhs[miss] <- NA
d$success[miss] <- NA
write.csv(d, file.path(out, "hhs_visits.csv"), row.names = FALSE, na = "")

## 2. A 3-level within factor (pre, m06, m12) for 20 subjects whose
##    variances grow with time (sphericity violated), long format, two
##    subjects missing one level (dropped as incomplete).
n <- 20
S <- matrix(c(16, 10, 4, 10, 64, 40, 4, 40, 144), 3)
L <- chol(S)
w <- matrix(rnorm(n * 3), n) %*% L
w <- sweep(w, 2, c(40, 46, 50), "+")
long <- data.frame(subject = rep(sprintf("S%02d", 1:n), each = 3),
                   time = rep(c("pre", "m06", "m12"), n),
                   pain = round(as.vector(t(w)), 2))
long$pain[c(5, 31)] <- NA
write.csv(long, file.path(out, "sphericity.csv"), row.names = FALSE, na = "NA")

## 3. Two radiologists' Ficat stage reads on 60 hips and three readers'
##    necrotic-angle measurements (degrees) on the same hips.
truth <- sample(1:4, 60, replace = TRUE, prob = c(.2, .35, .3, .15))
jit <- function(t) pmin(4, pmax(1, t + sample(c(-1, 0, 0, 0, 0, 1), 60, TRUE)))
st <- c("I", "II", "III", "IV")
ang <- 150 + 40 * (truth - 2.5) + rnorm(60, 0, 20)
reads <- data.frame(hip = sprintf("H%02d", 1:60), reader1 = st[jit(truth)],
                    reader2 = st[jit(truth)],
                    angle1 = round(ang + rnorm(60, 0, 8), 1),
                    angle2 = round(ang + 6 + rnorm(60, 0, 8), 1),
                    angle3 = round(ang - 3 + rnorm(60, 0, 10), 1))
write.csv(reads, file.path(out, "reads.csv"), row.names = FALSE)

## 4. Edge cases.
write.csv(data.frame(subject = "S1", time = c("a", "b", "c"), y = c(1, 2, 4)),
          file.path(out, "single_subject.csv"), row.names = FALSE)
write.csv(data.frame(subject = rep(c("S1", "S2", "S3"), each = 3),
                     time = rep(c("a", "b", "c"), 3),
                     y = c(1, 2, 4, 2, 2, 5, 0, 3, 4)),
          file.path(out, "n3.csv"), row.names = FALSE)
write.csv(data.frame(subject = rep(c("S1", "S2", "S3", "S4"), each = 3),
                     time = rep(c("a", "b", "c"), 4), x = rep(1:3, 4),
                     y = 5),
          file.path(out, "constant.csv"), row.names = FALSE)
# n = 3 rated hips, two readers (kappa/icc minimal case)
write.csv(data.frame(r1 = c("I", "II", "III"), r2 = c("I", "III", "III"),
                     a1 = c(100, 140, 190), a2 = c(110, 135, 200)),
          file.path(out, "reads_n3.csv"), row.names = FALSE)
