"""Folders have a body of their own, shown above their listing."""

import pytest

from tests.factories import add_document, add_folder, bearer, find_user
from tests.functional.editor.test_uploads import png

JSON = {"Accept": "application/json"}


@pytest.fixture
def site(site, dbsession):
    section = add_folder(site, "section", "Section")
    add_document(section, "page", "Page", description="What the page says.")
    dbsession.flush()
    return site


def test_a_folder_body_round_trips_as_json(testapp, dbsession, site):
    headers = {**JSON, **bearer(dbsession, find_user(dbsession, "editor"))}
    assert testapp.get("/site/section/", headers=headers).json["body"] == ""
    body = '<p>Welcome<script>alert(1)</script></p><a href="javascript:x">y</a>'
    changed = testapp.patch_json("/site/section/", {"body": body}, headers=headers)
    saved = testapp.get("/site/section/?version=draft", headers=headers).json["body"]
    assert saved == changed.json["body"]
    assert "<script" not in saved and "javascript:" not in saved
    assert saved.startswith("<p>Welcome")


def test_the_folder_form_edits_the_body_and_the_page_shows_it(editor, testapp):
    page = editor.get("/site/section/@@edit")
    assert page.html.select_one("textarea#field-body.rich-text") is not None
    form = page.forms["edit-form"]
    form["body"] = "<p>Our <strong>section</strong>.</p><script>bad()</script>"
    form.submit("save", value="publish", status=303)
    shown = testapp.get("/site/section/").html
    body = shown.select_one("article .body")
    assert body.select_one("strong").text == "section"
    assert shown.select_one("script") is None
    # The body comes before the listing.
    assert str(shown).index("Our <strong>") < str(shown).index('class="contents"')


def test_a_folder_is_added_with_a_body(editor, dbsession):
    form = editor.get("/site/@@add?type=Folder").forms["edit-form"]
    form["title"] = "New"
    form["body"] = "<p>Fresh.</p>"
    form.submit("save", value="save", status=303)
    assert editor.get("/site/new/", headers=JSON).json["body"] == "<p>Fresh.</p>"


def test_the_listing_links_each_item_and_shows_its_description(testapp, site):
    page = testapp.get("/site/section/").html
    item = page.select_one(".items li")
    assert item.select_one("a")["href"] == "http://example.com/site/section/page/"
    assert item.select_one(".item-description").text == "What the page says."


def test_images_are_listed_as_thumbnails(editor, testapp):
    form = editor.get("/site/section/@@upload").forms["upload-form"]
    form["files"] = [("photo.png", png(600, 300))]
    form.submit(status=303)
    editor.post(
        "/site/section/photo.png/@@workflow",
        {"transition": "publish", "csrf_token": csrf(editor)},
        status="*",
    )
    page = editor.get("/site/section/").html
    image = page.select_one(".items li.item-image")
    thumb = image.select_one("a.item-thumb img")
    assert thumb["src"] == "http://example.com/site/section/photo.png/@@images/thumb"
    assert thumb["alt"] == "photo.png"
    assert int(thumb["width"]) > 0 and int(thumb["height"]) > 0
    assert image.select_one("a.item-thumb")["href"] == (
        "http://example.com/site/section/photo.png/"
    )
    # Other items get none.
    assert page.select_one(".items li.item-document img") is None


def csrf(client):
    return client.get("/site/").html.select_one('meta[name="csrf-token"]')["content"]
