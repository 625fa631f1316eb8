"""Drafts of published pages, history and revert."""

import pytest

from tests.factories import add_document


@pytest.fixture
def page(dbsession, site):
    page = add_document(site, "page", "Live title", body="<p>live</p>")
    dbsession.flush()
    return page


def test_editing_a_published_page_makes_a_draft(testapp, people, page):
    editor = people["editor"]
    saved = testapp.patch_json(
        "/site/page/", {"title": "Draft title"}, headers=editor
    ).json
    # PATCH answers the saved draft…
    assert (saved["title"], saved["has_draft"]) == ("Draft title", True)
    # …while every caller, the editor too, keeps the live page at the plain URL.
    assert testapp.get("/site/page/", headers=editor).json["title"] == "Live title"
    assert (
        testapp.get("/site/page/", headers=people[None]).json["title"] == "Live title"
    )
    assert "has_draft" not in testapp.get("/site/page/", headers=people["reader"]).json
    draft = testapp.get("/site/page/?version=draft", headers=editor).json
    assert (draft["title"], draft["body"]) == ("Draft title", "<p>live</p>")
    assert "Draft title" not in testapp.get("/site/page/").text


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("reader", 403)])
def test_only_editors_see_the_draft(testapp, people, page, who, status):
    testapp.patch_json(
        "/site/page/", {"title": "Secret draft"}, headers=people["editor"]
    )
    response = testapp.get(
        "/site/page/?version=draft", headers=people[who], status=status
    )
    assert "Secret draft" not in response.text


def test_bad_version_parameter(testapp, people, page):
    testapp.get("/site/page/?version=3", headers=people["editor"], status=400)


def test_publishing_makes_the_draft_live(testapp, people, page):
    editor = people["editor"]
    testapp.patch_json("/site/page/", {"body": "<p>new</p>"}, headers=editor)
    testapp.post_json(
        "/site/page/@@workflow", {"transition": "retract"}, headers=editor
    )
    testapp.post_json(
        "/site/page/@@workflow", {"transition": "publish"}, headers=editor
    )
    data = testapp.get("/site/page/", headers=editor).json
    assert (data["body"], data["has_draft"]) == ("<p>new</p>", False)
    assert testapp.get("/site/page/").html.select_one(".body").decode_contents() == (
        "<p>new</p>"
    )


def test_publishing_a_draft_keeps_the_page_online(testapp, people, page):
    editor = people["editor"]
    testapp.patch_json("/site/page/", {"title": "Next"}, headers=editor)
    offered = testapp.get("/site/page/@@workflow", headers=editor).json["transitions"]
    assert [t["id"] for t in offered] == ["publish", "retract"]
    testapp.post_json(
        "/site/page/@@workflow", {"transition": "publish"}, headers=editor
    )
    data = testapp.get("/site/page/", headers=people[None]).json
    assert (data["title"], data["state"]) == ("Next", "published")
    # Without a draft there is nothing to publish again.
    offered = testapp.get("/site/page/@@workflow", headers=editor).json["transitions"]
    assert [t["id"] for t in offered] == ["retract"]
    testapp.post_json(
        "/site/page/@@workflow", {"transition": "publish"}, headers=editor, status=400
    )


def test_editing_a_private_page_changes_it_at_once(testapp, people, site, dbsession):
    add_document(site, "private", "Old", state="private")
    dbsession.flush()
    editor = people["editor"]
    testapp.patch_json("/site/private/", {"title": "New"}, headers=editor)
    data = testapp.get("/site/private/", headers=editor).json
    assert (data["title"], data["has_draft"]) == ("New", False)


def test_history_lists_every_save_and_transition(testapp, people, site):
    editor = people["editor"]
    created = testapp.post_json(
        "/site/", {"@type": "Document", "title": "One"}, headers=editor
    ).json
    url = created["@id"]
    testapp.patch_json(url, {"title": "Two"}, headers=editor)
    testapp.post_json(url + "@@workflow", {"transition": "publish"}, headers=editor)
    testapp.patch_json(url, {"title": "Three"}, headers=editor)
    items = testapp.get(url + "@@history", headers=editor).json["items"]
    assert [item["version"] for item in items] == [4, 3, 2, 1]
    assert [item["comment"] for item in items] == [
        "Edited",
        "Publish",
        "Edited",
        "Created",
    ]
    assert items[0]["author"] == "editor"
    assert items[0]["@id"] == url + "@@history/4"
    assert items[0]["changed"] == ["title"]
    old = testapp.get(url + "@@history/1", headers=editor).json
    assert (old["title"], old["version"]) == ("One", 1)


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("reader", 403)])
def test_history_is_for_editors(testapp, people, page, who, status):
    testapp.get("/site/page/@@history", headers=people[who], status=status)
    testapp.get("/site/page/@@history/1", headers=people[who], status=status)


def test_revert_makes_a_new_revision_equal_to_an_old_one(testapp, people, site):
    editor = people["editor"]
    url = testapp.post_json(
        "/site/",
        {"@type": "Document", "title": "First", "body": "<p>1</p>"},
        headers=editor,
    ).json["@id"]
    testapp.patch_json(url, {"title": "Second", "body": "<p>2</p>"}, headers=editor)
    data = testapp.post_json(url + "@@revert", {"version": 1}, headers=editor).json
    assert (data["title"], data["body"]) == ("First", "<p>1</p>")
    items = testapp.get(url + "@@history", headers=editor).json["items"]
    assert items[0]["version"] == 3
    assert items[0]["comment"] == "Reverted to version 1"


@pytest.mark.parametrize(
    "body", [{"version": 99}, {"version": "1"}, {}, {"version": 0}]
)
def test_revert_to_nothing_is_400(testapp, people, page, body):
    testapp.post_json("/site/page/@@revert", body, headers=people["editor"], status=400)


def test_missing_history_item_is_404(testapp, people, page):
    for number in ("99", "abc", "-1", "1" * 30):
        testapp.get(
            f"/site/page/@@history/{number}", headers=people["editor"], status=404
        )
