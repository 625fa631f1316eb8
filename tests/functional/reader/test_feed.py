"""A folder's Atom feed: its newest children the public may see."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from cms.services.site_settings import update_settings
from tests.factories import add_document, bearer

A = "{http://www.w3.org/2005/Atom}"
BASE = "http://example.com"


def parse(response):
    """The feed, checked for what RFC 4287 requires."""
    assert response.content_type == "application/atom+xml"
    feed = ET.fromstring(response.body)  # noqa: S314 (the site's own answer)
    assert feed.tag == A + "feed"
    for tag in ("id", "title", "updated", "author"):
        assert len(feed.findall(A + tag)) == 1, tag
    assert feed.find(A + "author").find(A + "name").text
    links = {link.get("rel"): link.get("href") for link in feed.findall(A + "link")}
    assert links["self"] == response.request.url
    for entry in feed.findall(A + "entry"):
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(A + tag)) == 1, tag
        assert entry.find(A + "id").text.startswith("urn:uuid:")
        datetime.fromisoformat(entry.find(A + "updated").text)
        assert entry.find(A + "link").get("rel") == "alternate"
    return feed


def entries(feed):
    return [
        (entry.find(A + "title").text, entry.find(A + "link").get("href"))
        for entry in feed.findall(A + "entry")
    ]


def test_a_feed_lists_public_children_with_titles_escaped(testapp, site):
    feed = parse(testapp.get("/news/@@feed"))
    assert feed.find(A + "title").text == "News & <views>"
    assert entries(feed) == [("First <news> & more", BASE + "/news/first/")]


def test_drafts_and_private_things_stay_out(testapp, dbsession, site, owner):
    feed = parse(testapp.get("/about/@@feed"))
    assert sorted(title for title, _ in entries(feed)) == ["Our history", "Our team"]
    root = parse(testapp.get("/@@feed"))
    assert sorted(title for title, _ in entries(root)) == ["About us", "News & <views>"]
    # Not even a reader of the secret section gets a feed of it.
    testapp.get("/secret/@@feed", headers=bearer(dbsession, owner), status=404)
    json = {"Accept": "application/json"}
    testapp.get("/secret/@@feed", headers=json, status=401)
    testapp.get("/pending/@@feed", headers=json, status=401)


def test_newest_first_and_at_most_feed_size(app, testapp, dbsession, site, monkeypatch):
    news = next(child for child in site.children() if child.name == "news")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(5):
        add_document(news, f"n{number}", f"N{number}")
    dbsession.flush()
    # Newest by the date each took effect, whatever the order they were made
    # or changed in.
    for child in news.children():
        number = int(child.name[1:]) if child.name.startswith("n") else -1
        child.effective = start + timedelta(days=(number * 3) % 5)
        child.modified = start - timedelta(days=number)
    dbsession.flush()
    monkeypatch.setitem(app.registry.settings, "cms.feed_size", 3)
    feed = parse(testapp.get("/news/@@feed"))
    assert [title for title, _ in entries(feed)] == ["N3", "N1", "N4"]
    published = [
        entry.find(A + "published").text for entry in feed.findall(A + "entry")
    ]
    assert published == [
        "2026-01-05T00:00:00+00:00",
        "2026-01-04T00:00:00+00:00",
        "2026-01-03T00:00:00+00:00",
    ]


def test_the_feed_is_by_the_site_named_in_its_settings(testapp, dbsession, site):
    update_settings(dbsession, {"title": "Harbour Town"})
    dbsession.flush()
    feed = parse(testapp.get("/news/@@feed"))
    assert feed.find(A + "author").find(A + "name").text == "Harbour Town"
