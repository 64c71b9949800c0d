#!/usr/bin/env python3
"""A study team's cycle in headless chromium (cdp.py), on a study with named
users: ada (administrator) screens and enrols a bilateral patient; dora
(data entry) enters the m1 HHS of the left hip and sees the live total
69.725 (the hand-worked case hhs_a_index of tests/golden/instruments/
hhs.txt); ada types the second entry, with pain slight (40) for mild (30),
so its total is 69.725 + 10 = 79.725, and opens a query; ivy (investigator)
adjudicates the discrepancy to mild and signs visit m1 with her password;
dora answers the query and ada closes it. Each step leaves a screenshot in
OUTDIR. Exit 0 when every check holds, 1 otherwise.

Usage: web_study_browser.py CHROMIUM BASE_URL OUTDIR PROFILE_DIR"""
import json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp
from cdp import js, goto, click_and_load, shot, check, send, fails

chromium, base, outdir, profile = sys.argv[1:5]
cdp.start(chromium, outdir, profile)

SCREEN = dict(code="S001", age="38", mri_confirmed="yes", **{"stage.left": "II", "stage.right": "III"},
              conservative_months="6", can_attend_24m="yes", accepts_procedure="yes", infection="no",
              severe_coagulopathy="no", platelets="200000", **{"prior_surgery.left": "no", "prior_surgery.right": "no"},
              active_malignancy="no", pregnant="no", aspiration_inadequate="no")
HHS_CODES = dict(pain="mild", limp="slight", support="cane_long_walks", distance="six_blocks", stairs="railing",
                 shoes="difficulty", sitting="high_chair", transport="able")
HHS_NUMBERS = dict(flexion_contracture_deg="20", fixed_adduction_deg="5", fixed_ir_deg="5", lld_cm="1.0",
                   flexion_deg="100", abduction_deg="20", adduction_deg="10", er_deg="10", ir_deg="10")


def q(sel):
    return json.dumps(sel)


def fill(name, value, within="document"):
    """Sets a field as a person would: a radio is clicked, a select chosen,
    a date set, text typed as keystrokes."""
    kind = js(f"(function(){{var e={within}.querySelector('[name=\"{name}\"]');"
              f"return e ? (e.tagName == 'SELECT' ? 'select' : e.type) : null}})()")
    if kind == "radio":
        js(f"{within}.querySelector('[name=\"{name}\"][value=\"{value}\"]').click()")
    elif kind in ("select", "date"):
        js(f"(function(){{var e={within}.querySelector('[name=\"{name}\"]'); e.value={q(value)};"
           f"e.dispatchEvent(new Event('change', {{bubbles: true}}))}})()")
    elif kind:
        js(f"{within}.querySelector('[name=\"{name}\"]').focus()")
        send("Input.insertText", {"text": value}, session=cdp.S)
    else:
        raise RuntimeError(f"no field {name}")


def login(user):
    goto(base + "/login")
    fill("user", user)
    fill("password", f"pw-of-{user}-long")
    click_and_load("form[action='/login'] button")
    check(f"{user} logged in", js("location.pathname") == "/" and user in js("document.querySelector('header').textContent"))


def logout():
    click_and_load(".logout button")
    check("logged out", js("location.pathname") == "/login")


def text():
    return js("document.body.textContent")


def hhs(entry, codes):
    click_and_load(f'a[href="/form?patient=P001&visit=m1&form=hhs&hip=left&entry={entry}"]')
    check(f"HHS entry {entry}: nothing shown from the other entry", js("document.querySelectorAll('input:checked').length") == 0)
    for item, code in codes.items():
        fill(item, code)
    for item, value in HHS_NUMBERS.items():
        fill(item, value)
    fill("date", "2024-02-28")


def wait_text(sel, want, seconds=15):
    got = ""
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = js(f"(document.querySelector({q(sel)}) || {{}}).textContent || ''")
        if want in got:
            break
        time.sleep(0.1)
    return got


try:
    # ada screens and enrols a patient with both hips
    login("ada")
    shot("01-dashboard")
    click_and_load('a[href="/screen"]')
    for name, value in SCREEN.items():
        fill(name, value)
    fill("date", "2024-01-25")
    click_and_load("#screen button[type=submit]")
    check("eligible", "Eligible." in text())
    shot("02-screened")
    click_and_load('a[href="/enroll?screening=S001"]')
    fill("patient", "P001")
    fill("date", "2024-01-31")
    fill("sex", "male")
    fill("birth", "1985-06-01")
    click_and_load("#enroll button[type=submit]")
    check("enrolled: the patient page", js("document.querySelector('h1').textContent") == "Patient P001")
    hips = js("Array.from(document.querySelectorAll('.hip')).map(h => h.textContent).join(' ')")
    check(f"both hips ({hips!r})", "left" in hips and "right" in hips)
    shot("03-enrolled")
    logout()

    # dora: the first entry, with the live total
    login("dora")
    click_and_load('a[href="/patient/P001"]')
    hhs(1, HHS_CODES)
    total = wait_text("#score", "Harris Hip Score (0-100) 69.725")
    check(f"live total 69.725 ({total!r})", "Harris Hip Score (0-100) 69.725" in total)
    shot("04-hhs-entry1-live-total")
    click_and_load("#save")
    check("entry 1 saved", js("location.pathname") == "/patient/P001")
    logout()

    # ada: the second entry (pain slight), then a query on the patient
    login("ada")
    click_and_load('a[href="/patient/P001"]')
    hhs(2, dict(HHS_CODES, pain="slight"))
    total = wait_text("#score", "79.725")
    check(f"entry 2 live total 79.725 ({total!r})", "79.725" in total)
    click_and_load("#save")
    body = text()
    check("both totals on the patient page", "69.725" in body and "79.725" in body)
    shot("05-double-entered")
    goto(base + "/review/P001")
    check("the discrepancy is a finding", "entry_mismatch" in text())
    fill("message", "Please confirm the baseline visit date", "document.querySelector('form.query input[name=key][value=query-patient]').form")
    click_and_load("form.query:has(input[name=key][value=query-patient]) button")
    check("query opened", "Please confirm the baseline visit date" in text())
    logout()

    # ivy: adjudication and signature
    login("ivy")
    goto(base + "/review/P001")
    adj = "document.querySelector('form.adjudicate')"
    fill("value", "mild", adj)
    fill("reason", "source document says mild", adj)
    click_and_load("form.adjudicate button")
    check("adjudicated to mild", "adjudicated: mild" in text())
    shot("06-adjudicated")
    sign = "document.querySelector('form.sign')"
    fill("visit", "m1", sign)
    fill("password", "pw-of-ivy-long", sign)
    click_and_load("form.sign button")
    check("signed: back on the review page, no error", js("location.pathname") == "/review/P001" and
          not js("document.querySelector('.error')"))
    shot("07-signed")
    logout()

    # dora answers the query, ada closes it
    login("dora")
    goto(base + "/review/P001")
    ans = "document.querySelector('form.query:has(input[name=action][value=query_answer])')"
    fill("message", "Checked: 2024-01-31", ans)
    click_and_load("form.query:has(input[name=action][value=query_answer]) button")
    check("answered", "Checked: 2024-01-31" in text())
    logout()
    login("ada")
    goto(base + "/review/P001")
    cl = "document.querySelector('form.query:has(input[name=action][value=query_close])')"
    fill("message", "Thank you", cl)
    click_and_load("form.query:has(input[name=action][value=query_close]) button")
    thread = js("Array.from(document.querySelectorAll('.thread li')).map(l => l.textContent).join(' | ')")
    check(f"the thread of three messages ({thread!r})", thread.count("|") == 2 and "Thank you" in thread)
    check("closed", "closed" in js("document.querySelector('.query h3').textContent"))
    shot("08-query-closed")
except Exception as ex:   # a protocol failure is a test failure, with its reason
    fails.append(repr(ex))
    print("FAIL:", repr(ex))
finally:
    cdp.stop()
print(f"browser: {len(fails)} failed")
sys.exit(1 if fails else 0)
