#!/usr/bin/env python3
"""Runs every NIST StRD linear-regression and one-way ANOVA file of
tests/golden/stats/nist/ through `avn stats ols` / `avn stats anova` from a
CSV whose cells are the .dat file's own decimal text, and asserts the log
relative error (LRE, capped at 15) against NIST's certified values:
coefficients, their SDs, residual SD and R^2 (regression); between and
within sums of squares and mean squares, F, R^2 and residual SD (ANOVA).
Polynomial files go through --degree K (Filip 10, Wampler1-5 5, Pontius 2).

usage: stats_check_nist.py AVN SOURCE_DIR TMPDIR [--min 9]
Prints the minimum LRE per file; exit 1 when one is below --min.
"""
import json, math, os, re, subprocess, sys

avn, src, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
need = float(sys.argv[sys.argv.index("--min") + 1]) if "--min" in sys.argv else 9.0
nist = os.path.join(src, "tests/golden/stats/nist")
REG = {"Norris": 1, "Pontius": 2, "NoInt1": 1, "NoInt2": 1, "Filip": 10, "Longley": 1,
       "Wampler1": 5, "Wampler2": 5, "Wampler3": 5, "Wampler4": 5, "Wampler5": 5}
ANOVA = ["SiRstv", "SmLs01", "SmLs02", "SmLs03", "SmLs04", "SmLs05", "SmLs06", "SmLs07",
         "SmLs08", "SmLs09", "AtmWtAg"]


def lre(got, cert):
    if got is None:
        return 0.0
    d = abs(got - cert) / abs(cert) if cert != 0 else abs(got)
    return 15.0 if d == 0 else min(15.0, -math.log10(d))


def num(tok):
    return float(tok.replace("D", "E"))


def read(name):
    lines = open(os.path.join(nist, name + ".dat")).read().splitlines()
    head = "\n".join(lines[:60])
    a, b = map(int, re.search(r"Data\s+\(lines (\d+) to (\d+)\)", head).groups())
    return lines, [l.split() for l in lines[a - 1:b] if l.strip()]


def avn_json(args):
    p = subprocess.run([avn, "stats", *args, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"FAIL avn stats {' '.join(args)}: {p.stderr.strip()}")
        return None
    return json.loads(p.stdout)


bad = 0
for name, degree in REG.items():
    lines, rows = read(name)
    text = "\n".join(lines)
    cert = [(num(m.group(2)), num(m.group(3))) for m in
            re.finditer(r"^\s*B(\d+)\s+(\S+)\s+(\S+)\s*$", text, re.M)]
    rsd = num(re.search(r"Residual\s*\n?\s*Standard Deviation\s+(\S+)", text).group(1))
    r2 = num(re.search(r"R-Squared\s+(\S+)", text).group(1))
    npred = len(rows[0]) - 1
    xs = [f"x{j + 1}" for j in range(npred)] if npred > 1 else ["x"]
    csv = os.path.join(tmp, name + ".csv")
    with open(csv, "w") as f:
        f.write(",".join(["y", *xs]) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    args = ["ols", "--data", csv, "--outcome", "y", "--predictors", ",".join(xs)]
    if degree > 1:
        args += ["--degree", str(degree)]
    if name.startswith("NoInt"):
        args.append("--no-intercept")
    got = avn_json(args)
    if got is None:
        bad += 1
        continue
    co = got["coefficients"]
    vals = [lre(co[j]["estimate"], c[0]) for j, c in enumerate(cert)]
    vals += [lre(co[j]["se"], c[1]) for j, c in enumerate(cert)]
    vals += [lre(got.get("sigma"), rsd), lre(got.get("r2"), r2)]
    m = min(vals)
    print(f"  {name:9s} ols{' --degree ' + str(degree) if degree > 1 else '':12s} min LRE {m:5.2f}")
    if m < need:
        print(f"FAIL {name}: min LRE {m:.2f} < {need}")
        bad += 1

for name in ANOVA:
    lines, rows = read(name)
    text = "\n".join(lines)
    bt = re.search(r"Between \w+\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)", text).groups()
    wt = re.search(r"Within \w+\s+(\d+)\s+(\S+)\s+(\S+)", text).groups()
    r2 = num(re.search(r"R-Squared\s+(\S+)", text).group(1))
    rsd = num(re.search(r"Standard Deviation\s+(\S+)", text).group(1))
    csv = os.path.join(tmp, name + ".csv")
    with open(csv, "w") as f:
        f.write("g,y\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]}\n")
    got = avn_json(["anova", "--data", csv, "--value", "y", "--group", "g"])
    if got is None:
        bad += 1
        continue
    vals = [lre(got["ss_between"], num(bt[1])), lre(got["ms_between"], num(bt[2])),
            lre(got["statistic"], num(bt[3])), lre(got["ss_within"], num(wt[1])),
            lre(got["ms_within"], num(wt[2])), lre(got["eta_squared"], r2),
            lre(math.sqrt(got["ms_within"]), rsd)]
    m = min(vals)
    print(f"  {name:9s} anova{'':10s} min LRE {m:5.2f}")
    if m < need:
        print(f"FAIL {name}: min LRE {m:.2f} < {need}")
        bad += 1
sys.exit(1 if bad else 0)
