"""Two ``pserve production.ini`` processes on one database, each behind Varnish.

Real processes, as production runs them: settings from the environment, one
database (a scratch one of the run's), the page cache on in each process,
and one ``varnishd`` (``deploy/varnish/default.vcl``) in front of each
process. Each process bans the site in both caches after every write
(``CMS_PURGE_URLS``); the bans leave from a thread after the commit, so a
read right after a write polls for at most :data:`BAN_WAIT` seconds.
Servers start once for the module.
"""

import http.client
import json
import re
import shutil
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench.soak.site import Site, free_port
from tests.sites import SECRET, scratch_database

ROOT = Path(__file__).parents[2]
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
HOST = "site.example"
#: Seconds a ban may take to reach the caches after a write's answer.
BAN_WAIT = 2.0
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def varnishd():
    found = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
    assert found, "varnishd is missing: bin/test installs it (bin/lib/deploy.sh)"
    return found


class Varnish:
    """One ``varnishd`` in the foreground, in front of the process on *port*."""

    def __init__(self, folder, port):
        self.port = port
        self.folder = folder
        self.process = None
        folder.mkdir()

    def start(self, backend_port):
        folder = self.folder
        vcl = folder / "site.vcl"
        vcl.write_text(VCL.read_text().replace("BACKEND_PORT", str(backend_port)))
        self.log = (folder / "varnishd.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 (the system's varnishd)
            [
                *(varnishd(), "-F", "-a", f"127.0.0.1:{self.port}", "-f", str(vcl)),
                *("-n", str(folder / "work"), "-s", "malloc,32m"),
                # As the user who runs the tests, in their private folders.
                *("-j", "none"),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "varnishd stopped"
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("varnishd did not start")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Answer:
    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode()

    def cookie(self, name):
        for value in self.headers.get_all("Set-Cookie") or ():
            if value.startswith(name + "="):
                return value.split(";")[0]
        return None


def call(port, method, path, headers=None, body=None):
    headers = {"Host": HOST, **(headers or {})}
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, list):
        body = urlencode(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        return Answer(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stack(database_url, tmp_path_factory):
    """``(a, b, cache_a, cache_b, token)``: the processes, their caches, a token."""
    folder = tmp_path_factory.mktemp("http-cache")
    started = time.monotonic()
    with scratch_database(database_url, folder) as url:
        sites = [Site(folder / name, url, ROOT / "production.ini") for name in "ab"]
        for site in sites:
            site.folder.mkdir()
        ports = [site.port for site in sites]
        caches = []
        try:
            caches = [Varnish(folder / f"varnish-{name}", free_port()) for name in "ab"]
            for site in sites:
                site.environ |= {
                    "CMS_SECRET": SECRET,
                    "CMS_BLOB_DIR": str(folder / "blobs"),
                    "CMS_ADMIN_PASSWORD": sites[0].admin_password,
                    "CMS_PUBLIC_URL": f"http://{HOST}",
                    "CMS_PURGE_URLS": " ".join(cache.url for cache in caches),
                    "CMS_SHARED_MAX_AGE": "3600",
                }
            sites[0].initialize()
            for site in sites:
                site.start()
            for cache, port in zip(caches, ports, strict=True):
                cache.start(port)
            token = call(
                sites[0].port,
                "POST",
                "/@@login",
                JSON,
                {"login": "admin", "password": sites[0].admin_password},
            ).json["token"]
            print(f"\nstack up in {time.monotonic() - started:.1f} s")
            yield sites[0], sites[1], caches[0], caches[1], token
        finally:
            for site in sites:
                site.stop()
            for cache in caches:
                cache.stop()


def api(port, token, method, path, data=None, **headers):
    headers = {"Authorization": f"Bearer {token}", **JSON, **headers}
    return call(port, method, path, headers, data)


def publish(port, token, parent, title, name, **fields):
    answer = api(
        port,
        token,
        "POST",
        parent,
        {"@type": "Document", "title": title, "id": name, **fields},
    )
    assert answer.status == 201, answer.text
    path = f"{parent}{name}/"
    assert (
        api(port, token, "POST", path + "@@workflow", {"transition": "publish"}).status
        == 200
    )
    return path


def eventually(read, expect):
    """*read()* until *expect(answer)*: at most BAN_WAIT seconds; the last answer."""
    deadline = time.monotonic() + BAN_WAIT
    while True:
        answer = read()
        if expect(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


# Several processes on one database.


def test_a_write_on_one_process_is_read_at_once_on_the_other(stack):
    a, b, _, _, token = stack
    publish(a.port, token, "/", "Quokka facts", "quokka")
    assert call(b.port, "GET", "/quokka/", JSON).json["title"] == "Quokka facts"
    assert "Quokka facts" in call(b.port, "GET", "/quokka/", HTML).text
    found = call(b.port, "GET", "/@@search?q=quokka", JSON).json
    assert [item["title"] for item in found["items"]] == ["Quokka facts"]
    listed = call(b.port, "GET", "/?b_size=1000", JSON).json["items"]
    assert "Quokka facts" in [item["title"] for item in listed]


def test_the_page_cache_of_one_process_ends_with_a_write_on_the_other(stack):
    a, b, _, _, token = stack
    path = publish(a.port, token, "/", "Kept once", "kept")
    for _ in range(2):  # the second from B's page cache
        assert "Kept once" in call(b.port, "GET", path, HTML).text
    assert api(a.port, token, "PATCH", path, {"title": "Kept twice"}).status == 200
    assert (
        api(
            a.port, token, "POST", path + "@@workflow", {"transition": "publish"}
        ).status
        == 200
    )
    assert "Kept twice" in call(b.port, "GET", path, HTML).text
    assert call(b.port, "GET", path, JSON).json["title"] == "Kept twice"


def login_form(port, login, password):
    answer = call(
        port, "POST", "/@@login", body=[("login", login), ("password", password)]
    )
    assert answer.status == 303, answer.text
    cookie = answer.cookie("cms_session")
    assert cookie
    return {"Cookie": cookie}


def logged_in(port, cookie):
    return call(port, "GET", "/@@preferences", {**HTML, **cookie}).status == 200


def test_a_session_made_on_one_process_holds_on_the_other_until_logout(stack):
    a, b, _, _, _ = stack
    cookie = login_form(a.port, "admin", a.admin_password)
    assert logged_in(b.port, cookie)
    page = call(b.port, "GET", "/", {**HTML, **cookie}).text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    logout = call(a.port, "POST", "/@@logout", {**cookie, "X-CSRF-Token": csrf})
    assert logout.status == 303
    assert not logged_in(b.port, cookie)
    assert not logged_in(a.port, cookie)


def test_a_password_changed_on_one_process_ends_the_session_on_the_other(stack):
    a, b, _, _, token = stack
    user = {
        "login": "walter",
        "password": "walter's first phrase",
        "email": "w@example.com",
    }
    assert api(a.port, token, "POST", "/@@users", user).status == 201
    cookie = login_form(a.port, "walter", user["password"])
    assert logged_in(b.port, cookie)
    changed = api(
        a.port, token, "PATCH", "/@@users/walter", {"password": "another phrase here"}
    )
    assert changed.status == 200, changed.text
    assert not logged_in(b.port, cookie)


def test_concurrent_patches_through_both_processes_lose_nothing(stack):
    from concurrent.futures import ThreadPoolExecutor

    a, b, cache_a, cache_b, token = stack
    path = publish(a.port, token, "/", "Contended", "contended")
    etag = api(b.port, token, "GET", path).headers["ETag"]

    def patch(port, title):
        return api(
            port, token, "PATCH", path, {"title": title}, **{"If-Match": etag}
        ).status

    with ThreadPoolExecutor(2) as pool:
        statuses = list(
            pool.map(patch, (cache_a.port, cache_b.port), ("From A", "From B"))
        )
    assert sorted(statuses) == [200, 412]
    winner = "From A" if statuses[0] == 200 else "From B"
    for port in (a.port, b.port):
        assert api(port, token, "GET", path + "?version=draft").json["title"] == winner


# Through Varnish.


def test_anonymous_reads_are_served_from_the_cache(stack):
    a, _, cache_a, _, token = stack
    paths = [publish(a.port, token, "/", f"Hit {n}", f"hit-{n}") for n in range(5)]
    time.sleep(1.2)  # the writes' second bans are gone by
    kinds = {"HIT": 0, "MISS": 0, "PASS": 0}
    started = time.monotonic()
    for n in range(200):
        path, accept = paths[n % 5], (HTML, JSON)[n // 5 % 2]
        answer = call(cache_a.port, "GET", path, accept)
        assert answer.status == 200
        kinds[answer.headers["X-Cache"]] += 1
    print(f"\n200 reads through varnish: {kinds}, {time.monotonic() - started:.2f} s")
    assert kinds["HIT"] >= 180, kinds
    assert kinds["MISS"] <= 20 and kinds["PASS"] == 0


def test_the_metrics_are_not_served_through_the_cache(stack):
    a, _, cache_a, _, _ = stack
    # The process answers this machine (cms.metrics_allow); through the
    # cache every client would look like this machine.
    assert call(a.port, "GET", "/metrics").status == 200
    assert call(cache_a.port, "GET", "/metrics").status == 404
    assert call(cache_a.port, "GET", "/metrics?x=1").status == 404


def test_html_and_json_of_one_url_stay_apart(stack):
    a, _, cache_a, _, token = stack
    path = publish(a.port, token, "/", "Two faces", "faces")
    time.sleep(1.2)  # the writes' second bans are gone by
    for _ in range(2):
        page = call(cache_a.port, "GET", path, HTML)
        assert page.headers["Content-Type"].startswith("text/html")
        data = call(cache_a.port, "GET", path, JSON)
        assert data.json["title"] == "Two faces"
    assert (page.headers["X-Cache"], data.headers["X-Cache"]) == ("HIT", "HIT")
    # Browsers of every kind share the HTML; a JSON client the JSON.
    firefox = call(cache_a.port, "GET", path, {"Accept": "text/html,*/*;q=0.8"})
    assert firefox.headers["X-Cache"] == "HIT"
    assert firefox.headers["Content-Type"].startswith("text/html")
    assert "s-maxage=" in page.headers["Cache-Control"]
    assert "max-age=0" in page.headers["Cache-Control"]


def test_a_logged_in_reader_goes_past_the_cache(stack):
    a, _, cache_a, _, token = stack
    path = publish(a.port, token, "/", "Shared page", "shared")
    time.sleep(1.2)  # the writes' second bans are gone by
    for _ in range(2):
        anonymous = call(cache_a.port, "GET", path, {**HTML, "Cookie": "_ga=GA1.2.3"})
    assert anonymous.headers["X-Cache"] == "HIT"
    assert 'name="csrf-token"' not in anonymous.text
    cookie = login_form(cache_a.port, "admin", a.admin_password)
    for _ in range(2):
        mine = call(cache_a.port, "GET", path, {**HTML, **cookie})
        assert mine.headers["X-Cache"] == "PASS"
        assert 'name="csrf-token"' in mine.text
        assert mine.headers["Cache-Control"] == "private, no-cache"
    by_token = api(cache_a.port, token, "GET", path)
    assert by_token.headers["X-Cache"] == "PASS"
    assert "private" in by_token.headers["Cache-Control"]
    # And what they got is not served to anyone else.
    again = call(cache_a.port, "GET", path, HTML)
    assert 'name="csrf-token"' not in again.text


def test_each_change_is_seen_through_the_cache_at_once(stack):
    a, _, _, cache_b, token = stack

    def read(path, accept=JSON):
        return lambda: call(cache_b.port, "GET", path, accept)

    def cached(path, accept=JSON):
        for _ in range(2):
            answer = read(path, accept)()
        assert answer.headers["X-Cache"] == "HIT", path
        return answer

    # Publish: the 404 kept for the address gives way.
    assert cached("/news/").status == 404
    publish(a.port, token, "/", "News", "news")
    publish(a.port, token, "/news/", "Story", "story")
    assert eventually(read("/news/"), lambda r: r.status == 200).status == 200
    assert "Story" in cached("/news/", HTML).text  # the listing shows it
    # Rename: the title on every page, the page at its new address.
    moved = api(
        a.port, token, "POST", "/news/story/@@move", {"to": "/news/", "id": "tale"}
    )
    assert moved.status == 200, moved.text
    answer = eventually(read("/news/story/"), lambda r: r.status == 301)
    assert answer.status == 301
    assert cached("/news/tale/").json["title"] == "Story"
    # Move: under another folder.
    publish(a.port, token, "/", "Archive", "archive")
    cached("/news/tale/")
    moved = api(a.port, token, "POST", "/news/tale/@@move", {"to": "/archive/"})
    assert moved.status == 200, moved.text
    answer = eventually(read("/news/tale/"), lambda r: r.status == 301)
    assert answer.status == 301
    assert cached("/archive/tale/").json["parent"]["title"] == "Archive"
    # Retract: anonymous readers get what the site gives them (401 / 303).
    assert (
        api(
            a.port, token, "POST", "/archive/tale/@@workflow", {"transition": "retract"}
        ).status
        == 200
    )
    assert eventually(read("/archive/tale/"), lambda r: r.status == 401).status == 401
    assert (
        eventually(read("/archive/tale/", HTML), lambda r: r.status == 303).status
        == 303
    )
    # Delete: the folder's page kept goes, then the folder.
    assert cached("/archive/").json["title"] == "Archive"
    assert api(a.port, token, "DELETE", "/archive/").status == 204
    assert eventually(read("/archive/"), lambda r: r.status == 404).status == 404


def test_a_schedule_moment_caps_the_shared_lifetime(stack):
    a, _, cache_a, _, token = stack
    soon = datetime.now(UTC) + timedelta(seconds=20)
    path = publish(a.port, token, "/", "Brief", "brief", expires=soon.isoformat())
    answer = eventually(
        lambda: call(cache_a.port, "GET", path, JSON), lambda r: r.status == 200
    )
    shared = int(re.search(r"s-maxage=(\d+)", answer.headers["Cache-Control"]).group(1))
    assert 0 < shared <= 20
    # Every other page of the site too: the moment ends what they list.
    home = call(cache_a.port, "GET", "/", JSON)
    assert (
        int(re.search(r"s-maxage=(\d+)", home.headers["Cache-Control"]).group(1)) <= 20
    )
