"""What editors see that readers do not: the schedule in the forms, notes on
a page and in Contents out of its schedule, marks on listed items readers
miss, and each item's name in Contents."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import add_document


@pytest.fixture
def site(site, dbsession):
    add_document(site, "page", "Page", body="<p>Text</p>")
    dbsession.flush()
    return site


def page_of(site):
    return next(child for child in site.children() if child.name == "page")


def test_the_form_sets_a_schedule_in_utc(editor, site, dbsession):
    form = editor.get("/site/page/@@edit").forms["edit-form"]
    assert form["effective"].value == ""
    form["effective"] = "2027-01-31T09:30"
    form["expires"] = "2027-02-28T18:00"
    form.submit("save").follow()
    page = page_of(site)
    dbsession.refresh(page)
    assert page.effective == datetime(2027, 1, 31, 9, 30, tzinfo=UTC)
    assert page.expires == datetime(2027, 2, 28, 18, 0, tzinfo=UTC)
    # Shown again as it was typed, and emptied to clear it.
    form = editor.get("/site/page/@@edit").forms["edit-form"]
    assert form["effective"].value == "2027-01-31T09:30"
    form["effective"] = ""
    form.submit("save").follow()
    dbsession.refresh(page)
    assert page.effective is None
    assert page.expires is not None


def test_a_bad_schedule_is_shown_again_with_its_message(editor, site, dbsession):
    form = editor.get("/site/page/@@edit").forms["edit-form"]
    form["title"] = "Page, renamed"
    form["effective"] = "2027-03-01T00:00"
    form["expires"] = "2027-02-01T00:00"
    answer = form.submit("save", status=400)
    error = answer.html.select_one("#error-expires")
    assert "must come after" in error.text
    again = answer.forms["edit-form"]
    assert again["expires"].value == "2027-02-01T00:00"
    assert again["title"].value == "Page, renamed"
    page = page_of(site)
    dbsession.refresh(page)
    assert (page.title, page.effective, page.expires) == ("Page", None, None)


def test_the_add_form_takes_a_schedule(editor, site, dbsession):
    form = editor.get("/site/@@add?type=Document").forms["edit-form"]
    form["title"] = "Next week"
    form["effective"] = "2030-01-07T08:00"
    form.submit("save").follow()
    added = next(child for child in site.children() if child.title == "Next week")
    assert added.effective == datetime(2030, 1, 7, 8, 0, tzinfo=UTC)


def test_editors_see_a_node_out_of_its_schedule(editor, site, dbsession):
    page = page_of(site)
    page.effective = datetime.now(UTC) + timedelta(days=3)
    dbsession.flush()
    note = editor.get("/site/page/").html.select_one(".toolbar .schedule")
    assert note.text.startswith("Scheduled: visible from")
    assert note.time["datetime"] == page.effective.isoformat(timespec="minutes")
    row = editor.get("/site/@@contents").html.select_one("tr[data-id=page]")
    assert "Scheduled: visible from" in row.select_one(".schedule").text
    page.effective, page.expires = None, datetime.now(UTC) - timedelta(hours=1)
    dbsession.flush()
    note = editor.get("/site/page/").html.select_one(".toolbar .schedule")
    assert note.text.startswith("Expired: visible until")
    assert "schedule-expired" in note["class"]
    # A page with no limit ahead or behind it carries no note.
    page.expires = None
    dbsession.flush()
    assert editor.get("/site/page/").html.select_one(".schedule") is None
    assert editor.get("/site/@@contents").html.select_one(".schedule") is None


def test_listings_mark_what_readers_do_not_see(editor, site, dbsession, testapp):
    page = page_of(site)
    add_document(site, "draft", "Draft", state="private")
    later = add_document(site, "later", "Later")
    later.effective = datetime.now(UTC) + timedelta(days=1)
    site.state = "published"
    dbsession.flush()
    items = editor.get("/site/").html.select("li.item")
    marks = {}
    for item in items:
        mark = item.select_one(".item-mark")
        marks[item.a.text] = mark.text if mark else None
    assert marks == {page.title: None, "Draft": "Private", "Later": "Scheduled"}
    # Readers see only what is shown to them, unmarked.
    assert testapp.get("/site/").html.select(".item-mark") == []


def test_contents_shows_each_items_name(editor, site, dbsession):
    add_document(site, "page-2", "Page")
    dbsession.flush()
    rows = editor.get("/site/@@contents").html.select("tbody tr")
    names = [(row.th.a.text, row.select_one(".item-name").text) for row in rows]
    # A copy's twin title is told apart by its name.
    assert names == [("Page", "page"), ("Page", "page-2")]
