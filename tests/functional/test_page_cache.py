"""The anonymous page cache: what it keeps, for whom, and when it lets go.

Every write that changes what a page shows must end the entries it could
change: publishing, retracting an ancestor, moving, renaming, a title shown
in the breadcrumbs and navigation, the site's settings, a schedule moment
passing (no write at all), and a write made by another process.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
import webtest
from sqlalchemy import select

from cms.models import Node
from cms.page_cache import PAGE_CACHE
from tests.factories import (
    add_document,
    add_folder,
    bearer,
    browser,
    log_in,
    make_user,
)

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


@pytest.fixture
def site(cached_testapp, dbsession, root):
    news = add_folder(root, "news", title="News")
    add_document(news, "item", title="An item", body="<p>Read me</p>")
    add_document(news, "draft", title="A draft", state="private")
    admin = make_user(dbsession, "boss", groups=("admins",))
    dbsession.flush()
    return {"admin": admin, "token": bearer(dbsession, admin)}


@pytest.fixture
def client(cached_testapp):
    return cached_testapp


@pytest.fixture
def cache(cached_app):
    return cached_app.registry[PAGE_CACHE]


def answer(response):
    # Each answer has its own X-Request-ID, kept or not.
    headers = [item for item in response.headerlist if item[0] != "X-Request-ID"]
    return response.status_int, sorted(headers), response.body


def served_with(count_queries, client, url, **kwargs):
    """The response to *url* and the statements it took."""
    with count_queries() as statements:
        response = client.get(url, **kwargs)
    return response, statements


# -- what is kept, and what a hit costs -------------------------------------


def test_a_hit_is_the_same_answer_for_one_statement(site, client, count_queries):
    first, statements = served_with(count_queries, client, "/news/item/", headers=HTML)
    assert len(statements) > 1
    second, statements = served_with(count_queries, client, "/news/item/", headers=HTML)
    assert statements == [statements[0]] and "site_generation" in statements[0]
    assert answer(second) == answer(first)
    assert "Read me" in second.text
    assert second.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert second.headers["Vary"] == "Accept, Origin"


def test_html_and_json_are_kept_apart(site, client, count_queries):
    page = client.get("/news/item/", headers=HTML)
    data = client.get("/news/item/", headers=JSON)
    api = client.get("/++api++/news/item/")
    assert page.content_type == "text/html"
    assert data.content_type == api.content_type == "application/json"
    for url, headers, first in (
        ("/news/item/", HTML, page),
        ("/news/item/", JSON, data),
        ("/++api++/news/item/", {}, api),
    ):
        again, statements = served_with(count_queries, client, url, headers=headers)
        assert len(statements) == 1
        assert answer(again) == answer(first)


def test_the_query_is_part_of_the_key(site, client):
    assert "items" in client.get("/news/", headers=JSON).json
    assert "items" not in client.get("/news/?fields=title", headers=JSON).json
    assert "items" in client.get("/news/", headers=JSON).json


def test_head_is_answered_from_what_get_kept(site, client, count_queries):
    get = client.get("/news/item/", headers=HTML)
    with count_queries() as statements:
        head = client.head("/news/item/", headers=HTML)
    assert len(statements) == 1
    assert head.body == b""
    assert answer(head)[1] == answer(get)[1]


def test_if_none_match_is_a_304_from_the_cache(site, client, testapp, count_queries):
    etag = client.get("/news/item/", headers=HTML).headers["ETag"]
    uncached = testapp.get(
        "/news/item/", headers={**HTML, "If-None-Match": etag}, status=304
    )
    with count_queries() as statements:
        cached = client.get(
            "/news/item/", headers={**HTML, "If-None-Match": etag}, status=304
        )
    assert len(statements) == 1
    assert answer(cached) == answer(uncached)
    # Another tag gets the page.
    other = client.get("/news/item/", headers={**HTML, "If-None-Match": '"x"'})
    assert other.status_int == 200 and "Read me" in other.text


def test_a_404_is_kept_and_ended_like_a_page(site, client, count_queries):
    first = client.get("/news/later/", headers=HTML, status=404)
    again, statements = served_with(
        count_queries, client, "/news/later/", headers=HTML, status=404
    )
    assert len(statements) == 1 and answer(again) == answer(first)
    client.post_json(
        "/news/",
        {"@type": "Document", "title": "Later", "id": "later"},
        headers=site["token"],
    )
    client.post_json(
        "/news/later/@@workflow", {"transition": "publish"}, headers=site["token"]
    )
    assert "Later" in client.get("/news/later/", headers=HTML).text


def test_the_cache_keeps_at_most_its_size(site, client, cache, count_queries):
    cache.size = 2
    try:
        for url in ("/", "/news/", "/news/item/"):
            client.get(url, headers=HTML)
        assert len(cache) == 2
        _, statements = served_with(count_queries, client, "/news/item/", headers=HTML)
        assert len(statements) == 1
        # The least recently used went first.
        _, statements = served_with(count_queries, client, "/", headers=HTML)
        assert len(statements) > 1
    finally:
        cache.size = 1000


# -- never someone else's page -----------------------------------------------


def test_a_logged_in_editor_never_gets_the_anonymous_page(
    site, client, dbsession, cached_app
):
    anonymous = client.get("/news/item/", headers=HTML)
    assert "Edit" not in anonymous.text
    editor = browser(cached_app, dbsession, site["admin"])
    page = editor.get("/news/item/", headers=HTML)
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert page.text != anonymous.text and "Log out" in page.text
    # Nor is the editor's page kept for anyone.
    assert answer(client.get("/news/item/", headers=HTML)) == answer(anonymous)


def test_a_token_gets_its_own_answer_not_the_kept_one(site, client):
    anonymous = client.get("/news/", headers=JSON).json
    assert [item["title"] for item in anonymous["items"]] == ["An item"]
    mine = client.get("/news/", headers=site["token"])
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert {item["title"] for item in mine.json["items"]} == {"An item", "A draft"}
    again = client.get("/news/", headers=JSON).json
    assert [item["title"] for item in again["items"]] == ["An item"]


def test_an_anonymous_reader_never_gets_what_an_editor_saw(site, client):
    client.get("/news/draft/", headers=site["token"])
    client.get("/news/draft/", headers={**site["token"], **HTML})
    client.get("/news/draft/", headers=JSON, status=401)
    client.get("/news/draft/", headers=HTML, status=303)


def test_what_no_page_shows_ends_nothing(site, client, cached_app, count_queries):
    # A token's first use writes its last_used; a login writes its session,
    # a failed one the throttle's count.
    client.get("/news/item/", headers=HTML)
    client.get("/news/", headers=site["token"])
    other = webtest.TestApp(cached_app, extra_environ={"HTTP_HOST": "example.com"})
    other.post("/@@login", {"login": "boss", "password": "wrong"}, status=401)
    log_in(other, "boss")
    _, statements = served_with(count_queries, client, "/news/item/", headers=HTML)
    assert len(statements) == 1


# -- every write ends what it changes ---------------------------------------


def write(client, site, method, url, data):
    call = getattr(client, f"{method}_json")
    return call(url, data, headers=site["token"])


def test_publishing_shows_the_page(site, client):
    client.get("/news/", headers=JSON)
    client.get("/news/draft/", headers=JSON, status=401)
    write(client, site, "post", "/news/draft/@@workflow", {"transition": "publish"})
    assert client.get("/news/draft/", headers=JSON).json["title"] == "A draft"
    titles = [
        item["title"] for item in client.get("/news/", headers=JSON).json["items"]
    ]
    assert titles == ["An item", "A draft"]


def test_retracting_an_ancestor_hides_the_page(site, client):
    assert "Read me" in client.get("/news/item/", headers=HTML).text
    write(client, site, "post", "/news/@@workflow", {"transition": "retract"})
    client.get("/news/item/", headers=HTML, status=303)
    client.get("/news/item/", headers=JSON, status=401)


def test_moving_answers_at_the_new_address(site, client, root, dbsession):
    add_folder(root, "archive", title="Archive")
    dbsession.commit()
    client.get("/news/item/", headers=HTML)
    client.get("/archive/item/", headers=HTML, status=404)
    write(client, site, "post", "/news/item/@@move", {"to": "/archive/"})
    assert "Read me" in client.get("/archive/item/", headers=HTML).text
    moved = client.get("/news/item/", headers=HTML, status=301)
    assert moved.location.endswith("/archive/item/")


def test_renaming_answers_at_the_new_name(site, client):
    client.get("/news/item/", headers=JSON)
    client.get("/news/story/", headers=JSON, status=404)
    write(client, site, "post", "/news/item/@@move", {"to": "/news/", "id": "story"})
    assert client.get("/news/story/", headers=JSON).json["title"] == "An item"
    client.get("/news/item/", headers=JSON, status=301)


def test_a_new_title_shows_in_breadcrumbs_and_navigation(site, client):
    before = client.get("/news/item/", headers=HTML)
    assert "News" in before.html.select_one("nav.breadcrumbs").text
    assert "News" in before.html.select_one("nav.site-nav").text
    client.get("/news/item/?expand=breadcrumbs,navigation", headers=JSON)
    write(client, site, "patch", "/news/", {"title": "Tidings"})
    # A published folder's edit is a draft until published: readers see it then.
    assert "Tidings" not in client.get("/news/item/", headers=HTML).text
    write(client, site, "post", "/news/@@workflow", {"transition": "publish"})
    page = client.get("/news/item/", headers=HTML)
    for nav in ("nav.breadcrumbs", "nav.site-nav"):
        shown = page.html.select_one(nav).text
        assert "Tidings" in shown and "News" not in shown, nav
    data = client.get("/news/item/?expand=breadcrumbs,navigation", headers=JSON).json
    assert "Tidings" in str(data["@components"])


def test_site_settings_show_in_every_header(site, client):
    assert "Renamed site" not in client.get("/news/item/", headers=HTML).text
    write(client, site, "patch", "/@@site-settings", {"title": "Renamed site"})
    assert "Renamed site" in client.get("/news/item/", headers=HTML).text


def test_a_schedule_moment_ends_the_entries_without_any_write(site, client, dbsession):
    item = dbsession.scalars(select(Node).where(Node.path == "/news/item/")).one()
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    item.expires = soon
    dbsession.commit()
    assert "Read me" in client.get("/news/item/", headers=HTML).text
    listed = client.get("/news/", headers=JSON).json["items"]
    assert [entry["title"] for entry in listed] == ["An item"]
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    client.get("/news/item/", headers=HTML, status=303)
    assert client.get("/news/", headers=JSON).json["items"] == []


def test_a_page_not_yet_effective_appears_when_its_moment_comes(
    site, client, dbsession
):
    draft = dbsession.scalars(select(Node).where(Node.path == "/news/draft/")).one()
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    draft.state, draft.effective = "published", soon
    dbsession.commit()
    client.get("/news/draft/", headers=JSON, status=401)
    listed = client.get("/news/", headers=JSON).json["items"]
    assert [entry["title"] for entry in listed] == ["An item"]
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    assert client.get("/news/draft/", headers=JSON).json["title"] == "A draft"
    listed = client.get("/news/", headers=JSON).json["items"]
    assert [entry["title"] for entry in listed] == ["An item", "A draft"]
