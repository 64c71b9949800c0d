# expected_lib.R: helpers shared by the make_expected_*.R scripts (sourced).
# num(): a finite number or NA (written as null); htest_vals(): the fields
# of an htest that avn's JSON reports (statistic, p, df, estimate, CI).
num <- function(v) if (is.null(v) || length(v) == 0 || !is.finite(v)) NA else unname(v)
htest_vals <- function(h, extra = list()) {
  v <- list(statistic = num(h$statistic), p = num(h$p.value))
  if (!is.null(h$parameter)) v$df <- num(h$parameter[1])
  if (!is.null(h$estimate) && length(h$estimate) == 1) v$estimate <- num(h$estimate)
  if (!is.null(h$conf.int)) { v$ci_low <- num(h$conf.int[1]); v$ci_high <- num(h$conf.int[2]) }
  c(v, extra)
}
