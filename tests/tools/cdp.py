"""The DevTools protocol over a pipe (--remote-debugging-pipe: NUL-separated
JSON on fds 3 and 4, no library), shared by the browser tests
(web_browser.py, web_study_browser.py). start() launches headless chromium
with a fresh profile and attaches to one page; then js(), goto(),
click_and_load(), shot(), check() act on it. fails collects what failed."""
import base64, json, os, subprocess, sys, time

outdir = None
fails = []
proc = reader = writer = S = None
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


def start(chromium, out, profile):
    """Launches chromium and attaches to a blank page."""
    global proc, reader, writer, S, outdir
    outdir = out
    os.makedirs(outdir, exist_ok=True)
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
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    S = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Page.enable", session=S)
    send("Runtime.enable", session=S)


def stop():
    """Closes chromium (a protocol failure on the way out is not a test failure)."""
    try:
        send("Browser.close", timeout=5)
    except Exception:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
