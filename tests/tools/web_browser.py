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
os.makedirs(outdir, exist_ok=True)
fails = []

to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()


def child_fds():
    os.dup2(to_chrome_r, 3)
    os.dup2(from_chrome_w, 4)


proc = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
     "--disable-background-networking", "--disable-component-update", "--disable-sync",
     "--remote-debugging-pipe", "--window-size=1024,1366", "--user-data-dir=" + profile, "about:blank"],
    close_fds=False, preexec_fn=child_fds,
    stdout=subprocess.DEVNULL, stderr=open(os.path.join(outdir, "chromium.err"), "w"))
os.close(to_chrome_r)
os.close(from_chrome_w)
reader = os.fdopen(from_chrome_r, "rb")
writer = os.fdopen(to_chrome_w, "wb")
next_id = 0
events = []
pending = b""


def read_message(deadline):
    global pending
    while b"\0" not in pending:
        if time.time() > deadline:
            raise TimeoutError("no message from chromium")
        chunk = os.read(reader.fileno(), 65536)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        pending += chunk
    msg, pending = pending.split(b"\0", 1)
    return json.loads(msg)


def send(method, params=None, session=None, timeout=30):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    writer.write(json.dumps(msg).encode() + b"\0")
    writer.flush()
    deadline = time.time() + timeout
    while True:
        m = read_message(deadline)
        if m.get("id") == next_id:
            if "error" in m:
                raise RuntimeError(f"{method}: {m['error']}")
            return m.get("result", {})
        events.append(m)


def wait_event(name, timeout=30):
    deadline = time.time() + timeout
    while True:
        for i, m in enumerate(events):
            if m.get("method") == name:
                del events[i]
                return m
        events.append(read_message(deadline))


target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
S = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
send("Page.enable", session=S)
send("Runtime.enable", session=S)


def js(expr):
    r = send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True}, session=S)
    if "exceptionDetails" in r:
        raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
    return r["result"].get("value")


def goto(url):
    events.clear()
    send("Page.navigate", {"url": url}, session=S)
    wait_event("Page.loadEventFired")


def click_and_load(selector):
    events.clear()
    js(f"document.querySelector({json.dumps(selector)}).click()")
    wait_event("Page.loadEventFired")


def shot(name):
    data = send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=S)["data"]
    with open(os.path.join(outdir, name + ".png"), "wb") as f:
        f.write(base64.b64decode(data))


def check(what, cond):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


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
    try:
        send("Browser.close", timeout=5)
    except Exception:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
print(f"browser: {len(fails)} failed")
sys.exit(1 if fails else 0)
