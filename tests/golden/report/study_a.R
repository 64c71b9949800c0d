# study_a.R: R's answers for the report tables of the study in study_a.csv
# (entered through the avn CLI by tests/cases/report_outcomes.sh), written
# as the cells avn's report must show: expected_a_<table>.csv.
# Regenerate: cd tests/golden/report && Rscript study_a.R   (R 4.2.2, lmerTest)
# Plan: protocols/sequential.yaml analysis (VAS at baseline, m3, m6, m12,
# m24; HHS at baseline, m6, m12, m24; final m24; responder/success HHS > 20,
# THA = failure; subgroups stage, etiology, lesion_size [30, 50], age [40],
# laterality; predictors age, sex, stage, etiology; cluster on patient).
# Differences of recorded values are rounded to 1e-9 (round(x, 9)), as avn
# does (rvar_snap), so 2.0 - 7.3 and 1.5 - 6.8 are the tie they are in the
# data rather than two doubles that differ in the last bit.
suppressMessages(library(lmerTest))
suppressMessages(library(survey))   # patient-clustered estimates (svymean, svyciprop)
options(warn = 1)
d <- read.csv("study_a.csv", stringsAsFactors = FALSE, na.strings = "")
d$hip <- paste(d$patient, d$side)
day0 <- as.Date("2022-03-01")
age_years <- function(b, on) {
  b <- as.POSIXlt(as.Date(b)); o <- as.POSIXlt(on)
  o$year - b$year - ((o$mon < b$mon) | (o$mon == b$mon & o$mday < b$mday))
}
d$age <- age_years(d$birth, day0)
d$converted24 <- !is.na(d$tha_date) & as.Date(d$tha_date) <= as.Date("2024-03-01")

# avn's number formats (src/report/rctx.c)
# a rounded value keeps its sign (-0.049 at 1 decimal is "-0.0"); an
# interval's bound that differs from 0 gains decimals until it does not
# print as 0 (rctx.h)
num <- function(x, k) { x[abs(x) < 1e-9] <- 0; sprintf("%.*f", k, x) }
bnd <- function(x, k) {
  if (abs(x) >= 1e-9) while (k < 9 && !grepl("[1-9]", sprintf("%.*f", k, x))) k <- k + 1
  num(x, k)
}
msd <- function(x, k) if (length(x) > 1) paste0(num(mean(x), k), " \u00b1 ", num(sd(x), k)) else num(mean(x), k)
fp <- function(p) if (p < 0.001) "<0.001" else sprintf("%.3f", p)
ci3 <- function(e, lo, hi, k) paste0(num(e, k), " (", bnd(lo, k), " to ", bnd(hi, k), ")")
# the patient-clustered design of values x of hips `pt` (survey, ids = ~patient)
cdes <- function(x, pt) suppressWarnings(svydesign(ids = ~pt, data = data.frame(x = x, pt = pt)))
vlab <- c(baseline = "Baseline (day 0)", m3 = "3 months", m6 = "6 months", m12 = "12 months",
          m24 = "24 months")
outs <- list(list(name = "vas", label = "VAS pain (0-10)", visits = c("baseline", "m3", "m6", "m12", "m24"), hb = FALSE),
             list(name = "hhs", label = "Harris Hip Score", visits = c("baseline", "m6", "m12", "m24"), hb = TRUE))
col <- function(o, v) d[[paste0(o$name, "_", v)]]

# --- outcomes ---------------------------------------------------------------
rows <- list()
for (o in outs) {
  m <- length(o$visits) - 1
  for (j in seq_along(o$visits)) {
    v <- o$visits[j]; x <- col(o, v); x <- x[!is.na(x)]
    q <- quantile(x, c(0.25, 0.5, 0.75))
    r <- c(o$label, vlab[[v]], length(x), msd(x, 1),
           paste0(num(q[2], 1), " (", num(q[1], 1), "-", num(q[3], 1), ")"), "", "", "", "", "", "", "")
    if (j > 1) {
      b <- col(o, "baseline"); y <- col(o, v); ok <- !is.na(b) & !is.na(y); dd <- round(y[ok] - b[ok], 9)
      # patients as clusters: svymean with its t interval and test on degf = patients - 1
      des <- cdes(dd, d$patient[ok]); sm <- svymean(~x, des); ci <- confint(sm, df = degf(des))
      pc <- 2 * pt(-abs(coef(sm) / SE(sm)), degf(des))
      r[6] <- ci3(coef(sm), ci[1], ci[2], 1); r[7] <- fp(pc); r[8] <- fp(min(1, pc * m))
      tt <- t.test(dd)
      r[9] <- ci3(mean(dd), tt$conf.int[1], tt$conf.int[2], 1)
      sw <- shapiro.test(dd)$p.value
      if (sw < 0.05) { p <- suppressWarnings(wilcox.test(dd)$p.value); r[10] <- "Wilcoxon signed-rank" }
      else { p <- tt$p.value; r[10] <- "Paired t" }
      r[11] <- fp(p); r[12] <- fp(min(1, p * m))
    }
    rows[[length(rows) + 1]] <- r
  }
}
out <- do.call(rbind, rows)
colnames(out) <- c("Outcome", "Visit", "n", "Mean \u00b1 SD", "Median (IQR)",
                   "Change from baseline (95% CI), clustered", "p, clustered", "p (Bonferroni), clustered",
                   "Change from baseline (95% CI), hips independent", "Test, hips independent",
                   "p, hips independent", "p (Bonferroni), hips independent")
write.csv(out, "expected_a_outcomes.csv", row.names = FALSE, fileEncoding = "UTF-8")

# --- outcome models ---------------------------------------------------------
rows <- list()
for (o in outs) {
  k <- length(o$visits)
  W <- as.matrix(d[, paste0(o$name, "_", o$visits)]); W <- W[complete.cases(W), ]
  n <- nrow(W)
  long <- data.frame(y = as.vector(t(W)), s = factor(rep(seq_len(n), each = k)),
                     v = factor(rep(seq_len(k), n)))
  a <- summary(aov(y ~ v + Error(s / v), data = long))[["Error: s:v"]][[1]]
  Fv <- a[1, "F value"]; df1 <- a[1, "Df"]; df2 <- a[2, "Df"]
  C <- contr.helmert(k); C <- sweep(C, 2, sqrt(colSums(C^2)), "/")
  S <- t(C) %*% cov(W) %*% C
  eps <- sum(diag(S))^2 / ((k - 1) * sum(diag(S %*% S)))
  pgg <- pf(Fv, eps * df1, eps * df2, lower.tail = FALSE)
  rows[[length(rows) + 1]] <- c(o$label, "Repeated-measures ANOVA", paste(n, "hips (complete cases)"),
                                "Visit (GG-corrected)", "", "",
                                paste0(num(eps * df1, 2), ", ", num(eps * df2, 2)),
                                paste0("F = ", num(Fv, 2)), num(eps, 3), fp(pgg))
  L <- do.call(rbind, lapply(seq_along(o$visits), function(j)
    data.frame(y = col(o, o$visits[j]), visit = j, patient = d$patient, hip = d$hip)))
  L <- L[!is.na(L$y), ]; L$visit <- factor(L$visit)
  fit <- lmer(y ~ visit + (1 | patient) + (1 | patient:hip), data = L, REML = TRUE)
  cf <- summary(fit)$coefficients
  lab <- paste(nrow(L), "values,", length(unique(L$hip)), "hips,", length(unique(L$patient)), "patients")
  for (j in 2:k) {
    e <- cf[j, "Estimate"]; se <- cf[j, "Std. Error"]; df <- cf[j, "df"]
    rows[[length(rows) + 1]] <- c(o$label, "Linear mixed model", lab,
                                  paste(vlab[[o$visits[j]]], "vs", vlab[["baseline"]]),
                                  ci3(e, e - qt(0.975, df) * se, e + qt(0.975, df) * se, 1),
                                  num(se, 2), num(df, 1), paste0("t = ", num(cf[j, "t value"], 2)), "",
                                  fp(cf[j, "Pr(>|t|)"]))
  }
}
out <- do.call(rbind, rows)
colnames(out) <- c("Outcome", "Model", "n", "Term", "Estimate (95% CI)", "SE", "df", "Statistic",
                   "GG \u03b5", "p")
write.csv(out, "expected_a_outcome_models.csv", row.names = FALSE, fileEncoding = "UTF-8")

# --- responders -------------------------------------------------------------
wil <- function(k, n) { ci <- suppressWarnings(prop.test(k, n, correct = FALSE)$conf.int)
                        sprintf("%.1f-%.1f%%", 100 * ci[1], 100 * ci[2]) }
share <- function(k, n) sprintf("%d/%d (%.1f%%)", k, n, 100 * k / n)
clu <- function(r, pt) { if (all(r) || !any(r)) return("")
  ci <- attr(svyciprop(~x, cdes(as.numeric(r), pt), method = "logit"), "ci")
  sprintf("%.1f-%.1f%%", 100 * ci[1], 100 * ci[2]) }
rows <- list()
resp <- function(o, thr, strict, def) {
  b <- col(o, "baseline"); f <- col(o, "m24")
  imp <- round((f - b) * (if (o$hb) 1 else -1), 9)
  has <- !is.na(imp) & !d$converted24
  r <- has & (if (strict) imp > thr else imp >= thr)
  with <- sum(has | d$converted24); k <- sum(r); N <- nrow(d)
  w <- has | d$converted24
  c(o$label, paste0(def, ", Baseline (day 0) to 24 months"), share(k, N), clu(r, d$patient), wil(k, N),
    share(k, with), clu(r[w], d$patient[w]), wil(k, with))
}
rows[[1]] <- resp(outs[[1]], 1.53, FALSE, "improvement \u2265 MCID (1.53)")
rows[[2]] <- resp(outs[[2]], 15.9, FALSE, "improvement \u2265 MCID (15.9)")
rows[[3]] <- resp(outs[[2]], 20, TRUE, "improvement > 20")
out <- do.call(rbind, rows)
colnames(out) <- c("Outcome", "Definition", "Responders / all hips (ITT)", "95% CI, clustered",
                   "95% CI, hips independent", "Responders / hips with data", "95% CI, clustered",
                   "95% CI, hips independent")
write.csv(out, "expected_a_responders.csv", row.names = FALSE, fileEncoding = "UTF-8")

# --- subgroups --------------------------------------------------------------
etl <- c(steroid = "Corticosteroid-associated", alcohol = "Alcohol-associated", idiopathic = "Idiopathic")
bil <- table(d$patient); d$lat <- ifelse(bil[d$patient] == 2, "Bilateral", "Unilateral")
cutlab <- function(x, cuts, unit) {
  k <- findInterval(x, cuts)
  lab <- ifelse(k == 0, paste0("< ", cuts[1], unit),
         ifelse(k == length(cuts), paste0("\u2265 ", cuts[length(cuts)], unit),
                paste0(cuts[pmax(k, 1)], unit, " to < ", cuts[pmin(k + 1, length(cuts))], unit)))
  factor(lab, levels = unique(lab[order(k)]))
}
groups <- list(
  list(title = "Stage", g = factor(paste("Stage", d$stage), levels = paste("Stage", c("I", "II", "III")))),
  list(title = "Etiology", g = factor(etl[d$etiology], levels = etl)),
  list(title = "Lesion size (% of head)", g = cutlab(d$lesion_pct, c(30, 50), "%")),
  list(title = "Age (years)", g = cutlab(d$age, 40, " years")),
  list(title = "Laterality", g = factor(d$lat, levels = c("Unilateral", "Bilateral"))))
rows <- list()
for (o in outs) for (G in groups) {
  ch <- round(col(o, "m24") - col(o, "baseline"), 9); ok <- !is.na(ch)
  x <- ch[ok]; g <- droplevels(G$g[ok])
  tab <- table(g); use <- names(tab)[tab >= 2]
  xs <- split(x, g)[use]
  normal <- all(sapply(xs, function(v) length(v) >= 3 && shapiro.test(v)$p.value >= 0.05))
  if (length(use) == 2) {
    if (normal) { p <- t.test(xs[[1]], xs[[2]])$p.value; tn <- "Welch t" }
    else { p <- suppressWarnings(wilcox.test(xs[[1]], xs[[2]])$p.value); tn <- "Mann-Whitney" }
  } else {
    yy <- unlist(xs); gg <- factor(rep(names(xs), sapply(xs, length)))
    if (normal) { p <- summary(aov(yy ~ gg))[[1]][1, "Pr(>F)"]; tn <- "One-way ANOVA" }
    else { p <- kruskal.test(yy, gg)$p.value; tn <- "Kruskal-Wallis" }
  }
  for (l in levels(g)) {
    v <- x[g == l]; first <- l == levels(g)[1]
    rows[[length(rows) + 1]] <- c(o$label, G$title, l, length(v), msd(v, 1),
                                  if (first) tn else "", if (first) fp(p) else "")
  }
}
out <- do.call(rbind, rows)
colnames(out) <- c("Outcome", "Subgroup", "Group", "n", "Change (mean \u00b1 SD)", "Test", "p")
write.csv(out, "expected_a_subgroups.csv", row.names = FALSE, fileEncoding = "UTF-8")

# --- logistic ---------------------------------------------------------------
imp <- d$hhs_m24 - d$hhs_baseline
d$success <- ifelse(d$converted24, 0, ifelse(is.na(imp), NA, as.integer(imp > 20)))
m <- d[!is.na(d$success), ]
m$sex <- factor(ifelse(m$sex == "male", "Male", "Female"))
m$stage <- factor(paste("Stage", m$stage)); m$etiology <- factor(etl[m$etiology], levels = etl)
fit <- glm(success ~ age + sex + stage + etiology, family = binomial, data = m)
cr1 <- function(fit, cl) {
  X <- model.matrix(fit); n <- nrow(X); k <- ncol(X); G <- length(unique(cl))
  r <- fit$y - fitted(fit); B <- summary(fit)$cov.unscaled; M <- crossprod(rowsum(X * r, cl))
  G / (G - 1) * (n - 1) / (n - k) * B %*% M %*% B
}
se <- sqrt(diag(cr1(fit, m$patient))); b <- coef(fit); z <- b / se
nm <- c("Age (years), per year", "Sex: Male vs Female", "Stage: Stage II vs Stage I",
        "Stage: Stage III vs Stage I", "Etiology: Alcohol-associated vs Corticosteroid-associated",
        "Etiology: Idiopathic vs Corticosteroid-associated")
out <- cbind(nm, paste0(num(exp(b[-1]), 2), " (", num(exp(b[-1] - qnorm(0.975) * se[-1]), 2), " to ",
                        num(exp(b[-1] + qnorm(0.975) * se[-1]), 2), ")"),
             sapply(2 * pnorm(-abs(z[-1])), fp))
colnames(out) <- c("Predictor", "OR (95% CI)", "p")
write.csv(out, "expected_a_logistic.csv", row.names = FALSE, fileEncoding = "UTF-8")
cat("success", sum(m$success), "of", nrow(m), "\n")
