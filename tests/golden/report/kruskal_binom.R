# Reference values for tests/unit/stats/test_kruskal_binom.c.
# Regenerate: Rscript tests/golden/report/kruskal_binom.R  (R 4.2.2)
options(digits = 17)
# Hollander & Wolfe (1973) p. 116, R's ?kruskal.test example (no ties)
x <- c(2.9, 3.0, 2.5, 2.6, 3.2); y <- c(3.8, 2.7, 4.0, 2.4); z <- c(2.8, 3.4, 3.7, 2.2, 2.0)
k <- kruskal.test(list(x, y, z)); cat("hw", k$statistic, k$parameter, k$p.value, "\n")
# with ties, 4 groups
a <- c(1, 2, 2, 3, 5); b <- c(2, 3, 3, 4); c <- c(5, 5, 6, 1); d <- c(7, 7, 2)
k <- kruskal.test(list(a, b, c, d)); cat("ties", k$statistic, k$parameter, k$p.value, "\n")
# Wilson score intervals = prop.test(correct = FALSE)
for (kn in list(c(45, 58), c(0, 10), c(10, 10), c(1, 3), c(83, 100))) {
  ci <- prop.test(kn[1], kn[2], correct = FALSE)$conf.int
  cat("wilson", kn[1], kn[2], ci[1], ci[2], "\n")
}
