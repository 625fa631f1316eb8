"""Integrators read the same URLs as JSON, in the contract's shape."""

import uuid
from datetime import datetime

import pytest

from tests.factories import add_document, add_folder

JSON = {"Accept": "application/json"}


@pytest.fixture
def site(dbsession, root):
    about = add_folder(root, "about", "About us", description="Who we are")
    add_document(about, "team", "Our team", description="The people", body="<p>Hi</p>")
    add_document(about, "history", "Our history")
    dbsession.flush()
    return root


def test_node_in_the_contract_shape(testapp, site):
    data = testapp.get("/about/team/", headers=JSON).json
    assert data["@id"] == "http://example.com/about/team/"
    assert data["@type"] == "Document"
    assert data["id"] == "team"
    assert uuid.UUID(data["uid"])
    assert (data["title"], data["description"], data["body"]) == (
        "Our team",
        "The people",
        "<p>Hi</p>",
    )
    assert data["state"] == "published"
    for field in ("created", "modified"):
        assert datetime.fromisoformat(data[field]).utcoffset().total_seconds() == 0
    assert data["parent"] == {
        "@id": "http://example.com/about/",
        "@type": "Folder",
        "title": "About us",
    }
    assert data["items"] == []
    assert data["items_total"] == 0
    assert data["batching"] == {
        "@id": "http://example.com/about/team/",
        "first": "http://example.com/about/team/",
    }


def test_folder_lists_summaries_of_its_children(testapp, site):
    data = testapp.get("/about/", headers=JSON).json
    assert data["body"] == ""
    assert data["items_total"] == 2
    team = data["items"][0]
    assert set(team) == {
        "@id",
        "@type",
        "id",
        "uid",
        "title",
        "description",
        "state",
        "modified",
        "effective",
        "expires",
    }
    assert [item["id"] for item in data["items"]] == ["team", "history"]
    assert team["@id"] == "http://example.com/about/team/"


def test_root_has_no_parent(testapp, site):
    data = testapp.get("/", headers=JSON).json
    assert data["parent"] is None
    assert data["@id"] == "http://example.com/"


def test_api_prefix_answers_json_with_canonical_ids(testapp, site):
    response = testapp.get("/++api++/about/", headers={"Accept": "text/html"})
    assert response.content_type == "application/json"
    assert response.json["@id"] == "http://example.com/about/"
    assert "Accept" in response.headers["Vary"]


def test_api_prefix_without_trailing_slash_serves_json_too(testapp, site):
    assert testapp.get("/++api++/about").json["id"] == "about"


def test_public_url_setting_names_the_ids(testapp, app, site):
    settings = app.registry.settings
    settings["cms.public_url"] = "https://www.example.org"
    try:
        data = testapp.get("/about/", headers=JSON).json
    finally:
        settings["cms.public_url"] = ""
    assert data["@id"] == "https://www.example.org/about/"
    assert data["items"][0]["@id"] == "https://www.example.org/about/team/"


def test_canonical_redirect_uses_the_public_url(testapp, app, site):
    settings = app.registry.settings
    settings["cms.public_url"] = "https://www.example.org"
    try:
        response = testapp.get("/about?b_size=5", status=301)
    finally:
        settings["cms.public_url"] = ""
    assert response.location == "https://www.example.org/about/?b_size=5"


def test_not_found_is_a_json_error(testapp, site):
    response = testapp.get("/about/nope/", headers=JSON, status=404)
    assert response.json == {
        "error": {"type": "NotFound", "message": "There is nothing at this address."}
    }


def test_breadcrumbs_view(testapp, site):
    data = testapp.get("/about/team/@@breadcrumbs", headers=JSON).json
    assert data == {
        "items": [
            {"@id": "http://example.com/", "title": "Home"},
            {"@id": "http://example.com/about/", "title": "About us"},
            {"@id": "http://example.com/about/team/", "title": "Our team"},
        ]
    }


class TestBatching:
    @pytest.fixture
    def folder(self, dbsession, root):
        folder = add_folder(root, "many")
        for number in range(60):
            add_document(folder, f"p{number:02d}")
        dbsession.flush()
        return folder

    def walk(self, testapp, url, link="next"):
        pages = []
        while url:
            data = testapp.get(url, headers=JSON).json
            pages.append(data)
            url = data["batching"].get(link)
        return pages

    def test_following_next_lists_every_child_once_in_order(self, testapp, folder):
        pages = self.walk(testapp, "/many/")
        assert [len(page["items"]) for page in pages] == [25, 25, 10]
        assert {page["items_total"] for page in pages} == {60}
        ids = [item["id"] for page in pages for item in page["items"]]
        assert ids == [f"p{number:02d}" for number in range(60)]
        assert "prev" not in pages[0]["batching"]
        assert all("prev" in page["batching"] for page in pages[1:])

    def test_following_prev_walks_back(self, testapp, folder):
        last = self.walk(testapp, "/many/?b_size=7")[-1]
        back = self.walk(testapp, last["batching"]["prev"], "prev")
        ids = [item["id"] for page in reversed(back) for item in page["items"]]
        assert ids == [f"p{number:02d}" for number in range(56)]
        assert all(len(page["items"]) == 7 for page in back)

    def test_b_size_is_kept_in_the_links(self, testapp, folder):
        data = testapp.get("/many/?b_size=50", headers=JSON).json
        assert len(data["items"]) == 50
        assert "b_size=50" in data["batching"]["next"]
        assert "b_size=50" in data["batching"]["first"]

    def test_paging_seeks_rather_than_skips(self, testapp, folder, count_queries):
        first = testapp.get("/many/?b_size=10", headers=JSON).json
        with count_queries() as statements:
            testapp.get(first["batching"]["next"], headers=JSON)
        assert len(statements) == 3
        # The batch starts where the last one ended, found in the index.
        assert any("(nodes.position, nodes.id) >" in sql for sql in statements)

    def test_the_order_editors_set_is_the_order_listed(
        self, testapp, dbsession, folder
    ):
        folder["p59"].set_position(0)
        dbsession.flush()
        data = testapp.get("/many/?b_size=2", headers=JSON).json
        assert [item["id"] for item in data["items"]] == ["p59", "p00"]
