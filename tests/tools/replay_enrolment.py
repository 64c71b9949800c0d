#!/usr/bin/env python3
"""Replays the screenings, enrolments, visit dates and withdrawals of one avn
study into another (same protocol, freshly made by avn init), from the first
study's audit trail (avn audit --json), through the avn command line: what a
coordinator would retype. The form values are left out: the records import
(avn import records) brings those. Used by tests/cases/import_roundtrip.sh.

usage: replay_enrolment.py AVN AUDIT.json NEW.db
"""
import json
import subprocess
import sys

avn, audit, db = sys.argv[1:4]
rows = json.load(open(audit))["rows"]


def run(*args):
    r = subprocess.run([avn, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("replay failed: %s\n%s" % (" ".join(args), r.stderr))


screen, patient = {}, {}
sites = set(["main"])
for r in rows:
    rec, field, new = r["record"], r["field"], r["new"]
    if r["action"] == "create" and rec.startswith("site ") and field == "name":
        code = rec[5:]
        if code not in sites:
            run("site", "add", db, code, "--name", new)
            sites.add(code)
    elif r["action"] == "screen" and rec.startswith("screening "):
        s = screen.setdefault(rec[10:], {})
        s[field] = new
        if field == "data":  # the last field of a screening: screen now
            kv = [x for x in (new or "").split("\n") if x]
            run("screen", db, rec[10:], "--date", s["date"], "--site", s["site"], *kv)
    elif r["action"] == "enroll" and rec.startswith("patient ") and " / " not in rec:
        p = patient.setdefault(rec[8:], {})
        p[field] = new
        if field == "status":  # the last field of an enrolment
            args = ["enroll", db, p["screening"], rec[8:], "--sex", p["sex"], "--date", p["enrolled"]]
            if p.get("birth"):
                args += ["--birth", p["birth"]]
            run(*args)
    elif r["action"] == "visit" and field == "date" and " / visit " in rec:
        pid, visit = rec[8:].split(" / visit ")
        run("visit", db, pid, visit, "--date", new)
    elif r["action"] == "withdraw" and field == "withdrawn_on":
        run("withdraw", db, rec[8:], "--date", new, "--reason", r["reason"] or "replayed")
