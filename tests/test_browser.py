"""The HTML page in a real browser: headless Chromium (Debian package), network cut off.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
messages ending in NUL on file descriptors 3 and 4), so the standard library is enough.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT
from okg import viz
from test_views import ID, WEIRD_LABELS, weird_kg  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
BINARY = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)

TRAMPOLINE = """
import fcntl, os, sys
high = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3]]
for target, fd in zip((3, 4), high):
    os.dup2(fd, target)
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""


class Chromium:
    """One headless browser; `open(url)` starts a fresh page and talks to it."""

    def __init__(self, binary: str, width: int = 1400, height: int = 900) -> None:
        self.profile = tempfile.mkdtemp(prefix="okg-chromium-")
        to_chrome, self._out = os.pipe()
        self._in, from_chrome = os.pipe()
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--mute-audio",
                # the network is cut: any request to a CDN would go to a dead proxy
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
                "--remote-debugging-pipe", "about:blank"]
        # the protocol wants our pipe ends as the browser's fds 3 and 4: a tiny Python trampoline
        # moves them there (sh cannot name fds above 9) and execs the browser
        self.proc = subprocess.Popen([sys.executable, "-c", TRAMPOLINE, str(to_chrome), str(from_chrome), *args],
                                     pass_fds=(to_chrome, from_chrome),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._id, self.session, self.target, self.events = b"", 0, None, None, []

    def send(self, method: str, params: dict | None = None, browser: bool = False, timeout: float = 20) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> None:
        if self.target:
            self.send("Target.closeTarget", {"targetId": self.target}, browser=True)
        self.session, self.events = None, []
        self.target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": self.target, "flatten": True},
                                 browser=True)["sessionId"]
        for domain in ("Network", "Page", "Runtime"):
            self.send(f"{domain}.enable")
        # an alert() that got through would be recorded here instead of blocking the page
        self.send("Page.addScriptToEvaluateOnNewDocument",
                  {"source": "window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };"})
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.body && document.body.dataset.ready === '1'")

    def eval(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("exception", {}).get("description"))
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.05)

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def type(self, text: str, enter: bool = False) -> None:
        self.send("Input.insertText", {"text": text})
        if enter:
            for kind in ("keyDown", "keyUp"):
                self.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                                     "windowsVirtualKeyCode": 13})

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"]))
        return path

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def panel(self) -> str:
        return self.eval("document.getElementById('details').innerText")

    def close(self) -> None:
        try:
            self.send("Browser.close", browser=True, timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._out)
        os.close(self._in)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not BINARY:
        pytest.skip("headless Chromium not found (apt-get install chromium)")
    chromium = Chromium(BINARY)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, kg):
    """The page exactly as `okg view org-programme -o links.html` writes it."""
    from conftest import run_okg

    out = tmp_path_factory.mktemp("page") / "links.html"
    result = run_okg("view", "org-programme", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out, kg.view("org-programme")


def js(value) -> str:
    return json.dumps(value)


def test_seed_page_renders_offline(browser, seed_page):
    path, graph = seed_page
    browser.open(path.as_uri())
    assert browser.eval("document.body.dataset.nodes") == str(graph.number_of_nodes())
    assert browser.eval("document.body.dataset.edges") == str(graph.number_of_edges())
    assert browser.eval("document.querySelectorAll('#network canvas').length") == 1
    assert browser.requests() == [path.as_uri()]  # nothing fetched but the page itself
    assert "Organisation" in browser.eval("document.getElementById('legend').innerText")
    browser.screenshot("org-programme-page.png")


def test_clicking_a_node_shows_its_quote(browser, seed_page):
    path, graph = seed_page
    browser.open(path.as_uri())
    node = ID + "organisation/sfi"
    point = browser.eval(f"okg.nodePosition({js(node)})")
    browser.click(point["x"], point["y"])
    browser.wait_for(f"document.getElementById('details').dataset.selected === {js(node)}")
    text = browser.panel()
    assert graph.nodes[node]["label"] in text
    assert graph.nodes[node]["quotes"][0]["quote"] in text
    browser.screenshot("org-programme-node-clicked.png")


def test_clicking_a_link_shows_its_evidence(browser, seed_page):
    path, graph = seed_page
    browser.open(path.as_uri())
    points = browser.eval("okg.data.nodes.map(function (n) { return okg.nodePosition(n.id); })")
    edges = browser.eval("okg.data.edges.map(function (e) { return [e.id, e.from, e.to, okg.edgePosition(e.id)]; })")
    # the link whose middle is farthest from any node, so the click cannot land on a node
    edge_id, a, b, mid = max(edges, key=lambda e: min((p["x"] - e[3]["x"]) ** 2 + (p["y"] - e[3]["y"]) ** 2
                                                       for p in points))
    browser.click(mid["x"], mid["y"])
    browser.wait_for(f"document.getElementById('details').dataset.selected === {js(edge_id)}")
    text = browser.panel()
    assert graph.edges[a, b]["quotes"][0] in text
    assert graph.nodes[a]["label"] in text and graph.nodes[b]["label"] in text
    browser.screenshot("org-programme-link-clicked.png")


def test_url_hash_selects_a_node(browser, seed_page):
    path, graph = seed_page
    node = ID + "programme/offshoring-ecosystems"
    browser.open(path.as_uri() + "#select=" + node)
    text = browser.panel()
    assert graph.nodes[node]["label"] in text and "Programme" in text
    assert graph.nodes[node]["quotes"][-1]["quote"] in text


def test_search_box_finds_by_acronym(browser, seed_page):
    path, graph = seed_page
    browser.open(path.as_uri())
    browser.eval("document.getElementById('search').focus()")
    browser.type("apebi")
    expected = sorted(n for n, d in graph.nodes(data=True) if "apebi" in (d["label"] + (d["acronym"] or "")).lower())
    assert len(expected) >= 2
    assert browser.eval("document.getElementById('matches').textContent").startswith(f"{len(expected)} matches")
    assert sorted(browser.eval("okg.network.getSelectedNodes()")) == expected
    browser.type("", enter=True)  # Enter opens the first match
    assert browser.eval("document.getElementById('details').dataset.selected") in expected


def test_weird_labels_render_as_text(browser, weird_kg, tmp_path):  # noqa: F811
    path = viz.write(weird_kg.view("org-programme"), tmp_path / "weird.html")
    browser.open(path.as_uri() + "#select=" + ID + "organisation/html")
    assert browser.eval("window.__alerts") == []
    assert browser.eval("document.scripts.length") == 3
    assert browser.eval("document.querySelectorAll('#details b, #details img').length") == 0
    assert browser.eval("document.querySelector('#details h2').textContent") == WEIRD_LABELS["html"]
    assert "</script><script>alert(2)</script>" in browser.panel()
    assert browser.eval("document.body.dataset.nodes") == "4"
    for node, label in ((ID + "organisation/arabic", WEIRD_LABELS["arabic"]),
                        (ID + "organisation/quotes", WEIRD_LABELS["quotes"]),
                        (ID + "programme/emoji", WEIRD_LABELS["emoji"])):
        browser.eval(f"okg.selectNode({js(node)})")
        assert browser.eval("document.querySelector('#details h2').textContent") == label
    browser.screenshot("weird-labels.png")
    assert browser.eval("window.__alerts") == []


def test_empty_view_page_says_no_links(browser, kg, tmp_path):
    path = viz.write(kg.view("org-programme", article="004"), tmp_path / "empty.html")
    browser.open(path.as_uri())
    assert browser.eval("document.getElementById('empty').hidden") is False
    assert "No links" in browser.eval("document.getElementById('empty').innerText")
    assert browser.eval("document.body.dataset.nodes") == "0"
    browser.screenshot("empty-view.png")
