"""The schedule: ``effective`` and ``expires``, written with PATCH, honoured
when each request is served, by every door, for the node and its ancestors.

Which callers see what at every door is the permission matrix's business
(tests/functional/security, whose tree has scheduled, expired and windowed
nodes); here: writing a schedule, time passing, and the orders it gives.
"""

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import add_document, add_folder, bearer, make_user

JSON = {"Accept": "application/json"}
A = "{http://www.w3.org/2005/Atom}"


def iso(moment):
    return moment.isoformat()


def days(number):
    return datetime.now(UTC) + timedelta(days=number)


@pytest.fixture
def editor(dbsession, root):
    root.state = "published"
    user = make_user(dbsession, "editor", groups=["admins"])
    dbsession.flush()
    return bearer(dbsession, user)


@pytest.fixture
def news(dbsession, root, editor):
    news = add_folder(root, "news", "News")
    add_document(news, "old", "Old story", body="<p>Puffins again</p>")
    dbsession.flush()
    return news


def patch(testapp, headers, path, status=200, **fields):
    return testapp.patch_json(path, fields, headers=headers, status=status)


def public_doors(testapp, path):
    """What anonymous readers get of *path* at each door, as booleans."""
    parent = path[: path.rstrip("/").rfind("/") + 1]
    name = path.rstrip("/").rsplit("/", 1)[1]
    listing = testapp.get(parent, headers=JSON, status=(200, 401, 404)).json
    feed = testapp.get(parent + "@@feed", status=(200, 303, 404))
    sitemap = testapp.get("/sitemap.xml").text
    search = testapp.get("/@@search", {"q": "puffins"}, headers=JSON).json
    # The parent's navigation opens the parent's level (an anonymous reader
    # may not ask the page's own).
    navigation = testapp.get(parent + "@@navigation", headers=JSON, status=(200, 401))
    navigation = navigation.text if navigation.status_int == 200 else ""
    return {
        "page": testapp.get(path, status=(200, 303, 401, 403, 404)).status_int == 200,
        "listing": any(item["id"] == name for item in listing.get("items", ())),
        "feed": feed.status_int == 200 and path in feed.text,
        "sitemap": path in sitemap,
        "search": any(item["@id"].endswith(path) for item in search["items"]),
        "navigation": path in navigation,
    }


ALL = dict.fromkeys(("page", "listing", "feed", "sitemap", "search", "navigation"))


@pytest.mark.parametrize(
    ("schedule", "shown"),
    [
        ({}, True),
        ({"effective": days(1)}, False),
        ({"effective": days(-1)}, True),
        ({"expires": days(-1)}, False),
        ({"expires": days(1)}, True),
        ({"effective": days(-2), "expires": days(-1)}, False),
        ({"effective": days(-1), "expires": days(1)}, True),
    ],
)
def test_each_door_shows_a_page_only_inside_its_schedule(
    testapp, editor, news, schedule, shown
):
    testapp.post_json(
        "/news/",
        {
            "@type": "Document",
            "id": "story",
            "title": "Story",
            "body": "<p>Puffins are back</p>",
            **{name: iso(value) for name, value in schedule.items()},
        },
        headers=editor,
        status=201,
    )
    testapp.post_json(
        "/news/story/@@workflow", {"transition": "publish"}, headers=editor
    )
    assert public_doors(testapp, "/news/story/") == {door: shown for door in ALL}
    # Its editor sees it, and its schedule, wherever it stands.
    data = testapp.get("/news/story/", headers=editor).json
    for name in ("effective", "expires"):
        if name in schedule:
            assert datetime.fromisoformat(data[name]) == schedule[name]


def test_a_scheduled_folder_hides_everything_below_it(testapp, editor, news, dbsession):
    add_document(news, "story", "Story", body="<p>Puffins</p>")
    dbsession.flush()
    before = public_doors(testapp, "/news/story/")
    assert before == {door: True for door in ALL}
    patch(testapp, editor, "/news/", effective=iso(days(1)))
    hidden = public_doors(testapp, "/news/story/")
    assert hidden == {**{door: False for door in ALL}, "listing": False}
    patch(testapp, editor, "/news/", effective=None)
    assert public_doors(testapp, "/news/story/") == before


def test_a_boundary_passing_needs_no_write(testapp, editor, news):
    """Nothing runs when a moment passes: the next request sees it."""
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    patch(testapp, editor, "/news/old/", expires=iso(soon))
    assert testapp.get("/news/old/").status_int == 200
    time.sleep(max(0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    testapp.get("/news/old/", headers=JSON, status=401)
    assert public_doors(testapp, "/news/old/") == {door: False for door in ALL}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"effective": "tomorrow"}, "effective"),
        ({"effective": "2027-01-31T09:00:00"}, "effective"),
        ({"expires": 20270131}, "expires"),
        ({"expires": "2027-02-30T09:00:00+01:00"}, "expires"),
        ({"expires": "x" * 10_000}, "expires"),
        ({"effective": "9999-12-31T23:59:59-14:00"}, "effective"),
        (
            {"effective": "2027-02-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z"},
            "expires",
        ),
    ],
)
def test_a_bad_schedule_is_a_400_naming_the_field(testapp, editor, news, fields, field):
    before = testapp.get("/news/old/", headers=editor).json
    answer = patch(testapp, editor, "/news/old/", status=400, **fields).json
    assert [error["field"] for error in answer["error"]["errors"]] == [field]
    assert testapp.get("/news/old/", headers=editor).json == before


def test_expires_must_follow_the_effective_already_set(testapp, editor, news):
    patch(testapp, editor, "/news/old/", effective="2027-06-01T00:00:00+02:00")
    answer = patch(
        testapp, editor, "/news/old/", status=400, expires="2027-05-31T21:59:59Z"
    ).json
    assert answer["error"]["errors"][0]["field"] == "expires"
    data = patch(testapp, editor, "/news/old/", expires="2027-06-01T00:00:00Z").json
    # Read back in UTC, whatever offset it was written with.
    assert data["effective"] == "2027-05-31T22:00:00+00:00"
    assert data["expires"] == "2027-06-01T00:00:00+00:00"


def test_a_published_page_is_rescheduled_at_once_not_drafted(testapp, editor, news):
    data = patch(
        testapp,
        editor,
        "/news/old/",
        title="Old story, retitled",
        expires=iso(days(-1)),
    ).json
    # The title waits in a draft; the schedule does not.
    assert data["has_draft"] is True
    assert data["expires"] is not None
    assert testapp.get("/news/old/", headers=editor).json["title"] == "Old story"
    testapp.get("/news/old/", headers=JSON, status=401)
    history = testapp.get("/news/old/@@history", headers=editor).json["items"]
    assert set(history[0]["changed"]) == {"title", "expires"}
    # A schedule alone makes a revision of its own, and keeps the draft.
    patch(testapp, editor, "/news/old/", expires=None)
    history = testapp.get("/news/old/@@history", headers=editor).json["items"]
    assert history[0]["comment"] == "Schedule changed"
    assert history[0]["changed"] == ["expires"]
    assert testapp.get("/news/old/", headers=JSON).json["title"] == "Old story"
    assert testapp.get("/news/old/?version=draft", headers=editor).json["title"] == (
        "Old story, retitled"
    )


def test_publishing_sets_effective_once(testapp, editor, news):
    testapp.post_json(
        "/news/", {"@type": "Document", "id": "fresh", "title": "Fresh"}, headers=editor
    )
    assert testapp.get("/news/fresh/", headers=editor).json["effective"] is None
    before = datetime.now(UTC)
    testapp.post_json(
        "/news/fresh/@@workflow", {"transition": "publish"}, headers=editor
    )
    first = testapp.get("/news/fresh/", headers=editor).json["effective"]
    assert before <= datetime.fromisoformat(first) <= datetime.now(UTC)
    testapp.post_json(
        "/news/fresh/@@workflow", {"transition": "retract"}, headers=editor
    )
    testapp.post_json(
        "/news/fresh/@@workflow", {"transition": "publish"}, headers=editor
    )
    assert testapp.get("/news/fresh/", headers=editor).json["effective"] == first


def test_search_filters_and_sorts_by_effective(testapp, editor, news, dbsession):
    for number, day in enumerate((3, 1, 2)):
        story = add_document(news, f"s{number}", f"Puffin {number}")
        story.effective = datetime(2026, 1, day, tzinfo=UTC)
    dbsession.flush()

    def titles(**params):
        answer = testapp.get("/news/@@search", {"q": "puffin", **params}, headers=JSON)
        return [item["title"] for item in answer.json["items"]]

    assert titles(sort_on="effective") == ["Puffin 0", "Puffin 2", "Puffin 1"]
    assert titles(sort_on="effective", sort_order="ascending") == [
        "Puffin 1",
        "Puffin 2",
        "Puffin 0",
    ]
    assert titles(effective_after="2026-01-01T12:00:00Z", sort_on="effective") == [
        "Puffin 0",
        "Puffin 2",
    ]
    assert titles(effective_before="2026-01-01T12:00:00+00:00") == ["Puffin 1"]


def test_summaries_carry_the_schedule(testapp, editor, news):
    patch(testapp, editor, "/news/old/", effective="2026-03-01T08:00:00+00:00")
    item = testapp.get("/news/", headers=JSON).json["items"][0]
    assert item["effective"] == "2026-03-01T08:00:00+00:00"
    assert item["expires"] is None


def test_feed_entries_are_dated_by_effective(testapp, editor, news):
    patch(testapp, editor, "/news/old/", effective="2026-03-01T08:00:00+00:00")
    feed = ET.fromstring(testapp.get("/news/@@feed").body)  # noqa: S314
    entry = feed.find(A + "entry")
    assert entry.find(A + "published").text == "2026-03-01T08:00:00+00:00"
