"""The database away for a while: every request answers 503, then the site is back.

While the database cannot be reached, pages, JSON reads, writes and logins
answer 503 with ``Retry-After``, as a page for browsers and as JSON for
JSON clients, each logged on one line without a traceback; when it comes
back, the same process serves again at once, and every write acknowledged
before is still there. A genuine bug in a query stays a 500.

The outage is real on both databases (:mod:`tests.outages`):

- PostgreSQL: the site reaches the server through a forwarder that the test
  cuts, which is what a stopped server looks like to the site: its open
  connections break at once and new ones are refused.
- SQLite: another connection holds the database's exclusive lock, as a long
  maintenance job or a ``sqlite3`` shell left inside a transaction does:
  requests wait out their busy timeout (shortened here) and meet "database
  is locked". In WAL mode, the site's default, readers would go on reading
  through such a lock; the site runs in rollback-journal mode here so that,
  as with a stopped server, readers and writers alike are shut out.
"""

import logging
import threading
import time
from types import SimpleNamespace

import pytest
import webtest
from sqlalchemy import event

import cms
from cms import db
from cms.outage import MESSAGE, NOT_SAVED
from cms.scripts import initialize_db
from tests.factories import log_in
from tests.outages import ROLLBACK_JOURNAL_PRAGMAS, LockOutage, outage_for
from tests.sites import SECRET, scratch_database, site_ini

ADMIN_PASSWORD = "the admin's passphrase"
UNAVAILABLE = {"error": {"type": "ServiceUnavailable", "message": MESSAGE}}
CLIENTS = 4


@pytest.fixture
def site(request, database_url, tmp_path, monkeypatch):
    """A site of its own, on a database the test can make unreachable.

    ``site.outage`` cuts and restores the database, ``site.client()`` is a
    new client, ``site.headers`` an admin's bearer token; the site has a
    published folder ``/news/``.
    """
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    with scratch_database(database_url, tmp_path) as url:
        outage = outage_for(url)
        if isinstance(outage, LockOutage):
            monkeypatch.setattr(db, "SQLITE_PRAGMAS", ROLLBACK_JOURNAL_PRAGMAS)
        ini_file = site_ini(tmp_path / "site.ini", outage.url, tmp_path / "blobs")
        assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
        app = cms.main(
            {},
            **{
                "sqlalchemy.url": outage.url,
                "cms.secret": SECRET,
                "cms.blob_dir": str(tmp_path / "blobs"),
                "cms.secure_cookies": "false",
                "cms.login_slowdown": "0",
                # "cached": with the anonymous page cache on.
                "cms.page_cache": str(getattr(request, "param", "") == "cached"),
            },
        )

        def client():
            return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})

        token = client().post_json(
            "/@@login", {"login": "admin", "password": ADMIN_PASSWORD}
        )
        headers = {
            "Authorization": f"Bearer {token.json['token']}",
            "Accept": "application/json",
        }
        admin = client()
        admin.post_json(
            "/", {"@type": "Folder", "id": "news", "title": "News"}, headers=headers
        )
        admin.post_json("/news/@@workflow", {"transition": "publish"}, headers=headers)
        try:
            yield SimpleNamespace(
                app=app, outage=outage, client=client, headers=headers
            )
        finally:
            outage.close()
            app.registry["dbengine"].dispose()


def assert_unavailable_page(response):
    assert response.status_int == 503
    assert response.headers["Retry-After"] == "5"
    assert "public" not in response.headers.get("Cache-Control", "")
    assert response.content_type == "text/html"
    assert "Service unavailable" in response.text
    assert MESSAGE in response.text


def assert_unavailable_json(response):
    assert response.status_int == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json == UNAVAILABLE


def one_line_each(caplog, requests):
    """Assert one warning per request, naming it, and not one traceback."""
    records = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.exc_info for record in records] == [None] * len(records)
    assert [record.levelname for record in records] == ["WARNING"] * len(requests)
    for record, request in zip(records, requests, strict=True):
        message = record.getMessage()
        assert message.startswith(f"database unreachable on {request}: ")
        assert "\n" not in message


def test_while_the_database_is_away_every_request_is_503(site, caplog):
    api, browser, visitor = site.client(), site.client(), site.client()
    log_in(browser, "admin", ADMIN_PASSWORD)
    api.post_json(
        "/news/",
        {"@type": "Document", "id": "before", "title": "Before"},
        headers=site.headers,
    )
    etag = api.get("/news/before/", headers=site.headers).headers["ETag"]
    patch = {**site.headers, "If-Match": etag}
    login = {"login": "admin", "password": ADMIN_PASSWORD}
    assert visitor.get("/news/").status_int == 200

    site.outage.cut()
    caplog.clear()
    assert_unavailable_page(visitor.get("/news/", status=503))
    page = browser.get("/news/", status=503)
    assert_unavailable_page(page)
    # The page asked the database nothing, not even who is logged in: it
    # offers neither to log out nor to log in.
    assert "Log out" not in page.text and "Log in" not in page.text
    assert_unavailable_json(visitor.get("/++api++/news/", status=503))
    assert_unavailable_json(api.get("/news/before/", headers=site.headers, status=503))
    assert_unavailable_json(
        api.post_json(
            "/news/",
            {"@type": "Document", "id": "during", "title": "During"},
            headers=site.headers,
            status=503,
        )
    )
    assert_unavailable_json(
        api.patch_json("/news/before/", {"title": "Changed"}, headers=patch, status=503)
    )
    assert_unavailable_json(visitor.post_json("/@@login", login, status=503))
    sent = visitor.post("/@@login", login, status=503)
    assert_unavailable_page(sent)
    # A form was sent: where to find what was typed.
    assert NOT_SAVED in sent.text and NOT_SAVED not in page.text
    assert visitor.get("/readyz", status=503).json["status"] == "unavailable"
    one_line_each(
        caplog,
        [
            "GET /news/",
            "GET /news/",
            "GET /++api++/news/",
            "GET /news/before/",
            "POST /news/",
            "PATCH /news/before/",
            "POST /@@login",
            "POST /@@login",
            "GET /readyz",
        ],
    )

    site.outage.restore()
    assert visitor.get("/news/").status_int == 200
    assert "Log out" in browser.get("/news/").text
    assert api.get("/news/before/", headers=site.headers).json["title"] == "Before"
    api.get("/news/during/", headers=site.headers, status=404)
    api.patch_json("/news/before/", {"title": "Changed"}, headers=patch, status=200)
    api.post_json(
        "/news/",
        {"@type": "Document", "id": "after", "title": "After"},
        headers=site.headers,
    )
    visitor.post_json("/@@login", login, status=201)
    visitor.post("/@@login", login, status=303)
    assert visitor.get("/readyz").json["status"] == "ok"


def test_the_first_requests_after_the_database_comes_back_succeed(site):
    """The database restarts while the site is idle: no request sees it."""

    def read(client, index):
        return client.get("/news/", headers=site.headers, expect_errors=True).status_int

    # Several connections in the pool, all dead once the database restarts.
    assert run_clients(site, read) == [200] * CLIENTS
    site.outage.cut()
    site.outage.restore()
    assert run_clients(site, read) == [200] * CLIENTS
    api = site.client()
    api.post_json(
        "/news/", {"@type": "Document", "title": "Back"}, headers=site.headers
    )


def test_a_commit_that_fails_is_503_and_changes_nothing(site, caplog):
    api = site.client()
    before = api.get("/news/", headers=site.headers)
    history = api.get("/news/@@history", headers=site.headers).json["items"]
    cuts = []

    def cut_before_commit(session):
        # Only the PATCH, after its view answered: its commit meets the outage.
        request = session.info.get("request")
        if request is not None and request.method == "PATCH" and not cuts:
            cuts.append(request.path)
            site.outage.cut_at_commit()

    factory = site.app.registry["dbsession_factory"]
    event.listen(factory, "before_commit", cut_before_commit)
    caplog.clear()
    try:
        response = api.patch_json(
            "/news/",
            {"title": "Half done?"},
            headers={**site.headers, "If-Match": before.headers["ETag"]},
            status=503,
        )
    finally:
        event.remove(factory, "before_commit", cut_before_commit)
    assert cuts == ["/news/"]
    assert_unavailable_json(response)
    one_line_each(caplog, ["PATCH /news/"])

    site.outage.restore()
    after = api.get("/news/", headers=site.headers)
    assert after.json["title"] == "News"
    assert after.headers["ETag"] == before.headers["ETag"]
    assert api.get("/news/@@history", headers=site.headers).json["items"] == history


def test_a_bad_query_is_still_a_500_with_its_traceback(site, caplog):
    """Only "cannot be reached" is a 503: an error in the SQL is a bug.

    (On SQLite a missing table is an ``OperationalError`` too.)
    """

    def misspell(conn, cursor, statement, parameters, context, executemany):
        if "FROM nodes" in statement:
            statement = statement.replace("nodes", "no_such_nodes")
        return statement, parameters

    engine = site.app.registry["dbengine"]
    event.listen(engine, "before_cursor_execute", misspell, retval=True)
    caplog.clear()
    try:
        response = site.client().get("/news/", headers=site.headers, status=500)
    finally:
        event.remove(engine, "before_cursor_execute", misspell)
    assert response.json["error"]["message"] == "Something went wrong on our side."
    errors = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.levelname for record in errors] == ["ERROR"]
    assert "no_such_nodes" in str(errors[0].exc_info[1])


def test_clients_reading_and_writing_through_an_outage_lose_nothing(site, caplog):
    """Four clients read and write while the database goes away and comes back."""
    stop = threading.Event()
    acknowledged = []

    def work(client, index):
        statuses = []
        number = 0
        while not stop.is_set():
            name = f"c{index}-{number}"
            number += 1
            added = client.post_json(
                "/news/",
                {"@type": "Document", "id": name, "title": name},
                headers=site.headers,
                expect_errors=True,
            )
            if added.status_int == 201:
                acknowledged.append(name)
            read = client.get("/news/", headers=site.headers, expect_errors=True)
            statuses += [added.status_int, read.status_int]
        return statuses

    caplog.clear()
    results = []
    threads = run_clients(site, work, wait=False, results=results)
    time.sleep(0.5)
    site.outage.cut()
    time.sleep(1)
    site.outage.restore()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    statuses = [status for result in results for status in result]
    assert set(statuses) <= {200, 201, 503}
    assert 503 in statuses
    listed = site.client().get("/news/?b_size=1000", headers=site.headers).json
    assert set(acknowledged) <= {item["id"] for item in listed["items"]}
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not [record for record in caplog.records if record.exc_info]


def run_clients(site, work, wait=True, results=None):
    """Run ``work(client, index)`` in :data:`CLIENTS` threads at once.

    Return their results, or with ``wait=False`` the threads (*results*
    fills as they end).
    """
    results = [] if results is None else results
    barrier = threading.Barrier(CLIENTS)

    def runner(index):
        client = site.client()
        barrier.wait()
        results.append(work(client, index))

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    if not wait:
        return threads
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("site", ["cached"], indirect=True)
def test_a_kept_page_is_not_served_while_the_database_is_away(site):
    # Another process may have changed it before the database went away:
    # without the generation, nothing kept can be trusted.
    visitor = site.client()
    kept = visitor.get("/news/")
    assert visitor.get("/news/").body == kept.body
    site.outage.cut()
    assert_unavailable_page(visitor.get("/news/", status=503))
    site.outage.restore()
    assert visitor.get("/news/").body == kept.body
