"""Links between pages are kept by uid: a move or a rename breaks none of them.

A body may link to pages, files and images of the site by their URL or
path; the link still points at the same node after it moves, in JSON and on
the page. ``/@@resolveuid/{uid}`` finds a node wherever it is now, and only
for those who may view it.
"""

import pytest

from tests.factories import add_document
from tests.functional.editing.test_files import png

BASE = "http://example.com"


@pytest.fixture
def pages(testapp, people, site):
    editor = people["editor"]
    testapp.post_json(
        "/site/",
        {"@type": "Folder", "id": "products", "title": "Products"},
        headers=editor,
    )
    testapp.post_json(
        "/site/products/",
        {"@type": "Document", "id": "gadget", "title": "Gadget"},
        headers=editor,
    )
    return editor


def body_links(testapp, url, headers):
    return testapp.get(url, headers=headers).json["body"]


def test_a_link_follows_the_page_it_names_when_it_moves(testapp, pages):
    editor = pages
    body = (
        '<p><a href="/site/products/gadget/">by path</a>, '
        f'<a href="{BASE}/site/products/gadget/#price">by URL</a>, '
        '<a href="/site/products/gadget/@@history?b_size=5">a view</a>, '
        '<a href="/site/nowhere/">nothing</a>, '
        '<a href="https://example.org/site/products/gadget/">elsewhere</a></p>'
    )
    testapp.post_json(
        "/site/",
        {"@type": "Document", "id": "home", "title": "Home", "body": body},
        headers=editor,
    )
    stored = body_links(testapp, "/site/home/", editor)
    assert f'href="{BASE}/site/products/gadget/"' in stored
    testapp.post_json(
        "/site/products/gadget/@@move", {"to": "/site/", "id": "widget"}, headers=editor
    )
    shown = body_links(testapp, "/site/home/", editor)
    assert f'href="{BASE}/site/widget/"' in shown
    assert f'href="{BASE}/site/widget/#price"' in shown
    assert f'href="{BASE}/site/widget/@@history?b_size=5"' in shown
    # What names no node of the site stays as it was written.
    assert 'href="/site/nowhere/"' in shown
    assert 'href="https://example.org/site/products/gadget/"' in shown
    page = testapp.get("/site/home/", headers={**editor, "Accept": "text/html"})
    assert f'href="{BASE}/site/widget/"' in page.text


def test_an_image_follows_its_file(testapp, pages):
    editor = pages
    testapp.post(
        "/site/",
        {"@type": "Image", "id": "logo.png"},
        upload_files=[("file", "logo.png", png())],
        headers=editor,
    )
    body = '<p><img src="/site/logo.png/@@images/thumb" alt="Logo"></p>'
    testapp.post_json(
        "/site/", {"@type": "Document", "id": "home", "title": "H", "body": body},
        headers=editor,
    )  # fmt: skip
    testapp.post_json(
        "/site/logo.png/@@move", {"to": "/site/products/"}, headers=editor
    )
    shown = body_links(testapp, "/site/home/", editor)
    assert f'src="{BASE}/site/products/logo.png/@@images/thumb"' in shown


def test_resolveuid_redirects_to_where_the_node_is_now(testapp, pages):
    editor = pages
    uid = testapp.get("/site/products/gadget/", headers=editor).json["uid"]
    hex_uid = uid.replace("-", "")
    testapp.post_json("/site/products/gadget/@@move", {"to": "/site/"}, headers=editor)
    response = testapp.get(
        f"/@@resolveuid/{hex_uid}",
        status=302,
        headers={"Authorization": editor["Authorization"], "Accept": "text/html"},
    )
    assert response.location == f"{BASE}/site/gadget/"
    view = testapp.get(
        f"/@@resolveuid/{hex_uid}/@@history",
        status=302,
        headers={"Authorization": editor["Authorization"], "Accept": "text/html"},
    )
    assert view.location == f"{BASE}/site/gadget/@@history"
    found = testapp.get(f"/@@resolveuid/{hex_uid}", headers=editor).json
    assert (found["@id"], found["title"]) == (f"{BASE}/site/gadget/", "Gadget")


@pytest.mark.parametrize("tail", ["0" * 32, "not-a-uid", "", "%00", "x" * 1000])
def test_resolveuid_of_nothing_is_404(testapp, root, tail):
    testapp.get(f"/@@resolveuid/{tail}", status=404)


def test_resolveuid_does_not_reveal_a_private_node(testapp, pages, people):
    uid = testapp.get("/site/products/gadget/", headers=pages).json["uid"]
    hex_uid = uid.replace("-", "")
    # The page is private: to a visitor it is as if no such node existed.
    testapp.get(f"/@@resolveuid/{hex_uid}", status=404)
    testapp.get(f"/@@resolveuid/{hex_uid}", headers=people[None], status=404)
    # A reader of /site/ may see it.
    found = testapp.get(f"/@@resolveuid/{hex_uid}", headers=people["reader"]).json
    assert found["title"] == "Gadget"


def test_resolveuid_only_at_the_root(testapp, pages):
    uid = testapp.get("/site/products/gadget/", headers=pages).json["uid"]
    testapp.get(f"/site/@@resolveuid/{uid.replace('-', '')}", headers=pages, status=404)


def test_links_in_a_draft_follow_too(testapp, dbsession, pages, site):
    editor = pages
    add_document(site, "news", "News")  # published
    testapp.patch_json(
        "/site/news/", {"body": '<p><a href="/site/products/gadget/">G</a></p>'},
        headers=editor,
    )  # fmt: skip
    testapp.post_json("/site/products/gadget/@@move", {"id": "renamed"}, headers=editor)
    draft = testapp.get("/site/news/?version=draft", headers=editor).json["body"]
    assert f'href="{BASE}/site/products/renamed/"' in draft
