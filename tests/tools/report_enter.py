#!/usr/bin/env python3
"""Enters a study described by a CSV (one row per hip) through the avn CLI.

Used by tests/cases/report_*.sh; the same CSV is read by the R scripts in
tests/golden/report/, so avn's report and R see the same raw values.

usage: report_enter.py CSV DB  (env AVN = the avn binary)

Protocol: sequential. Every patient is enrolled on 2022-03-01 (day 0).
Columns: patient, side, sex, birth, stage, etiology, lesion_pct,
vas_<visit>, hhs_<visit> (empty = not entered), tha_date, and optionally
withdrawn (YYYY-MM-DD), withdraw_reason, no_mri (1), no_hip_baseline (1).
A visit's date is recorded when the patient has any value at it.
HHS totals are entered as items: pain + limp + support + distance + stairs
+ shoes + sitting + transport + 4 (no deformity) + 0 (all ROM 0), the item
combination found by a fixed search (the scorer's arithmetic is tested in
tests/unit/instruments).
"""
import csv, itertools, os, subprocess, sys
from datetime import date

AVN = os.environ["AVN"]
DAY0 = "2022-03-01"
VISIT_DATE = {"baseline": "2022-03-01", "m3": "2022-06-01", "m6": "2022-09-01",
              "m12": "2023-03-01", "m18": "2023-09-01", "m24": "2024-03-01"}
HHS = [("pain", {"none": 44, "slight": 40, "mild": 30, "moderate": 20, "marked": 10, "disabled": 0}),
       ("limp", {"none": 11, "slight": 8, "moderate": 5, "severe": 0}),
       ("support", {"none": 11, "cane_long_walks": 7, "cane_most": 5, "one_crutch": 3, "two_canes": 2, "unable": 0}),
       ("distance", {"unlimited": 11, "six_blocks": 8, "two_three_blocks": 5, "indoors": 2, "bed_chair": 0}),
       ("stairs", {"normal": 4, "railing": 2, "any_manner": 1, "unable": 0}),
       ("shoes", {"ease": 4, "difficulty": 2, "unable": 0}),
       ("sitting", {"ordinary_chair": 5, "high_chair": 3, "unable": 0}),
       ("transport", {"able": 1, "unable": 0})]
HHS_FIXED = ["flexion_contracture_deg=0", "fixed_adduction_deg=0", "fixed_ir_deg=0", "lld_cm=0",
             "flexion_deg=0", "abduction_deg=0", "adduction_deg=0", "er_deg=0", "ir_deg=0"]


def hhs_items(total):
    want = int(total) - 4
    names = [list(codes.items()) for _, codes in HHS]
    for combo in itertools.product(*names):
        if sum(v for _, v in combo) == want:
            return ["%s=%s" % (HHS[i][0], combo[i][0]) for i in range(len(HHS))] + HHS_FIXED
    raise SystemExit("no HHS item combination for total %s" % total)


def age(birth, on):
    b, d = date.fromisoformat(birth), date.fromisoformat(on)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def run(*args):
    r = subprocess.run([AVN, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("avn %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def main():
    path, db = sys.argv[1], sys.argv[2]
    rows = list(csv.DictReader(open(path)))
    run("init", db, "--protocol", "sequential")
    patients = {}
    for r in rows:
        patients.setdefault(r["patient"], []).append(r)
    for pid, hips in patients.items():
        p0 = hips[0]
        kv = ["age=%d" % age(p0["birth"], DAY0), "mri_confirmed=yes", "conservative_months=4",
              "can_attend_24m=yes", "accepts_procedure=yes", "infection=no", "severe_coagulopathy=no",
              "platelets=250000", "active_malignancy=no", "pregnant=no", "aspiration_inadequate=no"]
        for h in hips:
            kv += ["stage.%s=%s" % (h["side"], h["stage"]), "prior_surgery.%s=no" % h["side"]]
        run("screen", db, "S" + pid, "--date", DAY0, *kv)
        run("enroll", db, "S" + pid, pid, "--date", DAY0, "--sex", p0["sex"], "--birth", p0["birth"])
        for h in hips:
            side = ["--hip", h["side"]]
            d0 = ["--date", DAY0]
            if h.get("no_hip_baseline") != "1":
                run("enter", db, pid, "baseline", "hip_baseline", "etiology=" + h["etiology"],
                    "symptomatic=yes", *side, *d0)
            if h.get("no_mri") != "1" and h["lesion_pct"]:
                run("enter", db, pid, "baseline", "mri", "reader=R1", "read_date=" + DAY0,
                    "mri_positive=yes", "xray=normal", "crescent_sign=no", "subchondral_fracture=no",
                    "flattening=no", "jsn=no", "acetabular_involvement=no",
                    "advanced_degeneration=no", "head_involved_pct=" + h["lesion_pct"], *side, *d0)
            for v in ("baseline", "m3", "m6", "m12", "m24"):
                dv = ["--date", VISIT_DATE[v]]
                if h.get("vas_" + v):
                    run("enter", db, pid, v, "vas", "pain_cm=" + h["vas_" + v], *side, *dv)
                if h.get("hhs_" + v):
                    run("enter", db, pid, v, "hhs", *hhs_items(h["hhs_" + v]), *side, *dv)
            if h.get("tha_date"):
                run("enter", db, pid, "m18", "tha", "tha_date=" + h["tha_date"], "reason=collapse",
                    *side, "--date", VISIT_DATE["m18"])
        if p0.get("withdrawn"):
            run("withdraw", db, pid, "--date", p0["withdrawn"], "--reason",
                p0.get("withdraw_reason") or "withdrew consent")


if __name__ == "__main__":
    main()
