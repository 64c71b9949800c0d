#!/usr/bin/env python3
"""Runs every case of tests/golden/stats/expected_survival.json and
expected_regress.json (R's answers: make_expected_survival.R,
make_expected_regress.R) through `avn stats ... --json` and compares the
numbers: 1e-9 relative (p-values of logrank 1e-6); unit tests are tighter. Prints one line per failure and the largest
relative error per method; exit status 1 on any failure.
Usage: stats_check_survreg.py AVN AVN_SOURCE_DIR"""
import json, math, subprocess, sys

avn, src = sys.argv[1], sys.argv[2]
gold = src + "/tests/golden/stats/"
data = gold + "data/"
fails = 0
maxrel = {}
ncmp = 0


def run(args):
    p = subprocess.run([avn, "stats"] + args + ["--json"], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("avn stats %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return json.loads(p.stdout)


def close(method, what, got, want, rel, absd=0.0):
    global fails, ncmp
    ncmp += 1
    if want is None or (isinstance(want, float) and math.isnan(want)):
        if got is None:
            return
        print("FAIL %s: got %r, R has NA" % (what, got))
        fails += 1
        return
    if got is None:
        print("FAIL %s: got null, R has %r" % (what, want))
        fails += 1
        return
    d = abs(got - want)
    r = d / abs(want) if want != 0 else d
    if r >= maxrel.get(method, (0.0, ""))[0]:
        maxrel[method] = (r, what)
    if d > max(absd, rel * abs(want)):
        print("FAIL %s: got %.17g, R has %.17g (rel %.3g)" % (what, got, want, r))
        fails += 1


def one(v):
    return v[0] if isinstance(v, list) and v else v


survival = json.load(open(gold + "expected_survival.json"))
regress = json.load(open(gold + "expected_regress.json"))

for name, c in survival["km"].items():
    args = ["km", "--data", data + one(c["file"]), "--time", "time", "--event", "status",
            "--conf-type", one(c["conf_type"])]
    if c["group"]:
        args += ["--group", one(c["group"])]
    if c["at"]:
        args += ["--at", ",".join("%.17g" % t for t in c["at"])]
    out = run(args)
    rows = out["table"]
    k = 0
    for si, s in enumerate(c["strata"]):
        st = out["strata"][si]
        for key in ("median", "median_lower", "median_upper"):
            close("km", "km %s %s %s" % (name, one(s["name"]), key), st[key], one(s[key]), 1e-12)
        for j in range(len(s["time"])):
            row = rows[k]
            k += 1
            w = "km %s %s t=%g" % (name, one(s["name"]), s["time"][j])
            if c["group"] and row.get("strata") != one(s["name"]):
                print("FAIL %s: strata %r" % (w, row.get("strata")))
                fails += 1
            for key, rk in (("time", "time"), ("n_risk", "n_risk"), ("n_event", "n_event"),
                            ("n_censor", "n_censor"), ("surv", "surv"), ("std_err", "std_err"),
                            ("se_log", "se_log"), ("lower", "lower"), ("upper", "upper")):
                close("km", w + " " + key, row[rk], s[key][j], 1e-9, 1e-15)
        if "at" in s:
            ats = [a for a in out["at"] if a.get("strata", "") == one(s["name"])]
            for j, t in enumerate(s["at"]["time"]):
                for key in ("n_risk", "surv", "std_err", "lower", "upper"):
                    close("km", "km %s at %g %s" % (name, t, key), ats[j][key], s["at"][key][j],
                          1e-9, 1e-15)
    if k != len(rows):
        print("FAIL km %s: %d rows, R has %d" % (name, len(rows), k))
        fails += 1

for name, c in survival["logrank"].items():
    out = run(["logrank", "--data", data + one(c["file"]), "--time", "time", "--event", "status",
               "--group", one(c["group"])])
    close("logrank", "logrank %s chisq" % name, out["statistic"], one(c["chisq"]), 1e-9)
    close("logrank", "logrank %s p" % name, out["p"], one(c["p"]), 1e-6)
    close("logrank", "logrank %s df" % name, out["df"], one(c["df"]), 0)
    for g, gr in enumerate(out["groups"]):
        close("logrank", "logrank %s O" % name, gr["observed"], c["observed"][g], 1e-12)
        close("logrank", "logrank %s E" % name, gr["expected"], c["expected"][g], 1e-9)

for name, c in survival["cox"].items():
    args = ["cox", "--data", data + one(c["file"]), "--time", "time", "--event", "status",
            "--covariates", ",".join(c["covariates"]), "--ties", one(c["ties"])]
    if c["factors"]:
        args += ["--factors", ",".join(c["factors"])]
    if c["cluster"]:
        args += ["--cluster", one(c["cluster"])]
    out = run(args)
    for j, row in enumerate(out["coefficients"]):
        w = "cox %s %s" % (name, row["term"])
        if row["term"] != c["terms"][j]:
            print("FAIL %s: term, R has %s" % (w, c["terms"][j]))
            fails += 1
        close("cox", w + " coef", row["estimate"], c["coef"][j], 1e-9, 1e-12)
        close("cox", w + " se", row["se"], c["se"][j], 1e-9)
        if c["cluster"]:
            close("cox", w + " robust se", row["robust_se"], c["robust_se"][j], 1e-9)
        close("cox", w + " z", row["statistic"], c["z"][j], 1e-9)
        close("cox", w + " p", row["p"], c["p"][j], 1e-6)
        close("cox", w + " hr_low", row["hr_low"], c["hr_low"][j], 1e-9)
        close("cox", w + " hr_high", row["hr_high"], c["hr_high"][j], 1e-9)
    for key, rk in (("loglik", "loglik"), ("loglik_null", "loglik0"), ("lr_statistic", "lr"),
                    ("wald_statistic", "wald"), ("score_statistic", "score"),
                    ("concordance", "concordance"), ("iterations", "iterations")):
        close("cox", "cox %s %s" % (name, key), out[key], one(c[rk]), 1e-9)
    if c["cluster"]:
        close("cox", "cox %s robust wald" % name, out["robust_wald_statistic"],
              one(c["robust_wald"]), 1e-9)

for fam in ("ols", "logistic"):
    rel = 1e-9
    for name, c in regress[fam].items():
        args = [fam, "--data", data + one(c["file"]), "--outcome", one(c["outcome"]),
                "--predictors", ",".join(c["predictors"])]
        if c["factors"]:
            args += ["--factors", ",".join(c["factors"])]
        if c["cluster"]:
            args += ["--cluster", one(c["cluster"])]
        if not one(c["intercept"]):
            args += ["--no-intercept"]
        out = run(args)
        cl = bool(c["cluster"])
        for j, row in enumerate(out["coefficients"]):
            w = "%s %s %s" % (fam, name, row["term"])
            if row["term"] != c["terms"][j]:
                print("FAIL %s: term, R has %s" % (w, c["terms"][j]))
                fails += 1
            close(fam, w + " coef", row["estimate"], c["coef"][j], rel, 1e-13)
            close(fam, w + " se", row["se"], c["se"][j], rel)
            pre = "robust_" if cl else ""
            if cl:
                close(fam, w + " robust se", row["robust_se"], c["robust_se"][j], rel)
            close(fam, w + " stat", row["statistic"], c[pre + "statistic"][j], rel, 1e-12)
            close(fam, w + " p", row["p"], c[pre + "p"][j], rel)
            close(fam, w + " ci_low", row["ci_low"], c[pre + "ci_low"][j], rel, 1e-12)
            close(fam, w + " ci_high", row["ci_high"], c[pre + "ci_high"][j], rel, 1e-12)
        keys = [("loglik", "loglik"), ("aic", "aic")]
        if fam == "ols":
            keys += [("sigma", "sigma"), ("r2", "r2"), ("adj_r2", "adj_r2"),
                     ("statistic", "fstat"), ("df1", "f_df1"), ("df2", "f_df2")]
        else:
            keys += [("deviance", "deviance"), ("null_deviance", "null_deviance"),
                     ("iterations", "iterations")]
        for key, rk in keys:
            close(fam, "%s %s %s" % (fam, name, key), out[key], one(c[rk]), rel)
        if out["n"] != one(c["n"]):
            print("FAIL %s %s: n %d, R has %d" % (fam, name, out["n"], one(c["n"])))
            fails += 1

for m in sorted(maxrel):
    print("max relative error vs R through the CLI, %-8s %.3g (%s)" % (m, maxrel[m][0],
                                                                  maxrel[m][1]))
print("values compared: %d, failures: %d" % (ncmp, fails))
sys.exit(1 if fails else 0)
