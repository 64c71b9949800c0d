# make_events_expected.R: R's answers for the report's events sections
# (radiology, survival, safety, cells) on the small study in
# events_patients.csv / events_hips.csv / events_forms.csv (made by
# make_events_data.py), written as the CSV tables avn must print, cell for
# cell, plus the note fragments the report's HTML must contain.
# Regenerate (from the repo root):
#   Rscript tests/golden/report/make_events_expected.R
# writes tests/golden/report/events_expected/*.csv and html_contains.txt.
#
# Sources of truth: survival 3.x (survfit conf.type "log", summary at fixed
# times with extend = FALSE; survdiff; coxph ties = "efron" with
# cluster = patient, whose robust variance is Lin & Wei 1989), base R
# chisq.test / fisher.test, lm, mean/sd/median; Cohen's kappa written out
# from Cohen (1960) with the large-sample variances of Fleiss, Cohen &
# Everitt (1969). The study rules (report_common.md) are re-implemented here
# from their text, independently of avn's C: radiological outcome, oedema,
# lesion change, survival time, complications (onset 0-30 days after the
# procedure's visit date), safety periods (calendar 6-month periods from the
# first enrolment). Steinberg stages are derived from the findings by the
# published rules (Steinberg 1995): flattening / depression > 0 -> IV,
# crescent -> III, abnormal radiograph -> II, positive MRI -> I.
suppressPackageStartupMessages(library(survival))
suppressPackageStartupMessages(library(survey))   # Rao-Scott (svychisq) with patients as clusters
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
out <- file.path(here, "events_expected")
dir.create(out, showWarnings = FALSE)

pat <- read.csv(file.path(here, "events_patients.csv"), stringsAsFactors = FALSE, na.strings = "")
hips <- read.csv(file.path(here, "events_hips.csv"), stringsAsFactors = FALSE)
forms <- read.csv(file.path(here, "events_forms.csv"), stringsAsFactors = FALSE)
kv <- lapply(strsplit(forms$kv, ";", fixed = TRUE), function(p) {
  k <- sub("=.*$", "", p); v <- sub("^[^=]*=", "", p); setNames(as.list(v), k)
})
get <- function(i, item) { v <- kv[[i]][[item]]; if (is.null(v)) NA_character_ else v }
forms$date <- as.Date(forms$date)
pat$enrolled <- as.Date(pat$enrolled); pat$birth <- as.Date(pat$birth)
pat$withdrawn <- as.Date(pat$withdrawn)
hips$key <- paste(hips$patient, hips$side)
visits <- c("baseline", "m1", "m3", "m6", "m12", "m18", "m24")
vlabel <- c(baseline = "Baseline (day 0)", m1 = "1 month", m3 = "3 months", m6 = "6 months",
            m12 = "12 months", m18 = "18 months", m24 = "24 months")

# --- formats (rctx.c) ------------------------------------------------------
# a rounded value keeps its sign (-0.049 at 1 decimal is "-0.0"; rctx.h)
num <- function(x, d) { if (abs(x) < 1e-9) x <- 0; sprintf("%.*f", d, x) }
pct <- function(k, n) if (n == 0) sprintf("%d", k) else sprintf("%d (%.1f%%)", k, 100 * k / n)
fp <- function(p) if (p < 0.001) "<0.001" else sprintf("%.3f", p)
pp <- function(p) if (p < 0.001) "p < 0.001" else sprintf("p = %.3f", p)
msd <- function(x, d) sprintf("%s \u00b1 %s", num(mean(x), d), num(sd(x), d))
g4 <- function(x) sprintf("%.4g", x)
wcsv <- function(df, name) write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE,
                                    quote = TRUE, fileEncoding = "UTF-8")
html <- character(0)

# --- per-hip data -----------------------------------------------------------
mri <- which(forms$form == "mri")
stage_of <- function(i) {
  dep <- as.numeric(get(i, "depression_mm"))
  if (get(i, "flattening") == "yes" || (!is.na(dep) && dep > 0)) return(4)
  if (get(i, "crescent_sign") == "yes") return(3)
  if (get(i, "xray") != "normal") return(2)
  if (get(i, "mri_positive") == "yes") return(1)
  0
}
read_at <- function(h, v, entry = 1) {
  i <- which(forms$form == "mri" & forms$patient == hips$patient[h] & forms$side == hips$side[h] &
               forms$visit == v & forms$entry == entry)
  if (length(i)) i else NA
}
etio_code <- c(steroid = 1, alcohol = 2, idiopathic = 3, sickle_cell = 4)
etio_label <- c(steroid = "Corticosteroid-associated", alcohol = "Alcohol-associated",
                idiopathic = "Idiopathic", sickle_cell = "Sickle cell disease")
hips$etiology <- sapply(seq_len(nrow(hips)), function(h) {
  i <- which(forms$form == "hip_baseline" & forms$patient == hips$patient[h] & forms$side == hips$side[h])
  get(i, "etiology")
})
tha <- which(forms$form == "tha")
hips$tha_date <- as.Date(sapply(seq_len(nrow(hips)), function(h) {
  i <- tha[forms$patient[tha] == hips$patient[h] & forms$side[tha] == hips$side[h]]
  if (length(i)) get(i, "tha_date") else NA_character_
}))
hips$converted <- !is.na(hips$tha_date)
mri_visits <- c("baseline", "m6", "m12", "m24")
res <- lapply(seq_len(nrow(hips)), function(h) {
  b <- read_at(h, "baseline")
  later <- Filter(function(v) !is.na(read_at(h, v)), mri_visits[-1])
  l <- if (length(later)) read_at(h, tail(later, 1)) else NA
  conv <- hips$converted[h]
  chg <- NA
  if (!conv && (is.na(b) || is.na(l))) return(list(out = if (is.na(b)) "nobase" else "nolater", chg = NA))
  prog <- conv; imp <- FALSE
  if (!is.na(b) && !is.na(l)) {
    if (stage_of(l) > stage_of(b)) prog <- TRUE
    if (as.numeric(get(l, "depression_mm")) - as.numeric(get(b, "depression_mm")) > 2) prog <- TRUE
    hb <- as.numeric(get(b, "head_involved_pct")); hl <- as.numeric(get(l, "head_involved_pct"))
    if (hb > 0) { chg <- 100 * (hb - hl) / hb; imp <- 100 * (hb - hl) >= 10 * hb }
  }
  list(out = if (prog) "Progressed" else if (imp) "Improved" else "Stable", chg = chg)
})
hips$outcome <- sapply(res, `[[`, "out")
hips$change <- sapply(res, `[[`, "chg")
hips$has_base <- !is.na(sapply(seq_len(nrow(hips)), read_at, v = "baseline"))

# --- radiology tables ---------------------------------------------------------
outcomes <- c("Improved", "Stable", "Progressed")
outcome_table <- function(group, levels, labels, first, name, what) {
  rows <- list(); m <- NULL
  for (k in seq_along(levels)) {
    sel <- group == levels[k]
    a <- sel & hips$outcome %in% outcomes
    n <- sum(a)
    if (n == 0 && sum(sel & hips$converted) == 0 && sum(sel) == 0) next
    cnt <- sapply(outcomes, function(o) sum(a & hips$outcome == o))
    rows[[length(rows) + 1]] <- c(labels[k], n, sapply(cnt, pct, n = n), sum(sel & hips$converted))
    m <- rbind(m, cnt)
  }
  df <- as.data.frame(do.call(rbind, rows), stringsAsFactors = FALSE)
  names(df) <- c(first, "n", outcomes, "THA")
  wcsv(df, name)
  m <- m[rowSums(m) > 0, colSums(m) > 0, drop = FALSE]
  e <- suppressWarnings(chisq.test(m))$expected
  stopifnot(min(e) < 5)   # this study is small: Fisher's test is the one taken
  html <<- c(html, sprintf("smallest %.2f), %s", min(e), pp(fisher.test(m)$p.value)))
  # the same table with patients as clusters: Rao-Scott second-order F
  a <- hips[group %in% levels & hips$outcome %in% outcomes, ]
  a$g <- factor(group[group %in% levels & hips$outcome %in% outcomes])
  a$o <- factor(a$outcome)
  rs <- svychisq(~g + o, suppressWarnings(svydesign(ids = ~patient, data = a)))
  html <<- c(html, sprintf("F = %.2f on %.2f and %.2f df, %s", rs$statistic, rs$parameter[1],
                           rs$parameter[2], pp(rs$p.value)))
}
outcome_table(hips$stage, c("I", "II", "III"), c("I", "II", "III"), "Stage", "radiology_by_stage")
el <- names(sort(etio_code))
outcome_table(hips$etiology, el, etio_label[el], "Etiology", "radiology_by_etiology")

# the reads the outcome used (entry 1, baseline and last read of the hips
# that have both) name their reader in the methods; then the same with the
# first such hip's baseline read given to another reader, "Dr C"
used <- unlist(lapply(seq_len(nrow(hips)), function(h) {
  b <- read_at(h, "baseline")
  later <- Filter(function(v) !is.na(read_at(h, v)), mri_visits[-1])
  if (is.na(b) || !length(later)) return(NULL)
  c(b, read_at(h, tail(later, 1)))
}))
rdr <- sapply(used, get, item = "reader")
reads_by <- function(r) {
  t <- table(factor(r, unique(r)))
  if (length(t) == 1) return(paste0("(reads by ", names(t), ")"))
  parts <- sprintf("%s (%d)", names(t), as.vector(t))
  paste0("(reads by ", paste(parts[-length(parts)], collapse = ", "), " and ", parts[length(parts)], ")")
}
html <- c(html, reads_by(rdr))
first <- used[1]
rdr2 <- rdr; rdr2[1] <- "Dr C"
writeLines(c(paste(forms$patient[first], forms$visit[first], forms$side[first], sep = ","), reads_by(rdr2)),
           file.path(out, "reader_variant.txt"))

# oedema
bme_at <- function(h, v) { i <- read_at(h, v); if (is.na(i)) NA else get(i, "bme") == "yes" }
nb <- sum(hips$has_base)
ed0 <- sapply(seq_len(nrow(hips)), function(h) hips$has_base[h] && isTRUE(bme_at(h, "baseline")))
ed <- do.call(rbind, lapply(c("m6", "m12"), function(v) {
  at <- sapply(seq_len(nrow(hips)), function(h) bme_at(h, v))
  nm <- sum(hips$has_base & !is.na(at))
  r <- sum(ed0 & !is.na(at) & !at)
  c(vlabel[[v]], nb, pct(sum(ed0), nb), nm, pct(r, nb),
    sprintf("%d of %d (%.1f%%)", r, sum(ed0), 100 * r / sum(ed0)))
}))
ed <- as.data.frame(ed, stringsAsFactors = FALSE)
names(ed) <- c("Visit", "Hips with a baseline MRI", "Oedema at baseline", "MRI at the visit",
               "Oedema resolved", "Resolved, of oedema at baseline")
wcsv(ed, "edema")

# lesion size change
lc <- do.call(rbind, lapply(c("I", "II", "III", "All"), function(s) {
  x <- hips$change[!is.na(hips$change) & (s == "All" | hips$stage == s)]
  c(s, length(x), msd(x, 1), sprintf("%s (%s to %s)", num(median(x), 1), num(min(x), 1), num(max(x), 1)))
}))
lc <- as.data.frame(lc, stringsAsFactors = FALSE)
names(lc) <- c("Stage", "n", "Reduction in lesion size, % (mean \u00b1 SD)", "Median (range)")
wcsv(lc, "lesion_change")

# reader agreement: Cohen's kappa with Fleiss-Cohen-Everitt SEs
sval <- function(code) c(I = 1, II = 2, III = 3, IV = 4)[[sub("[ABC]$", "", code)]]
e2 <- which(forms$form == "mri" & forms$entry == 2)
pairs <- do.call(rbind, lapply(e2, function(i) {
  j <- which(forms$form == "mri" & forms$entry == 1 & forms$patient == forms$patient[i] &
               forms$side == forms$side[i] & forms$visit == forms$visit[i])
  if (get(i, "reader") == get(j, "reader")) return(NULL)
  c(sval(get(j, "steinberg_reader")), sval(get(i, "steinberg_reader")))
}))
k <- 1:4; n <- nrow(pairs)
p <- table(factor(pairs[, 1], k), factor(pairs[, 2], k)) / n
pr <- rowSums(p); pc <- colSums(p)
po <- sum(diag(p)); pe <- sum(pr * pc); kap <- (po - pe) / (1 - pe)
W <- diag(4); wi <- as.vector(W %*% pc); wj <- as.vector(t(W) %*% pr)
v <- (sum(p * (W - outer(wi, wj, "+") * (1 - kap))^2) - (kap - pe * (1 - kap))^2) / (n * (1 - pe)^2)
v0 <- (sum(outer(pr, pc) * (W - outer(wi, wj, "+"))^2) - pe^2) / (n * (1 - pe)^2)
z <- qnorm(0.975)
hp <- unique(do.call(rbind, lapply(e2, function(i) {
  j <- which(forms$form == "mri" & forms$entry == 1 & forms$patient == forms$patient[i] &
               forms$side == forms$side[i] & forms$visit == forms$visit[i])
  if (get(i, "reader") == get(j, "reader")) NULL else c(forms$patient[i], forms$side[i])
})))
# the patient bootstrap interval is random: "(*)" stands for it (test_events
# checks the kappa before it; tests/unit/stats/test_cluster.c the bootstrap)
ra <- data.frame("Steinberg (reader)", n, sprintf("%d / %d", nrow(hp), length(unique(hp[, 1]))),
                 pct(round(po * n), n), sprintf("%s (*)", num(kap, 3)),
                 sprintf("%s to %s", num(kap - z * sqrt(v), 3), num(kap + z * sqrt(v), 3)),
                 fp(2 * pnorm(-abs(kap / sqrt(v0)))), stringsAsFactors = FALSE)
names(ra) <- c("Stage", "Pairs of reads", "Hips / patients", "Observed agreement",
               "Kappa (95% CI, patient bootstrap)", "95% CI, pairs independent", "p, pairs independent")
wcsv(ra, "reader_agreement")

# --- survival -------------------------------------------------------------------
lastv <- tapply(forms$date, forms$patient, max)
hips$enrolled <- pat$enrolled[match(hips$patient, pat$patient)]
hips$end <- as.Date(sapply(seq_len(nrow(hips)), function(h) {
  if (hips$converted[h]) return(as.character(hips$tha_date[h]))
  e <- as.Date(lastv[[hips$patient[h]]], origin = "1970-01-01")
  w <- pat$withdrawn[pat$patient == hips$patient[h]]
  as.character(if (!is.na(w) && w < e) w else e)
}))
hips$time <- as.numeric(hips$end - hips$enrolled) / (365.25 / 12)
hips$event <- as.integer(hips$converted)
hips$stagef <- factor(paste("Stage", hips$stage), levels = paste("Stage", c("I", "II", "III")))
times <- c(6, 12, 18, 24)
# the interval with patients as clusters (robust, id = patient) first, the
# Greenwood one beside it
surv_rows <- function(fit, name, tmax, rob) {
  tt <- times[times <= tmax]
  s <- summary(fit, times = tt, extend = FALSE)
  r <- summary(rob, times = tt, extend = FALSE)
  do.call(rbind, lapply(seq_along(s$time), function(i) {
    c(name, num(s$time[i], 0), s$n.risk[i], sum(fit$n.event[fit$time <= s$time[i]]),
      sprintf("%s (%s-%s)", num(100 * r$surv[i], 1), num(100 * r$lower[i], 1), num(100 * r$upper[i], 1)),
      sprintf("%s-%s", num(100 * s$lower[i], 1), num(100 * s$upper[i], 1)))
  }))
}
robfit <- function(d) survfit(Surv(time, event) ~ 1, data = d, conf.type = "log", id = patient, robust = TRUE)
fit <- survfit(Surv(time, event) ~ 1, data = hips, conf.type = "log")
sv <- surv_rows(fit, "All", max(hips$time), robfit(hips))
for (g in levels(hips$stagef)) {
  d <- hips[hips$stagef == g, ]
  sv <- rbind(sv, surv_rows(survfit(Surv(time, event) ~ 1, data = d, conf.type = "log"), g, max(d$time),
                            robfit(d)))
}
sv <- as.data.frame(sv, stringsAsFactors = FALSE)
names(sv) <- c("Curve", "Months", "At risk", "Events", "Survival, % (95% CI, clustered)",
               "95% CI, hips independent")
wcsv(sv, "survival")
lr <- survdiff(Surv(time, event) ~ stagef, data = hips)
df <- length(lr$n) - 1
html <- c(html, sprintf("chi-square %.2f on %d df, %s", lr$chisq, df,
                        pp(pchisq(lr$chisq, df, lower.tail = FALSE))))
# beside it, the robust score test with patients as clusters (coxph's rscore)
rsc <- suppressWarnings(coxph(Surv(time, event) ~ stagef, data = hips, cluster = patient))$rscore
html <- c(html, sprintf("cluster = patient)): chi-square %.2f on %d df, %s", rsc, df,
                        pp(pchisq(rsc, df, lower.tail = FALSE))))
age_years <- function(b, on) {
  b <- as.POSIXlt(b); on <- as.POSIXlt(on)
  (on$year - b$year) - ((on$mon < b$mon) | (on$mon == b$mon & on$mday < b$mday))
}
hips$age <- age_years(pat$birth[match(hips$patient, pat$patient)], hips$enrolled)
cx <- coxph(Surv(time, event) ~ age + stagef, data = hips, cluster = patient, ties = "efron")
sm <- summary(cx)$coefficients
ci <- summary(cx)$conf.int
cox <- data.frame(c("Age (years)", "Stage II vs Stage I", "Stage III vs Stage I"),
                  sapply(sm[, "coef"], num, d = 3), sapply(sm[, "se(coef)"], num, d = 3),
                  sapply(sm[, "robust se"], num, d = 3),
                  sprintf("%s (%s to %s)", sapply(ci[, 1], num, d = 2), sapply(ci[, 3], num, d = 2),
                          sapply(ci[, 4], num, d = 2)),
                  sapply(sm[, "Pr(>|z|)"], fp), stringsAsFactors = FALSE)
names(cox) <- c("Term", "\u03b2", "SE", "Robust SE", "HR (95% CI)", "p")
wcsv(cox, "cox")

# --- safety ---------------------------------------------------------------------
aei <- which(forms$form == "ae")
ae <- data.frame(patient = forms$patient[aei], term = trimws(sapply(aei, get, item = "term")),
                 grade = as.integer(sapply(aei, get, item = "grade")),
                 serious = sapply(aei, get, item = "serious") == "yes",
                 related = as.integer(sapply(aei, get, item = "related")),
                 onset = as.Date(sapply(aei, get, item = "onset_date")), stringsAsFactors = FALSE)
ae$key <- tolower(ae$term)
ae <- ae[order(ae$key, ae$patient, method = "radix"), ]
npat <- nrow(pat)
term_row <- function(d, label)
  c(label, pct(length(unique(d$patient)), npat), nrow(d), sapply(1:5, function(g) sum(d$grade == g)),
    sum(d$related >= 3), sum(d$serious))
keys <- unique(ae$key)
info <- data.frame(key = keys, pts = sapply(keys, function(k) length(unique(ae$patient[ae$key == k]))),
                   ev = sapply(keys, function(k) sum(ae$key == k)), first = seq_along(keys))
info <- info[order(-info$pts, -info$ev, info$first), ]
at <- rbind(term_row(ae, "Any adverse event"),
            do.call(rbind, lapply(info$key, function(k) term_row(ae[ae$key == k, ], ae$term[ae$key == k][1]))))
at <- as.data.frame(at, stringsAsFactors = FALSE)
names(at) <- c("Term", "Patients, n (%)", "Events", paste("Grade", 1:5), "Related", "Serious")
wcsv(at, "ae_terms")

procs <- data.frame(visit = c("baseline", "m3", "m6"),
                    label = c("Core decompression + BMMC injection 1", "BMMC injection 2", "BMMC injection 3"))
pf <- forms[forms$form == "procedure", ]
vdate <- function(p, v) max(forms$date[forms$patient == p & forms$visit == v])
ae$proc <- NA
for (i in seq_len(nrow(ae))) for (k in 1:3) {
  if (!any(pf$patient == ae$patient[i] & pf$visit == procs$visit[k])) next
  d <- as.numeric(ae$onset[i] - vdate(ae$patient[i], procs$visit[k]))
  if (d >= 0 && d <= 30) ae$proc[i] <- k   # procedures are in time order: the later wins
}
cp <- do.call(rbind, lapply(1:3, function(k) {
  d <- ae[!is.na(ae$proc) & ae$proc == k, ]
  treated <- length(unique(pf$patient[pf$visit == procs$visit[k]]))
  tk <- unique(d$key)
  terms <- if (nrow(d)) paste(sapply(tk, function(x) sprintf("%s (%d)", d$term[d$key == x][1], sum(d$key == x))),
                              collapse = "; ") else "none"
  c(procs$label[k], treated, sum(pf$visit == procs$visit[k]), nrow(d), pct(length(unique(d$patient)), treated),
    sum(d$serious), terms)
}))
cp <- as.data.frame(cp, stringsAsFactors = FALSE)
names(cp) <- c("Procedure", "Patients treated", "Hips treated", "Complications", "Patients with a complication",
               "Serious", "Terms (events)")
wcsv(cp, "complications")

start <- min(pat$enrolled)
end <- max(c(pat$enrolled, forms$date, ae$onset))
addm <- function(d, m) seq(d, by = paste(m, "months"), length.out = 2)[2]
per <- NULL; cum <- 0; cums <- 0; k <- 0
repeat {
  a <- if (k == 0) start else addm(start, 6 * k)
  if (a > end) break
  b <- addm(start, 6 * (k + 1))
  s <- ae$onset >= a & ae$onset < b
  cum <- cum + sum(s); cums <- cums + sum(s & ae$serious)
  per <- rbind(per, c(k + 1, sprintf("%s to %s", a, b - 1), sum(pat$enrolled < b), sum(s), cum,
                      sum(s & ae$serious), cums))
  k <- k + 1
}
per <- as.data.frame(per, stringsAsFactors = FALSE)
names(per) <- c("Period", "Dates", "Patients enrolled", "New AEs", "Cumulative AEs", "New SAEs", "Cumulative SAEs")
wcsv(per, "ae_periods")

sat <- sapply(which(forms$form == "satisfaction" & forms$visit == "m24"), get, item = "satisfaction")
lv <- c(very_satisfied = "5 Very satisfied", satisfied = "4 Satisfied",
        neutral = "3 Neither satisfied nor dissatisfied", dissatisfied = "2 Dissatisfied",
        very_dissatisfied = "1 Very dissatisfied")
st <- data.frame(lv, sapply(names(lv), function(x) pct(sum(sat == x), length(sat))), stringsAsFactors = FALSE)
names(st) <- c("Response", "Patients, n (%)")
wcsv(st, "satisfaction")

# --- cells ------------------------------------------------------------------------
ci_ <- which(forms$form == "cell_product")
nv <- function(item) as.numeric(sapply(ci_, get, item = item))
tm <- function(item) sapply(strsplit(sapply(ci_, get, item = item), ":"), function(x) 60 * as.numeric(x[1]) + as.numeric(x[2]))
cpd <- data.frame(proc = nv("injection_no"), asp = nv("aspirated_ml"), fin = nv("final_ml"),
                  conc = nv("mnc_conc_e6_per_ml"))
cpd$dose <- cpd$conc * cpd$fin
cpd$viab <- nv("live_count") / (nv("live_count") + nv("dead_count")) * 100
cpd$h2l <- tm("lab_time") - tm("harvest_time")
cpd$p2i <- tm("injection_time") - tm("processed_time")
cpd$rcf1 <- 1.118e-5 * nv("spin1_radius_cm") * nv("spin1_rpm")^2
cpd$rcf2 <- 1.118e-5 * nv("spin2_radius_cm") * nv("spin2_rpm")^2
meas <- list(c("asp", "Bone marrow aspirated (ml)", 1), c("fin", "Final product volume (ml)", 1),
             c("conc", "Mononuclear cells (x10^6/ml)", 1), c("dose", "Cell dose: mononuclear cells (x10^6)", 1),
             c("viab", "Viability (%)", 1), c("h2l", "Harvest to laboratory (min)", 0),
             c("p2i", "Processing to injection (min)", 0), c("rcf1", "Centrifugation 1 (x g)", 0),
             c("rcf2", "Centrifugation 2 (x g)", 0))
cps <- do.call(rbind, lapply(meas, function(m) {
  d <- as.integer(m[3])
  do.call(rbind, lapply(c("1", "2", "3", "All"), function(g) {
    x <- cpd[[m[1]]][g == "All" | cpd$proc == as.integer(if (g == "All") 0 else g)]
    c(m[2], g, length(x), msd(x, d), sprintf("%s-%s", num(min(x), d), num(max(x), d)))
  }))
}))
cps <- as.data.frame(cps, stringsAsFactors = FALSE)
names(cps) <- c("Measure", "Procedure", "n", "Mean \u00b1 SD", "Range")
wcsv(cps, "cell_products")

# deviations: the protocol's limits, read from protocols/sequential.yaml
y <- readLines(file.path(here, "..", "..", "..", "protocols", "sequential.yaml"))
y <- grep("^  - \\{name: .*form: (cell_product|procedure), field:", y, value = TRUE)
field <- function(s, k) sub(paste0("^.*", k, ": \"?([^,\"}]*)\"?[,}].*$"), "\\1", s)
pfi <- which(forms$form == "procedure")
dev <- do.call(rbind, lapply(y, function(s) {
  f <- field(s, "form"); fl <- field(s, "field"); txt <- sub('^.*text: "([^"]*)".*$', "\\1", s)
  idx <- if (f == "cell_product") ci_ else pfi
  raw <- sapply(idx, get, item = fl)
  if (grepl(" is: ", s)) {
    bad <- raw != field(s, "is"); vals <- if (any(bad)) raw[bad][1] else ""
  } else {
    x <- as.numeric(raw); lo <- as.numeric(field(s, "min")); hi <- as.numeric(field(s, "max"))
    bad <- x < lo | x > hi
    vals <- if (!any(bad)) "" else if (min(x[bad]) == max(x[bad])) sprintf("%g", min(x[bad])) else
      sprintf("%g to %g", min(x[bad]), max(x[bad]))
  }
  c(paste0(f, ".", fl), txt, length(idx), pct(sum(bad), length(idx)), vals)
}))
dev <- as.data.frame(dev, stringsAsFactors = FALSE)
names(dev) <- c("Limit", "Protocol", "Forms checked", "Outside the limit", "Values outside")
wcsv(dev, "cell_deviations")

# dose against the change in VAS (the plan's first primary outcome), baseline -> m24
vas <- function(p, s, v) {
  i <- which(forms$form == "vas" & forms$patient == p & forms$side == s & forms$visit == v)
  if (length(i)) as.numeric(get(i, "pain_mm")) / 10 else NA
}
d1 <- sapply(seq_len(nrow(hips)), function(h) {
  i <- ci_[forms$patient[ci_] == hips$patient[h] & forms$side[ci_] == hips$side[h] &
             sapply(ci_, get, item = "injection_no") == "1"]
  if (length(i)) as.numeric(get(i, "mnc_conc_e6_per_ml")) * as.numeric(get(i, "final_ml")) else NA
})
chg <- sapply(seq_len(nrow(hips)), function(h) vas(hips$patient[h], hips$side[h], "m24") -
                                                 vas(hips$patient[h], hips$side[h], "baseline"))
ok <- !is.na(d1) & !is.na(chg)
fit <- lm(chg[ok] ~ d1[ok])
cf <- summary(fit)$coefficients; cint <- confint(fit)
dm <- data.frame("VAS pain (0-10)", "Baseline (day 0) to 24 months", sum(ok),
                 sprintf("%s (%s to %s)", g4(cf[2, 1]), g4(cint[2, 1]), g4(cint[2, 2])), fp(cf[2, 4]),
                 g4(cf[1, 1]), num(summary(fit)$r.squared, 3), stringsAsFactors = FALSE)
names(dm) <- c("Outcome", "Change", "n", "Slope per 10^6 cells (95% CI)", "p", "Intercept", "R\u00b2")
wcsv(dm, "dose_model")

writeLines(html, file.path(out, "html_contains.txt"))
