"""Every row of the contract's "Writing" table, as an allowed and a refused caller."""

import pytest
from sqlalchemy import select

from cms.models import Node, Revision, User
from tests.factories import add_document, add_folder, grant


def add(testapp, headers, container="/site/", status=201, **body):
    body.setdefault("@type", "Document")
    return testapp.post_json(container, body, headers=headers, status=status)


class TestCreate:
    def test_contributor_adds_a_document(self, testapp, dbsession, people, site):
        response = add(
            testapp, people["contributor"], title="Hello World", body="<p>Hi</p>"
        )
        assert response.location == "http://example.com/site/hello-world/"
        data = response.json
        assert (data["@type"], data["id"], data["state"]) == (
            "Document",
            "hello-world",
            "private",
        )
        assert data["body"] == "<p>Hi</p>"
        node = dbsession.scalars(
            select(Node).where(Node.path == "/site/hello-world/")
        ).one()
        assert node.owner_id is not None
        # New nodes start private; their creator owns them.
        testapp.get(response.location, headers=people[None], status=401)
        sharing = testapp.get(
            response.location + "@@sharing", headers=people["admin"]
        ).json
        assert {"principal": "user:contributor", "roles": ["owner"]} in sharing[
            "entries"
        ]

    def test_explicit_id_and_a_folder(self, testapp, people, site):
        data = add(
            testapp,
            people["editor"],
            **{"@type": "Folder", "id": "news", "title": "News"},
        ).json
        assert data["@id"] == "http://example.com/site/news/"
        assert data["body"] == ""  # a folder has a body too, empty at first

    @pytest.mark.parametrize(("who", "status"), [(None, 401), ("reader", 403)])
    def test_refused(self, testapp, dbsession, people, site, who, status):
        add(testapp, people[who], title="No", status=status)
        assert dbsession.scalars(select(Node).where(Node.name == "no")).first() is None

    def test_name_taken_is_409(self, testapp, people, site):
        add(testapp, people["editor"], id="page", title="One")
        response = add(testapp, people["editor"], id="page", title="Two", status=409)
        assert response.json["error"]["type"] == "Conflict"

    def test_names_from_titles_are_made_unique(self, testapp, people, site):
        ids = [
            add(testapp, people["editor"], title="Same").json["id"] for _ in range(3)
        ]
        assert ids == ["same", "same-1", "same-2"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"@type": "Document"}, "title"),
            ({"@type": "Document", "title": "   "}, "title"),
            ({"@type": "Document", "title": 5}, "title"),
            ({"@type": "Document", "title": "x" * 201}, "title"),
            ({"@type": "Spaceship", "title": "T"}, "@type"),
            ({"title": "T"}, "@type"),
            ({"@type": "Document", "title": "T", "id": "Bad Name"}, "id"),
            ({"@type": "Document", "title": "T", "id": 7}, "id"),
            ({"@type": "Document", "title": "T", "owner": "admin"}, "owner"),
            ({"@type": "Document", "title": "T", "state": "published"}, "state"),
            ({"@type": "Document", "title": "T", "uid": "x"}, "uid"),
            ({"@type": "Document", "title": "T", "path": "/x/"}, "path"),
            ({"@type": "Folder", "title": "T", "body": 5}, "body"),
            ({"@type": "File", "title": "T"}, "file"),
            ({"@type": "Document", "title": "T", "body": ["x"]}, "body"),
        ],
    )
    def test_field_errors(self, testapp, dbsession, people, site, body, field):
        response = testapp.post_json(
            "/site/", body, headers=people["editor"], status=400
        )
        fields = [error["field"] for error in response.json["error"]["errors"]]
        assert field in fields
        assert (
            dbsession.scalars(select(Node).where(Node.parent_id == site.id)).all() == []
        )

    def test_a_document_holds_children(self, testapp, people, site):
        # Documents may hold children; Files may not (see the upload tests).
        parent = add(testapp, people["editor"], id="doc", title="Doc").json
        child = add(testapp, people["editor"], container=parent["@id"], title="Child")
        assert child.location == "http://example.com/site/doc/child/"
        listed = testapp.get(parent["@id"], headers=people["editor"]).json["items"]
        assert [item["id"] for item in listed] == ["child"]


class TestUpdate:
    @pytest.fixture
    def page(self, dbsession, site):
        page = add_document(site, "page", "Page", state="private", body="<p>old</p>")
        dbsession.flush()
        return page

    def test_editor_patches_fields(self, testapp, people, page):
        data = testapp.patch_json(
            "/site/page/",
            {"title": "New", "body": "<p>new</p>"},
            headers=people["editor"],
        ).json
        assert (data["title"], data["body"]) == ("New", "<p>new</p>")

    @pytest.mark.parametrize(
        ("who", "status"), [(None, 401), ("reader", 403), ("contributor", 403)]
    )
    def test_refused(self, testapp, dbsession, people, page, who, status):
        testapp.patch_json(
            "/site/page/", {"title": "X"}, headers=people[who], status=status
        )
        dbsession.refresh(page)
        assert page.title == "Page"

    def test_owner_may_edit_while_private_only(self, testapp, dbsession, people, site):
        data = testapp.post_json(
            "/site/", {"@type": "Document", "title": "Mine"}, headers=people["owner"]
        ).json
        testapp.patch_json(
            data["@id"], {"title": "Still mine"}, headers=people["owner"]
        )
        testapp.post_json(
            data["@id"] + "@@workflow",
            {"transition": "submit"},
            headers=people["owner"],
        )
        testapp.patch_json(
            data["@id"], {"title": "No"}, headers=people["owner"], status=403
        )

    @pytest.mark.parametrize(
        "body",
        [
            {"id": "renamed"},
            {"@type": "Folder"},
            {"state": "published"},
            {"title": None},
            {"title": ""},
            {"description": 3},
            {"owner": 1},
        ],
    )
    def test_bad_patches_change_nothing(self, testapp, dbsession, people, page, body):
        testapp.patch_json("/site/page/", body, headers=people["editor"], status=400)
        dbsession.refresh(page)
        assert (page.title, page.name, page.state) == ("Page", "page", "private")


class TestDelete:
    def test_editor_deletes_a_subtree(self, testapp, dbsession, people, site):
        folder = add_folder(site, "folder")
        add_document(add_folder(folder, "inner"), "deep")
        dbsession.flush()
        testapp.delete("/site/folder/", headers=people["editor"], status=204)
        dbsession.expire_all()
        paths = dbsession.scalars(
            select(Node.path).where(Node.path.startswith("/site/f"))
        ).all()
        assert paths == []
        assert dbsession.scalars(select(Revision)).all() == []

    @pytest.mark.parametrize(
        ("who", "status"), [(None, 401), ("reader", 403), ("contributor", 403)]
    )
    def test_refused(self, testapp, dbsession, people, site, who, status):
        add_document(site, "keep")
        dbsession.flush()
        testapp.delete("/site/keep/", headers=people[who], status=status)
        testapp.get("/site/keep/", headers=people["editor"], status=200)

    def test_the_root_stays(self, testapp, people):
        testapp.delete("/", headers=people["admin"], status=403)
        assert testapp.get("/", headers=people["admin"]).json["items_total"] == 1


class TestMove:
    @pytest.fixture
    def tree(self, dbsession, site):
        add_document(add_folder(site, "a"), "page", "Page")
        add_folder(site, "b")
        dbsession.flush()

    def test_move_and_redirect(self, testapp, people, tree):
        data = testapp.post_json(
            "/site/a/page/@@move", {"to": "/site/b/"}, headers=people["editor"]
        ).json
        assert data["@id"] == "http://example.com/site/b/page/"
        response = testapp.get("/site/a/page/", headers=people["editor"], status=301)
        assert response.location == "http://example.com/site/b/page/"

    def test_rename_with_id_only(self, testapp, people, tree):
        data = testapp.post_json(
            "/site/a/page/@@move", {"id": "renamed"}, headers=people["editor"]
        ).json
        assert data["@id"] == "http://example.com/site/a/renamed/"

    def test_redirects_follow_two_moves_and_keep_the_rest(self, testapp, people, tree):
        editor = people["editor"]
        testapp.post_json("/site/a/@@move", {"to": "/site/b/"}, headers=editor)
        testapp.post_json(
            "/site/b/a/@@move", {"to": "/site/", "id": "c"}, headers=editor
        )
        for old in ("/site/a/page/", "/site/b/a/page/"):
            response = testapp.get(
                old + "@@breadcrumbs?x=1", headers=editor, status=301
            )
            assert (
                response.location == "http://example.com/site/c/page/@@breadcrumbs?x=1"
            )

    def test_redirected_rest_of_the_path_is_encoded(self, testapp, people, tree):
        editor = people["editor"]
        testapp.post_json("/site/a/@@move", {"id": "moved"}, headers=editor)
        for rest, expected in (
            ("x%0d%0aSet-Cookie:%20a=1/", "x%0D%0ASet-Cookie%3A%20a%3D1/"),
            ("%E2%98%83/", "%E2%98%83/"),
            ("a%3Fb/", "a%3Fb/"),
        ):
            response = testapp.get(f"/site/a/{rest}", headers=editor, status=301)
            assert response.location == f"http://example.com/site/moved/{expected}"

    def test_a_copy_on_an_old_path_ends_its_redirect(self, testapp, people, tree):
        editor = people["editor"]
        testapp.post_json("/site/a/@@move", {"id": "a2"}, headers=editor)
        testapp.post_json(
            "/site/a2/@@copy", {"to": "/site/", "id": "a"}, headers=editor
        )
        testapp.post_json("/site/a2/@@move", {"to": "/site/a/"}, headers=editor)
        # No loop: /site/a/ exists again, so its missing children are 404s.
        testapp.get("/site/a/zzz/", headers=editor, status=404)
        assert testapp.get("/site/a/page/", headers=editor).json["id"] == "page"

    def test_a_new_node_at_the_old_url_wins(self, testapp, people, tree):
        editor = people["editor"]
        testapp.post_json("/site/a/@@move", {"to": "/site/b/"}, headers=editor)
        testapp.post_json(
            "/site/", {"@type": "Folder", "id": "a", "title": "New A"}, headers=editor
        )
        assert testapp.get("/site/a/", headers=editor).json["title"] == "New A"

    def test_redirect_is_not_told_to_those_who_may_not_view(
        self, testapp, dbsession, people, site
    ):
        add_document(site, "hidden", state="private")
        dbsession.flush()
        testapp.post_json(
            "/site/hidden/@@move", {"id": "gone"}, headers=people["editor"]
        )
        testapp.get("/site/hidden/", status=404)
        testapp.get("/site/hidden/", headers=people["reader"], status=301)

    def test_into_own_subtree_is_400(self, testapp, people, tree):
        response = testapp.post_json(
            "/site/a/@@move",
            {"to": "/site/a/page/"},
            headers=people["editor"],
            status=400,
        )
        assert response.json["error"]["errors"][0]["field"] == "to"

    def test_onto_a_taken_name_is_409(self, testapp, people, tree):
        testapp.post_json(
            "/site/a/@@move", {"id": "b"}, headers=people["editor"], status=409
        )

    @pytest.mark.parametrize(
        "to",
        [
            "/nope/",
            "nope",
            "",
            5,
            None,
            "/site/a/page/../../x/",
            "http://evil.example/site/",
        ],
    )
    def test_to_a_missing_target_is_400(self, testapp, people, tree, to):
        testapp.post_json(
            "/site/a/@@move", {"to": to}, headers=people["editor"], status=400
        )
        testapp.get("/site/a/", headers=people["editor"], status=200)

    def test_needs_add_on_the_target(self, testapp, dbsession, people, site, tree):
        # The editor of /site/ may only read /elsewhere/: no adding there.
        editor = dbsession.scalars(select(User).where(User.login == "editor")).one()
        grant(
            add_folder(site.__parent__, "elsewhere", state="private"), editor, "reader"
        )
        dbsession.flush()
        testapp.post_json(
            "/site/a/@@move",
            {"to": "/elsewhere/"},
            headers=people["editor"],
            status=403,
        )

    def test_contributor_may_not_move(self, testapp, people, tree):
        testapp.post_json(
            "/site/a/@@move",
            {"to": "/site/b/"},
            headers=people["contributor"],
            status=403,
        )


class TestCopy:
    def test_copies_what_the_caller_may_view_with_new_uids(
        self, testapp, dbsession, people, site
    ):
        folder = add_folder(site, "src", "Source")
        add_document(folder, "one", "One")
        secret = add_document(folder, "secret", "Secret", state="private")
        secret.inherit_roles = False
        add_folder(site, "dst")
        dbsession.flush()
        response = testapp.post_json(
            "/site/src/@@copy",
            {"to": "/site/dst/"},
            headers=people["editor"],
            status=201,
        )
        assert response.location == "http://example.com/site/dst/src/"
        copy = response.json
        original = testapp.get("/site/src/", headers=people["editor"]).json
        assert copy["uid"] != original["uid"]
        assert copy["state"] == "private"
        assert [item["id"] for item in copy["items"]] == ["one"]

    def test_a_copy_keeps_the_order_of_children(self, testapp, dbsession, people, site):
        folder = add_folder(site, "src")
        for name in ("zeta", "alpha", "mid"):
            add_document(folder, name)
        dbsession.flush()
        copy = testapp.post_json(
            "/site/src/@@copy", {"to": "/site/", "id": "copy"}, headers=people["editor"]
        ).json
        assert [item["id"] for item in copy["items"]] == ["zeta", "alpha", "mid"]

    def test_copy_next_to_itself_gets_a_new_name(
        self, testapp, dbsession, people, site
    ):
        add_document(site, "page")
        dbsession.flush()
        data = testapp.post_json(
            "/site/page/@@copy", {"to": "/site/"}, headers=people["editor"]
        ).json
        assert data["id"] == "page-1"

    def test_needs_add_on_the_target(self, testapp, dbsession, people, site):
        add_document(site, "page")
        dbsession.flush()
        testapp.post_json(
            "/site/page/@@copy", {"to": "/site/"}, headers=people["reader"], status=403
        )
        testapp.post_json("/site/page/@@copy", {"to": "/site/"}, status=401)


class TestOrder:
    def test_editor_reorders(self, testapp, dbsession, people, site):
        for name in "abc":
            add_document(site, name)
        dbsession.flush()
        data = testapp.post_json(
            "/site/@@order", {"id": "c", "position": 0}, headers=people["editor"]
        ).json
        assert [item["id"] for item in data["items"]] == ["c", "a", "b"]

    def test_reordering_changes_no_items_modified_time(
        self, testapp, dbsession, people, site
    ):
        """The order is the folder's: no item changed, none looks edited."""
        for name in "abc":
            add_document(site, name)
        dbsession.flush()
        before = {
            item["id"]: item["modified"]
            for item in testapp.get("/site/", headers=people["editor"]).json["items"]
        }
        data = testapp.post_json(
            "/site/@@order", {"id": "c", "position": 0}, headers=people["editor"]
        ).json
        assert {item["id"]: item["modified"] for item in data["items"]} == before

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            ({"id": "zz", "position": 0}, 400),
            ({"id": "a", "position": -1}, 400),
            ({"id": "a", "position": "1"}, 400),
            ({"id": "a"}, 400),
            ({"position": 0}, 400),
        ],
    )
    def test_bad_orders(self, testapp, dbsession, people, site, body, status):
        add_document(site, "a")
        dbsession.flush()
        testapp.post_json(
            "/site/@@order", body, headers=people["editor"], status=status
        )

    def test_contributor_may_not_reorder(self, testapp, dbsession, people, site):
        add_document(site, "a")
        dbsession.flush()
        testapp.post_json(
            "/site/@@order",
            {"id": "a", "position": 0},
            headers=people["contributor"],
            status=403,
        )
