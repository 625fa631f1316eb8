"""``s-maxage``: how long shared caches may keep anonymous answers.

The site is a database of its own with committed transactions, served with
``cms.shared_max_age``.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import webtest

import cms.moments
import cms.page_cache
import cms.shared_cache
from tests.sites import served

JSON = {"Accept": "application/json"}


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    settings = {"cms.shared_max_age": "600", "cms.page_cache": "true"}
    with served(database_url, tmp_path, monkeypatch, settings) as (app, headers):
        yield webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"}), headers


def shared(response):
    found = re.search(r"s-maxage=(\d+)", response.headers["Cache-Control"])
    return found and int(found.group(1))


def publish(client, headers, name, **fields):
    document = {"@type": "Document", "title": name.title(), "id": name, **fields}
    client.post_json("/", document, headers=headers, status=201)
    client.post_json(f"/{name}/@@workflow", {"transition": "publish"}, headers=headers)


def test_anonymous_answers_may_be_kept_by_shared_caches(site):
    client, headers = site
    publish(client, headers, "kept")
    for path, accept, status in [
        ("/kept/", JSON, 200),
        ("/kept/", {}, 200),
        ("/missing/", JSON, 404),
        ("/@@search?q=kept", JSON, 200),
    ]:
        answer = client.get(path, headers=accept, status=status)
        assert answer.headers["Cache-Control"] == (
            "public, max-age=0, must-revalidate, s-maxage=600"
        ), path
    # Never someone's answer, nor a health check.
    mine = client.get("/kept/", headers=headers)
    assert mine.headers["Cache-Control"] == "private, no-cache"
    for path in ("/healthz", "/readyz"):
        assert shared(client.get(path)) is None


def test_no_answer_is_kept_past_the_next_schedule_moment(site, monkeypatch):
    client, headers = site
    soon = datetime.now(UTC) + timedelta(seconds=100)
    publish(client, headers, "brief", expires=soon.isoformat())
    looked_up = []
    next_boundary = cms.moments.next_boundary
    monkeypatch.setattr(
        cms.moments,
        "next_boundary",
        lambda *args: looked_up.append(args) or next_boundary(*args),
    )
    for path in ("/brief/", "/", "/missing/", "/brief/"):
        answer = client.get(path, headers=JSON, status="*")
        assert 90 <= shared(answer) <= 100, path
    # Once per generation in a process, not once per request.
    assert len(looked_up) == 1
    client.patch_json("/brief/", {"expires": None}, headers=headers)
    assert shared(client.get("/brief/", headers=JSON)) == 600
    assert len(looked_up) == 2


def test_an_answer_made_across_a_write_is_not_kept(site, monkeypatch):
    client, _ = site
    generations = iter([1, 2])
    monkeypatch.setattr(
        cms.shared_cache, "read_generation", lambda connection: next(generations)
    )
    answer = client.get("/", headers=JSON)
    assert answer.headers["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_a_kept_page_tells_shared_caches_the_seconds_left_now(site, monkeypatch):
    client, headers = site
    soon = datetime.now(UTC) + timedelta(seconds=100)
    publish(client, headers, "brief", expires=soon.isoformat())
    assert 90 <= shared(client.get("/brief/", headers=JSON)) <= 100
    # Fifty seconds on, the page kept in the process has fifty left.
    later = datetime.now(UTC) + timedelta(seconds=50)
    monkeypatch.setattr(cms.page_cache, "utcnow", lambda: later)
    kept = client.get("/brief/", headers=JSON)
    assert 40 <= shared(kept) <= 50
    etag = kept.headers["ETag"]
    revalidated = client.get("/brief/", headers={**JSON, "If-None-Match": etag})
    assert revalidated.status_int == 304 and 40 <= shared(revalidated) <= 50
