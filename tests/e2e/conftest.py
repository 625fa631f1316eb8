"""Fixtures for the browser tests: a served site and Chromium driven by Playwright.

The site is real: its own database (a file on SQLite, a schema on the
PostgreSQL server of the run), made by ``initialize_cms_db --demo`` and
served by ``pserve`` on a free port of 127.0.0.1. The browser is the
system's Chromium (``/usr/bin/chromium``, Debian's package; another one with
``CMS_CHROMIUM``). Screenshots of every step go to ``test-artifacts/e2e/``.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.sites import scratch_database, site_ini

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: axe-core's impacts that fail the check.
BLOCKING = {"serious", "critical"}
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CMS_CHROMIUM", "/usr/bin/chromium")
#: Headless, and nothing that calls home: this machine has no network.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_PASSWORD = "admin-password-for-browser-tests"
#: Other accounts of the site, all with this password.
PASSWORD = "user-password-for-browser-tests"
USERS = ("editor", "reader")
SERVER_SETTINGS = """\
cms.secure_cookies = false
cms.login_slowdown = 0

[server:main]
use = egg:cms#waitress
host = 127.0.0.1
threads = 4
"""

expect.set_options(timeout=10_000)


@dataclass
class Site:
    url: str
    ini: str
    log: Path

    def errors(self):
        """What the server logged as unexpected errors (500s)."""
        text = self.log.read_text(errors="replace")
        return re.findall(r"unexpected error on .*", text)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(*args, stdin=None):
    done = subprocess.run(
        [str(arg) for arg in args],
        input=stdin,
        text=True,
        check=False,
        capture_output=True,
        env={**os.environ, "CMS_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )
    if done.returncode:
        pytest.fail(f"{' '.join(map(str, args[1:]))}:\n{done.stdout}{done.stderr}")


def _wait_until_up(url, process, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"The server did not answer within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def site(database_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e-site")
    with scratch_database(database_url, folder) as url:
        ini = site_ini(folder / "site.ini", url, folder / "blobs", SERVER_SETTINGS)
        _run(BIN / "initialize_cms_db", ini, "--demo")
        for login in USERS:
            _run(
                BIN / "cms-admin", ini, "users", "add", login,
                "--fullname", login.title(), "--password-stdin",
                stdin=PASSWORD + "\n",
            )  # fmt: skip
        port = _free_port()
        log = folder / "server.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                [str(BIN / "pserve"), ini, f"http_port={port}"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            site = Site(f"http://127.0.0.1:{port}", ini, log)
            _wait_until_up(site.url, server, log)
            yield site
        finally:
            server.terminate()
            server.wait(timeout=15)
    assert site.errors() == [], "the server answered 500"


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Screenshots:
    """Numbered full-page screenshots in ``test-artifacts/e2e/<test>/``."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def __call__(self, page, name):
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def screenshots(request):
    return Screenshots(ARTIFACTS / request.node.name)


def new_page(chromium, site):
    """A page in a browser context of its own: its own cookies."""
    context = chromium.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return page


def log_in(page, login, password):
    page.goto("/@@login")
    page.fill("#login-name", login)
    page.fill("#login-password", password)
    page.click("#login-form button[type=submit]")
    expect(page.locator(".user-name")).to_be_visible()


def png(width=640, height=480, colour=(40, 110, 180)):
    """The bytes of a PNG picture."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


class Api:
    """JSON requests with the cookies of a logged-in page (and its CSRF token)."""

    def __init__(self, page):
        self.request = page.request
        page.goto("/")
        token = page.locator('meta[name="csrf-token"]').get_attribute("content")
        self.headers = {"Accept": "application/json", "X-CSRF-Token": token}

    def _check(self, response):
        assert response.ok, f"{response.status} {response.url}: {response.text()}"
        return response.json() if response.status != 204 else None

    def get(self, path):
        return self._check(self.request.get(path, headers=self.headers))

    def post(self, path, data=None, multipart=None):
        return self._check(
            self.request.post(
                path, headers=self.headers, data=data, multipart=multipart
            )
        )

    def patch(self, path, data):
        return self._check(self.request.patch(path, headers=self.headers, data=data))

    def add(self, parent, type_name, name, **fields):
        return self.post(parent, {"@type": type_name, "id": name, **fields})

    def upload(self, parent, type_name, name, filename, content, mime):
        fields = {"@type": type_name, "id": name}
        upload = {"name": filename, "mimeType": mime, "buffer": content}
        return self.post(parent, multipart={**fields, "file": upload})


def axe_blocking(page):
    """The serious and critical violations axe-core finds on *page*."""
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]}))
            .violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }))"""
    )
    return [v for v in violations if v["impact"] in BLOCKING]


def nu_errors(pages, folder):
    """The Nu checker's errors in *pages* (``{name: HTML bytes}``)."""
    java = shutil.which("java")
    assert java, "The Nu checker needs Java: install default-jre-headless."
    assert VNU.exists(), "The Nu checker is missing: run `npm ci`."
    for name, html in pages.items():
        (folder / f"{name}.html").write_bytes(html)
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json",
         *sorted(str(folder / f"{name}.html") for name in pages)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        # Each file is named after its page.
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine')}: {m['message']}"
        f" in {m.get('extract', '').strip()!r}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


@pytest.fixture(scope="module")
def admin(chromium, site):
    """A page logged in as admin, for a module's tests; it must end with no
    script error and nothing refused by the Content-Security-Policy."""
    page = new_page(chromium, site)
    refused = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and refused.append(message.text)
        ),
    )
    log_in(page, "admin", ADMIN_PASSWORD)
    yield page
    assert page.js_errors == []
    # Nothing refused by the Content-Security-Policy (no inline style).
    assert refused == []
    page.context.close()
