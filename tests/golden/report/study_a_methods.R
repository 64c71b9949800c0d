# study_a_methods.R: what the methods paragraph must say about the outcome
# models of study A and of two variants of it, from R's own fits
# (tests/cases/report_methods.sh enters each CSV through the avn CLI and
# compares). Writes study_a_novas12.csv (every 12-month VAS value removed),
# study_a_patvar.csv (both hips of each bilateral patient shifted by the
# same patient effect at every visit, so the patient variance is not 0) and
# expected_a_methods.txt: per study, one sentence per outcome.
# Regenerate: cd tests/golden/report && Rscript study_a_methods.R   (R 4.2.2, lme4)
# A variance is "estimated at 0" by lme4's isSingular() rule: its relative
# SD (theta) below 1e-4.
suppressMessages(library(lme4))
a <- read.csv("study_a.csv", stringsAsFactors = FALSE, na.strings = "", colClasses = "character")
v12 <- a; v12$vas_m12 <- NA
pv <- a
bil <- names(which(table(a$patient) == 2))
shift <- setNames(c(9, -8, 7, -9, 8, -7)[seq_along(bil)], bil)   # per bilateral patient
for (col in grep("^(vas|hhs)_", names(pv), value = TRUE)) {
  x <- suppressWarnings(as.numeric(pv[[col]]))
  s <- ifelse(pv$patient %in% bil, shift[pv$patient] * ifelse(pv$side == "left", 1, -1), 0)
  if (startsWith(col, "vas")) s <- s / 10
  y <- ifelse(is.na(x), NA, pmin(pmax(x + s, if (startsWith(col, "vas")) 0 else 0), if (startsWith(col, "vas")) 10 else 100))
  # HHS totals are entered as items: keep them integers; VAS to 1 decimal
  pv[[col]] <- ifelse(is.na(y), "", if (startsWith(col, "vas")) sprintf("%.1f", y) else sprintf("%d", as.integer(round(y))))
}
write.csv(v12, "study_a_novas12.csv", row.names = FALSE, na = "", quote = FALSE)
write.csv(pv, "study_a_patvar0.csv", row.names = FALSE, na = "", quote = FALSE)

vlab <- c(baseline = "Baseline (day 0)", m3 = "3 months", m6 = "6 months", m12 = "12 months", m24 = "24 months")
outs <- list(list(name = "vas", label = "VAS pain (0-10)", visits = c("baseline", "m3", "m6", "m12", "m24")),
             list(name = "hhs", label = "Harris Hip Score", visits = c("baseline", "m6", "m12", "m24")))
has <- function(x) !is.na(x) & x != ""
sentences <- function(d, tag) {
  d$hip <- paste(d$patient, d$side)
  out <- character(0)
  for (o in outs) {
    stored <- sum(sapply(grep(paste0("^", o$name, "_"), names(d), value = TRUE), function(c) sum(has(d[[c]]))))
    vis <- o$visits[sapply(o$visits, function(v) any(has(d[[paste0(o$name, "_", v)]])))]
    W <- sapply(vis, function(v) suppressWarnings(as.numeric(d[[paste0(o$name, "_", v)]])))
    nc <- sum(complete.cases(W))
    L <- do.call(rbind, lapply(seq_along(vis), function(j)
      data.frame(y = W[, j], visit = j, patient = d$patient, hip = d$hip)))
    L <- L[!is.na(L$y), ]; L$visit <- factor(L$visit)
    fit <- lmer(y ~ visit + (1 | patient:hip) + (1 | patient), data = L, REML = TRUE)
    th <- getME(fit, "theta")   # named "patient:hip.(Intercept)", "patient.(Intercept)"
    p0 <- th[["patient.(Intercept)"]] < 1e-4; h0 <- th[["patient:hip.(Intercept)"]] < 1e-4
    vl <- unname(vlab[vis]); vl <- if (length(vl) > 1) paste(paste(vl[-length(vl)], collapse = ", "), "and", vl[length(vl)]) else vl
    out <- c(out, paste0(tag, "\t", o$label, ": the plan's visits ", vl, " (", nrow(L), " of the ", stored,
      " values recorded at any visit", if (nrow(L) < stored) "; values at other visits are not in the models" else "",
      "). Repeated-measures ANOVA on the ", nc, " hips with all ", length(vis), " visits. Mixed model on ",
      nrow(L), " values of ", length(unique(L$hip)), " hips of ", length(unique(L$patient)),
      " patients, random intercepts for patient and for hip within patient",
      if (p0 && h0) ": both variances were estimated at 0, so the fit is that of independent values"
      else if (p0) ": the patient variance was estimated at 0, so the fit is a random intercept per hip"
      else if (h0) ": the hip-within-patient variance was estimated at 0, so the fit is a random intercept per patient"
      else "", "."))
  }
  out
}
writeLines(c(sentences(a, "study_a.csv"), sentences(v12, "study_a_novas12.csv"), sentences(pv, "study_a_patvar0.csv")),
           "expected_a_methods.txt")
