"""Bans of the site sent to the HTTP caches in front after each write.

The caches here are small HTTP servers of the test that note every request;
the site is a database of its own with committed transactions.
"""

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import webtest

from bench.soak.site import free_port
from cms.generation import read_generation
from cms.purges import PURGER
from tests.sites import served

DOCUMENT = {"@type": "Document", "title": "Banned soon", "id": "soon"}


class Cache(ThreadingHTTPServer):
    """Notes each request: method, path, X-Ban-Host and the generation then."""

    def __init__(self, status=200):
        super().__init__(("127.0.0.1", 0), Handler)
        self.status = status
        self.requests = []
        self.engine = None
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def bans(self, count, within=3.0):
        deadline = time.monotonic() + within
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.requests)

    def stop(self):
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    def do_BAN(self):
        cache = self.server
        generation = None
        if cache.engine is not None:
            with cache.engine.connect() as connection:
                generation = read_generation(connection)
        cache.requests.append(
            (self.command, self.path, self.headers.get("X-Ban-Host"), generation)
        )
        self.send_response(cache.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def caches():
    started = [Cache(), Cache()]
    yield started
    for cache in started:
        cache.stop()


def site(database_url, tmp_path, monkeypatch, urls, **more):
    settings = {"cms.purge_urls": " , ".join(urls), **more}
    return served(database_url, tmp_path, monkeypatch, settings)


def client(app):
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})


def test_a_write_bans_the_site_in_each_cache_once_committed(
    database_url, tmp_path, monkeypatch, caches
):
    urls = [cache.url for cache in caches]
    public = {"cms.public_url": "https://Site.Example"}
    with site(database_url, tmp_path, monkeypatch, urls, **public) as (app, headers):
        app.registry[PURGER].again = 0.05
        engine = app.registry["dbengine"]
        for cache in caches:
            cache.engine = engine
        client(app).post_json("/", DOCUMENT, headers=headers, status=201)
        with engine.connect() as connection:
            written = read_generation(connection)
        for cache in caches:
            # Sent after the commit (the cache sees the new generation), and
            # once more a moment later.
            assert cache.bans(2) == [("BAN", "/", "site.example", written)] * 2


def test_without_a_public_url_every_host_is_banned(
    database_url, tmp_path, monkeypatch, caches
):
    with site(database_url, tmp_path, monkeypatch, [caches[0].url]) as (app, headers):
        client(app).post_json("/", DOCUMENT, headers=headers, status=201)
        assert caches[0].bans(1)[0][:3] == ("BAN", "/", None)


def test_reads_refusals_and_unshown_writes_ban_nothing(
    database_url, tmp_path, monkeypatch, caches
):
    with site(database_url, tmp_path, monkeypatch, [caches[0].url]) as (app, headers):
        reader = client(app)
        reader.get("/", headers=headers)
        reader.get("/", headers={"Accept": "application/json"})
        # Refused: rolled back.
        reader.post_json("/", {"@type": "Document"}, headers=headers, status=400)
        reader.post_json("/", {**DOCUMENT, "id": ".bad"}, headers=headers, status=400)
        # A login writes a token, which no page shows.
        reader.post_json(
            "/@@login",
            {"login": "admin", "password": "the admin's passphrase"},
            status=201,
        )
        time.sleep(0.3)
        assert caches[0].requests == []


def test_a_cache_that_fails_is_logged_and_the_write_stands(
    database_url, tmp_path, monkeypatch, caches, caplog
):
    gone = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    refusing = Cache(status=405)
    urls = [gone, refusing.url, caches[0].url]
    try:
        with (
            site(database_url, tmp_path, monkeypatch, urls) as (app, headers),
            caplog.at_level(logging.WARNING, logger="cms.purges"),
        ):
            writer = client(app)
            started = time.monotonic()
            writer.post_json("/", DOCUMENT, headers=headers, status=201)
            assert time.monotonic() - started < 1.5
            # The caches after a failing one are told all the same.
            assert len(caches[0].bans(1)) == 1
            deadline = time.monotonic() + 3
            while len(caplog.records) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            page = writer.get("/soon/", headers=headers).json
            assert page["title"] == DOCUMENT["title"]
    finally:
        refusing.stop()
    messages = [record.getMessage() for record in caplog.records]
    assert any(gone in message for message in messages), messages
    assert any(refusing.url in message and "405" in message for message in messages)
    assert {record.levelname for record in caplog.records} == {"WARNING"}
