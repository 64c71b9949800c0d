#!/usr/bin/env python3
"""Drives a real `avn serve` in headless chromium over the DevTools protocol
(--remote-debugging-pipe: NUL-separated JSON on fds 3 and 4, no library):
logs in with the printed link, opens the patient, opens the m1 HHS form of
the left hip, ticks and types the hand-worked case hhs_a_index of
tests/golden/instruments/hhs.txt and waits for the live total 69.725 to
appear, saves, and checks the patient page shows the saved total. Each step
leaves a screenshot in OUTDIR. Exit 0 when every check holds, 1 otherwise.

Usage: web_browser.py CHROMIUM LOGIN_URL OUTDIR PROFILE_DIR"""
import base64, json, os, subprocess, sys, time

chromium, login_url, outdir, profile = sys.argv[1:5]
base = login_url.split("/login")[0]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp
from cdp import js, goto, click_and_load, shot, check, send, fails

cdp.start(chromium, outdir, profile)
S = cdp.S

try:
    goto(login_url)
    check("logged in: dashboard after the login link", js("location.pathname") == "/" and
          js("document.title").startswith("Dashboard"))
    check("the token left the address bar", "token" not in js("location.href"))
    check("session cookie not readable by script", "avn_session" not in js("document.cookie"))
    shot("1-dashboard")
    click_and_load('a[href="/patient/P001"]')
    check("patient page", js("document.querySelector('h1').textContent") == "Patient P001")
    shot("2-patient")
    click_and_load('a[href="/form?patient=P001&visit=m1&form=hhs&hip=left&entry=1"]')
    check("HHS form", js("document.querySelector('h1').textContent") == "Harris Hip Score")
    check("no total before any entry", "69.725" not in js("document.getElementById('score').textContent"))
    codes = dict(pain="mild", limp="slight", support="cane_long_walks", distance="six_blocks", stairs="railing",
                 shoes="difficulty", sitting="high_chair", transport="able")
    for item, code in codes.items():
        js(f"document.querySelector('input[name={item}][value={code}]').click()")
    numbers = dict(flexion_contracture_deg="20", fixed_adduction_deg="5", fixed_ir_deg="5", lld_cm="1.0",
                   flexion_deg="100", abduction_deg="20", adduction_deg="10", er_deg="10", ir_deg="10")
    for item, value in numbers.items():   # typed as a person types: focus, then keystrokes as text
        js(f"document.getElementById('f-{item}').focus()")
        send("Input.insertText", {"text": value}, session=S)
    js("document.getElementById('f-date').value = '2024-02-28'")
    total = ""
    deadline = time.time() + 15
    while time.time() < deadline:
        total = js("document.getElementById('score').textContent")
        if "Harris Hip Score (0-100) 69.725" in total:
            break
        time.sleep(0.1)
    check(f"live total 69.725 shown (score box: {total!r})", "Harris Hip Score (0-100) 69.725" in total)
    check("live category poor", "poor" in total)
    shot("3-form-live-total")
    click_and_load("#save")
    check("saved: back on the patient page", js("location.pathname") == "/patient/P001")
    row = js("Array.from(document.querySelectorAll('tr')).map(r => r.textContent)"
             ".filter(t => t.includes('Harris Hip Score') && t.includes('left') && t.includes('1st'))[1] || ''")
    check(f"the saved form complete on the patient page, its total hidden until the 2nd entry ({row!r})",
          "69.725" not in row and "complete" in row)
    shot("4-patient-saved")
except Exception as ex:   # a protocol failure is a test failure, with its reason
    fails.append(repr(ex))
    print("FAIL:", repr(ex))
finally:
    cdp.stop()
print(f"browser: {len(fails)} failed")
sys.exit(1 if fails else 0)
