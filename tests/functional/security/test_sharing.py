"""Sharing, workflow and trimmed listings, beyond the matrix."""

import uuid

import pytest
from sqlalchemy import func, insert, select

from cms.models import LocalRole, Node
from cms.models.meta import utcnow
from tests.factories import add_document, add_folder, bearer, grant, make_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def people(testapp, dbsession, root):
    users = {
        name: make_user(dbsession, name, groups=groups)
        for name, groups in (
            ("boss", ["admins"]),
            ("mia", []),
            ("rita", ["staff"]),
            ("olaf", []),
        )
    }
    dbsession.flush()
    return users


@pytest.fixture
def section(dbsession, root, people):
    section = add_folder(root, "section", owner_id=people["olaf"].id)
    grant(section, people["mia"], "manager")
    grant(section, people["rita"].groups[0], "reader")
    page = add_document(section, "page", state="private")
    grant(page, people["rita"], "editor")
    dbsession.flush()
    return section


class TestSharingView:
    def test_shows_own_owner_and_inherited_roles(
        self, testapp, dbsession, section, people
    ):
        grant(section.__parent__, people["olaf"], "reader")
        dbsession.flush()
        data = testapp.get(
            "/section/page/@@sharing", headers=bearer(dbsession, people["boss"])
        ).json
        assert data["inherit"] is True
        assert data["entries"] == [{"principal": "user:rita", "roles": ["editor"]}]
        assert data["inherited"] == [
            {
                "principal": "group:staff",
                "roles": ["reader"],
                "from": "http://example.com/section/",
            },
            {
                "principal": "user:mia",
                "roles": ["manager"],
                "from": "http://example.com/section/",
            },
            {
                "principal": "user:olaf",
                "roles": ["reader"],
                "from": "http://example.com/",
            },
        ]
        owner = testapp.get(
            "/section/@@sharing", headers=bearer(dbsession, people["mia"])
        ).json
        assert {"principal": "user:olaf", "roles": ["owner"]} in owner["entries"]

    def test_replaces_the_local_roles(self, testapp, dbsession, section, people):
        headers = bearer(dbsession, people["mia"])
        data = testapp.post_json(
            "/section/page/@@sharing",
            {
                "inherit": True,
                "entries": [
                    {"principal": "user:olaf", "roles": ["reader", "contributor"]},
                    {"principal": "group:staff", "roles": ["editor"]},
                ],
            },
            headers=headers,
        ).json
        assert data["entries"] == [
            {"principal": "group:staff", "roles": ["editor"]},
            {"principal": "user:olaf", "roles": ["reader", "contributor"]},
        ]
        # Rita lost her own editor grant; olaf now sees the private page.
        olaf = bearer(dbsession, people["olaf"])
        testapp.get("/section/page/", headers=olaf, status=200)

    def test_blocking_inheritance_hides_the_node_from_inherited_readers(
        self, testapp, dbsession, section, people
    ):
        rita = bearer(dbsession, people["rita"])
        folder = add_folder(section, "inner", state="private")
        dbsession.flush()
        testapp.get("/section/inner/", headers=rita, status=200)
        testapp.post_json(
            "/section/inner/@@sharing",
            {
                "inherit": False,
                "entries": [{"principal": "user:mia", "roles": ["manager"]}],
            },
            headers=bearer(dbsession, people["mia"]),
        )
        testapp.get("/section/inner/", headers=rita, status=403)
        listed = testapp.get("/section/", headers=rita).json["items"]
        assert "inner" not in [item["id"] for item in listed]
        assert folder.id

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (
                {"entries": [{"principal": "user:olaf", "roles": ["superuser"]}]},
                "entries[0]",
            ),
            (
                {"entries": [{"principal": "user:ghost", "roles": ["reader"]}]},
                "entries[0]",
            ),
            (
                {"entries": [{"principal": "group:ghosts", "roles": ["reader"]}]},
                "entries[0]",
            ),
            (
                {"entries": [{"principal": "role:manager", "roles": ["reader"]}]},
                "entries[0]",
            ),
            (
                {"entries": [{"principal": "user:olaf", "roles": "reader"}]},
                "entries[0]",
            ),
            (
                {"entries": [{"principal": "user:olaf", "roles": ["reader"], "x": 1}]},
                "entries[0]",
            ),
            ({"entries": ["user:olaf"]}, "entries[0]"),
            ({"entries": {}}, "entries"),
            ({"inherit": "no", "entries": []}, "inherit"),
            ({"entries": [], "owner": "user:mia"}, "owner"),
            ({}, "entries"),
        ],
    )
    def test_bad_input_is_400_and_changes_nothing(
        self, testapp, dbsession, section, people, body, field
    ):
        before = testapp.get(
            "/section/@@sharing", headers=bearer(dbsession, people["boss"])
        ).json
        response = testapp.post_json(
            "/section/@@sharing",
            body,
            headers=bearer(dbsession, people["mia"]),
            status=400,
        )
        assert field in [error["field"] for error in response.json["error"]["errors"]]
        after = testapp.get(
            "/section/@@sharing", headers=bearer(dbsession, people["boss"])
        ).json
        assert after == before

    def test_owner_in_a_round_trip_is_harmless(
        self, testapp, dbsession, section, people
    ):
        headers = bearer(dbsession, people["mia"])
        current = testapp.get("/section/@@sharing", headers=headers).json
        again = testapp.post_json(
            "/section/@@sharing",
            {"inherit": current["inherit"], "entries": current["entries"]},
            headers=headers,
        ).json
        assert again == current

    def test_a_manager_cannot_lock_themselves_out(
        self, testapp, dbsession, section, people
    ):
        headers = bearer(dbsession, people["mia"])
        for body in (
            {"entries": []},
            {"entries": [{"principal": "user:mia", "roles": ["editor"]}]},
        ):
            response = testapp.post_json(
                "/section/@@sharing", body, headers=headers, status=400
            )
            assert "lock you out" in response.json["error"]["message"]
        testapp.get("/section/@@sharing", headers=headers, status=200)

    def test_an_admin_may_empty_the_root(self, testapp, dbsession, section, people):
        grant(section.__parent__, people["olaf"], "reader")
        dbsession.flush()
        headers = bearer(dbsession, people["boss"])
        data = testapp.post_json(
            "/@@sharing", {"entries": []}, headers=headers, status=200
        ).json
        assert data["entries"] == []
        # Admins need no role to go on sharing; what the root gave is gone below.
        below = testapp.get("/section/@@sharing", headers=headers, status=200).json
        assert "user:olaf" not in [entry["principal"] for entry in below["inherited"]]

    def test_granting_on_a_large_subtree_is_one_insert(
        self, testapp, dbsession, section, people, count_queries
    ):
        """Roles are decided at query time: a grant is one row, whatever lies below."""
        now = utcnow()
        rows = [
            {
                "uid": uuid.uuid4(),
                "parent_id": section.id,
                "name": f"n{i}",
                "path": f"/section/n{i}/",
                "position": i,
                "type": "Folder",
                "title": "T",
                "description": "",
                "state": "private",
                "created": now,
                "modified": now,
                "version": 1,
                "inherit_roles": True,
            }
            for i in range(2000)
        ]
        dbsession.execute(insert(Node), rows)
        dbsession.flush()
        with count_queries() as statements:
            testapp.post_json(
                "/section/@@sharing",
                {
                    "entries": [
                        {"principal": "user:mia", "roles": ["manager"]},
                        {"principal": "user:olaf", "roles": ["reader"]},
                    ]
                },
                headers=bearer(dbsession, people["mia"]),
            )
        writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
        assert len([s for s in writes if "local_roles" in s]) <= 3
        assert not [s for s in writes if "nodes" in s.split("local_roles")[0]]
        olaf = bearer(dbsession, people["olaf"])
        assert (
            testapp.get("/section/?b_size=1", headers=olaf).json["items_total"] == 2001
        )


class TestWorkflow:
    def test_retracting_a_folder_hides_its_subtree_from_every_door(
        self, testapp, dbsession, root, people
    ):
        folder = add_folder(root, "news")
        add_document(folder, "story", title="Story")
        dbsession.flush()
        testapp.get("/news/story/", status=200)
        boss = bearer(dbsession, people["boss"])
        testapp.post_json("/news/@@workflow", {"transition": "retract"}, headers=boss)
        testapp.get("/news/story/", status=303)
        testapp.get("/news/story/", headers=JSON, status=401)
        testapp.get("/++api++/news/story/", status=401)
        assert "Story" not in testapp.get("/").text
        assert "news" not in [
            i["id"] for i in testapp.get("/", headers=JSON).json["items"]
        ]
        # A reader of the story still sees it, and the breadcrumbs skip the folder.
        grant(folder["story"], people["olaf"], "reader")
        dbsession.flush()
        olaf = bearer(dbsession, people["olaf"])
        crumbs = testapp.get("/news/story/@@breadcrumbs", headers=olaf).json["items"]
        assert [c["title"] for c in crumbs] == ["Home", "Story"]
        parent = testapp.get("/news/story/", headers=olaf).json["parent"]
        assert parent == {"@id": "http://example.com/news/"}

    def test_workflow_round_trip(self, testapp, dbsession, root, people):
        page = add_document(root, "page", state="private", owner_id=people["olaf"].id)
        grant(root, people["mia"], "editor")
        dbsession.flush()
        olaf, mia = bearer(dbsession, people["olaf"]), bearer(dbsession, people["mia"])
        assert testapp.get("/page/@@workflow", headers=olaf).json == {
            "state": "private",
            "title": "Private",
            "transitions": [{"id": "submit", "title": "Submit for review"}],
        }
        testapp.post_json("/page/@@workflow", {"transition": "submit"}, headers=olaf)
        testapp.post_json(
            "/page/@@workflow", {"transition": "publish"}, headers=olaf, status=403
        )
        testapp.post_json("/page/@@workflow", {"transition": "reject"}, headers=mia)
        testapp.post_json("/page/@@workflow", {"transition": "publish"}, headers=mia)
        dbsession.refresh(page)
        assert page.state == "published"

    @pytest.mark.parametrize(
        "body",
        [
            {"transition": "reject"},
            {"transition": "fly"},
            {"transition": 3},
            {},
            {"transition": "publish", "state": "published"},
        ],
    )
    def test_bad_transitions_are_400(self, testapp, dbsession, root, people, body):
        add_document(root, "page", state="private")
        dbsession.flush()
        response = testapp.post_json(
            "/page/@@workflow",
            body,
            headers=bearer(dbsession, people["boss"]),
            status=400,
        )
        assert response.json["error"]["errors"]


class TestTrimmedListings:
    @pytest.mark.parametrize("who", [None, "rita", "olaf", "boss"])
    def test_a_listing_costs_the_same_for_few_or_many_children(
        self, testapp, dbsession, root, people, count_queries, who
    ):
        headers = bearer(dbsession, people[who]) if who else JSON
        counts = []
        for name, size in (("few", 4), ("many", 40)):
            folder = add_folder(root, name)
            for number in range(size):
                page = add_document(
                    folder, f"p{number}", state=("private", "published")[number % 2]
                )
                if number % 3 == 0:
                    grant(page, people["rita"], "reader")
            dbsession.flush()
            # Batches of one: both listings span batches and need a count.
            url = f"/{name}/?b_size=1"
            testapp.get(url, headers=headers)  # the token's last_used, once
            with count_queries() as statements:
                testapp.get(url, headers=headers)
            counts.append(len(statements))
        assert counts[0] == counts[1]
        # Lineage, rows and count; a token adds its lookup and the user's groups.
        assert counts[0] == (3 if who is None else 5)

    def test_items_total_and_batches_count_only_visible_children(
        self, testapp, dbsession, root, people
    ):
        folder = add_folder(root, "mixed")
        for number in range(30):
            add_document(
                folder, f"p{number:02d}", state=("private", "published")[number % 2]
            )
        dbsession.flush()
        data = testapp.get("/mixed/?b_size=10", headers=JSON).json
        assert data["items_total"] == 15
        ids = [item["id"] for item in data["items"]]
        while "next" in data["batching"]:
            data = testapp.get(data["batching"]["next"], headers=JSON).json
            ids += [item["id"] for item in data["items"]]
        assert ids == [f"p{number:02d}" for number in range(1, 30, 2)]

    def test_grants_survive_a_deleted_principal(self, testapp, dbsession, root, people):
        page = add_document(root, "page", state="private")
        grant(page, people["olaf"], "reader")
        dbsession.flush()
        dbsession.delete(people["olaf"])
        dbsession.flush()
        assert dbsession.scalar(select(func.count()).select_from(LocalRole)) == 0
