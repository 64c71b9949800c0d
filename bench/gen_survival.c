/*
** gen_survival.c: writes the benchmark survival dataset as CSV to stdout:
** N rows (argv[1], default 1,000,000) of time (integer days 1..3650, so
** heavily tied), status (1 event / 0 censored), group (A, B, C), and five
** covariates x1..x5 (normal, uniform, binary, normal rounded to 2 decimals,
** age-like integer). Event times are exponential with a log-hazard linear in
** the covariates and group; censoring is uniform administrative follow-up.
** Fixed seed (splitmix64), so the file is identical on every run.
** Build: cc -O2 -o gen_survival gen_survival.c -lm
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 20251125;

static uint64_t next(void) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static double unif(void) { return ((double)(next() >> 11) + 0.5) / 9007199254740992.0; }
static double norm(void) {
  return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  static char buf[1 << 16];
  setvbuf(stdout, buf, _IOFBF, sizeof buf);
  printf("time,status,group,x1,x2,x3,x4,x5\n");
  for (long i = 0; i < n; i++) {
    int g = (int)(next() % 3);
    double x1 = norm(), x2 = unif(), x4 = round(norm() * 100) / 100;
    int x3 = unif() < 0.4, x5 = 30 + (int)(next() % 40);
    double lin = 0.3 * x1 - 0.5 * x2 + 0.4 * x3 + 0.2 * x4 + 0.02 * (x5 - 50) +
                 (g == 1 ? 0.3 : g == 2 ? -0.2 : 0);
    double t = -log(unif()) / (0.0005 * exp(lin));
    double c = 365 + unif() * 3285;
    int status = t <= c;
    double tt = status ? t : c;
    long day = (long)ceil(tt);
    if (day > 3650) day = 3650;
    printf("%ld,%d,%c,%.6f,%.6f,%d,%.2f,%d\n", day, status, "ABC"[g], x1, x2, x3, x4, x5);
  }
  return 0;
}
