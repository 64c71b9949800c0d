#!/usr/bin/env python3
"""Runs every case of tests/golden/stats/expected_basic.json through
`avn stats TEST --data FILE ARGS --json` and compares with R's values.

usage: stats_check_basic.py AVN SOURCE_DIR [--report] [--expected NAME.json]
(--expected: another file of tests/golden/stats/ in the same format, e.g.
expected_more.json from make_expected_more.R; default expected_basic.json)
Relative tolerance 1e-6 (abs 1e-12) for every number; the 2x2 Fisher odds
ratio and CI are also compared with fisher.test's own output (*_r) at 2e-3,
because R solves those with uniroot's default tolerance (~1.2e-4 absolute
on the ncp or 1/ncp scale, so a difference within 2.5e-4 there also passes).
Exit 1 on any mismatch. --report prints the largest relative error per test.
"""
import json, math, subprocess, sys

avn, src = sys.argv[1], sys.argv[2]
report = "--report" in sys.argv
name = "expected_basic.json"
if "--expected" in sys.argv:
    name = sys.argv[sys.argv.index("--expected") + 1]
def lookup(obj, key):
    """A top-level key, or a path "coefficients/1/estimate" into nested
    arrays (by index) and objects."""
    for part in key.split("/"):
        if isinstance(obj, list):
            i = int(part)
            obj = obj[i] if i < len(obj) else None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        else:
            return None
    return obj


exp = json.load(open(f"{src}/tests/golden/stats/{name}"))
worst, bad, ran = {}, 0, 0
for c in exp["cases"]:
    data = ["--data", f"{src}/tests/golden/stats/data/{c['data']}"] if c.get("data") else []
    cmd = [avn, "stats", c["test"], *data, *[str(a) for a in c["args"]], "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    ran += 1
    if p.returncode != 0:
        print(f"FAIL {c['id']}: exit {p.returncode}: {p.stderr.strip()}")
        bad += 1
        continue
    got = json.loads(p.stdout)
    for k, want in c["values"].items():
        key, tol = k, 1e-6
        if k.endswith("_r"):
            key, tol = k[:-2], 2e-3
        if isinstance(want, str):
            if lookup(got, key) != want:
                print(f"FAIL {c['id']}: {key} = {lookup(got, key)!r}, R says {want!r}")
                bad += 1
            continue
        g = lookup(got, key)
        if want is None:
            if g is not None:
                print(f"FAIL {c['id']}: {key} = {g}, R says NA/Inf")
                bad += 1
            continue
        if g is None:
            print(f"FAIL {c['id']}: {key} missing/null, R says {want}")
            bad += 1
            continue
        err = abs(g - want) / abs(want) if want != 0 else abs(g)
        if not k.endswith("_r"):
            worst[c["test"]] = max(worst.get(c["test"], 0.0), err)
        elif min(abs(g - want), abs(1 / g - 1 / want) if g and want else 1) <= 2.5e-4:
            continue  # uniroot's absolute tolerance on the ncp or 1/ncp scale
        if abs(g - want) > max(1e-12, tol * abs(want)):
            print(f"FAIL {c['id']}: {key} = {g!r}, R says {want!r} (rel err {err:.3g})")
            bad += 1
if report:
    for t, e in sorted(worst.items()):
        print(f"  {t:14s} max rel err {e:.3g}")
print(f"{ran} cases, {bad} mismatches")
sys.exit(1 if bad else 0)
