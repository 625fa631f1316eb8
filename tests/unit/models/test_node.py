"""The tree's Python API and the invariants the database keeps."""

import uuid
from datetime import UTC, datetime

import pytest
from pyramid.traversal import find_resource, resource_path
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from cms.models import (
    Document,
    InvalidMove,
    InvalidName,
    NameTaken,
    Node,
    NotAContainer,
)
from cms.models.tree import make_name
from tests.factories import add_document, add_folder


def paths(dbsession):
    dbsession.expire_all()
    return sorted(dbsession.scalars(select(Node.path)))


class TestAdd:
    def test_child_gets_path_position_uid_and_times(self, root):
        about = add_folder(root, "about")
        team = add_document(about, "team")
        assert (about.path, team.path) == ("/about/", "/about/team/")
        assert team.parent is about
        assert team.uid is not None and team.uid != about.uid
        assert team.created.tzinfo == UTC
        assert team.version == 1

    def test_children_keep_the_order_they_were_added_in(self, root):
        for name in ["c", "a", "b"]:
            add_document(root, name)
        assert [child.name for child in root.children()] == ["c", "a", "b"]

    def test_name_is_made_from_the_title_and_made_unique(self, root):
        first = root.add(Document(title="Héllo, World!"))
        second = root.add(Document(title="Héllo, World!"))
        third = root.add(Document(title="!!!"))
        assert (first.name, second.name, third.name) == (
            "hello-world",
            "hello-world-1",
            "item",
        )

    def test_reserved_root_name_is_not_made_from_a_title(self, root):
        node = root.add(Document(title="Static"))
        assert node.name == "static-1"

    @pytest.mark.parametrize(
        "name",
        [
            "",
            "Upper",
            "with space",
            ".hidden",
            "_private",
            "@@view",
            "a/b",
            "é",
            "x" * 101,
            "tab\t",
            "new\nline",
        ],
    )
    def test_invalid_names_are_refused(self, root, name):
        with pytest.raises(InvalidName):
            root.add(Document(title="T"), name)

    @pytest.mark.parametrize("name", ["healthz", "static", "sitemap.xml"])
    def test_reserved_names_are_refused_at_the_root_only(self, root, name):
        with pytest.raises(InvalidName):
            add_document(root, name)
        folder = add_folder(root, "folder")
        assert add_document(folder, name).path == f"/folder/{name}/"

    def test_a_taken_name_is_refused(self, root):
        add_document(root, "page")
        with pytest.raises(NameTaken):
            add_document(root, "page")

    def test_make_name_keeps_within_the_limit(self):
        assert len(make_name("word " * 100)) <= 100


class TestDatabaseInvariants:
    """The database itself refuses what would break the tree."""

    def _insert(self, dbsession, **values):
        row = {
            "uid": uuid.uuid4(),
            "position": 0,
            "type": "Folder",
            "title": "T",
            "description": "",
            "state": "private",
            "version": 1,
            "created": datetime.now(UTC),
            "modified": datetime.now(UTC),
        }
        row.update(values)
        with dbsession.begin_nested():
            dbsession.execute(insert(Node.__table__).values(**row))

    def test_path_is_unique(self, dbsession, root):
        add_folder(root, "a")
        with pytest.raises(IntegrityError):
            self._insert(dbsession, parent_id=root.id, name="b", path="/a/")

    def test_name_is_unique_among_siblings(self, dbsession, root):
        add_folder(root, "a")
        with pytest.raises(IntegrityError):
            self._insert(dbsession, parent_id=root.id, name="a", path="/other/")

    def test_parent_must_exist(self, dbsession, root):
        with pytest.raises(IntegrityError):
            self._insert(dbsession, parent_id=root.id + 999, name="x", path="/x/")

    def test_only_the_root_lacks_a_parent(self, dbsession, root):
        with pytest.raises(IntegrityError):
            self._insert(dbsession, parent_id=None, name="x", path="/x/")


class TestMove:
    @pytest.fixture
    def tree(self, root):
        a = add_folder(root, "a")
        b = add_folder(a, "b")
        add_document(b, "c")
        add_document(b, "d")
        target = add_folder(root, "target")
        return a, b, target

    def test_moves_the_whole_subtree_with_one_update_of_paths(
        self, dbsession, root, tree, count_queries
    ):
        _a, b, target = tree
        with count_queries() as statements:
            b.move(target)
        path_updates = [s for s in statements if "SET path" in s]
        assert len(path_updates) == 1
        assert paths(dbsession) == [
            "/",
            "/a/",
            "/target/",
            "/target/b/",
            "/target/b/c/",
            "/target/b/d/",
        ]
        assert b.parent is target
        assert b.position == 0

    def test_loaded_nodes_see_their_new_paths(self, dbsession, root, tree):
        _a, b, target = tree
        c = b["c"]
        b.move(target, "renamed")
        assert c.path == "/target/renamed/c/"

    def test_rename(self, dbsession, root, tree):
        _a, b, _target = tree
        b.rename("bee")
        assert paths(dbsession) == [
            "/",
            "/a/",
            "/a/bee/",
            "/a/bee/c/",
            "/a/bee/d/",
            "/target/",
        ]

    def test_rename_onto_a_taken_name_is_refused(self, root, tree):
        a, _b, _target = tree
        with pytest.raises(NameTaken):
            a.rename("target")

    def test_move_into_own_subtree_is_refused(self, dbsession, root, tree):
        a, b, _target = tree
        with pytest.raises(InvalidMove):
            a.move(b)
        with pytest.raises(InvalidMove):
            a.move(a)
        assert "/a/b/c/" in paths(dbsession)

    def test_move_into_a_prefix_sibling_is_fine(self, dbsession, root):
        # "/ab/" starts with "/a" but is not inside "/a/".
        a = add_folder(root, "a")
        ab = add_folder(root, "ab")
        a.move(ab)
        assert paths(dbsession) == ["/", "/ab/", "/ab/a/"]

    def test_the_root_cannot_move_or_be_deleted(self, root, tree):
        _a, _b, target = tree
        with pytest.raises(InvalidMove):
            root.move(target)
        with pytest.raises(InvalidMove):
            root.delete()

    def test_nothing_goes_under_a_node_that_holds_no_children(self, root, tree):
        _a, b, target = tree
        # Files and images hold no children; any such type behaves the same.
        target.is_container = False
        with pytest.raises(NotAContainer):
            add_document(target, "child")
        with pytest.raises(NotAContainer):
            b.move(target)


class TestDelete:
    def test_deletes_the_subtree_and_its_type_rows(self, dbsession, root):
        a = add_folder(root, "a")
        add_document(add_folder(a, "b"), "c")
        keep = add_document(root, "keep")
        a.delete()
        assert paths(dbsession) == ["/", "/keep/"]
        assert dbsession.scalars(select(Document.id)).all() == [keep.id]

    def test_does_not_touch_a_sibling_sharing_a_prefix(self, dbsession, root):
        a = add_folder(root, "a")
        add_folder(root, "a-b")
        add_folder(root, "a0")
        a.delete()
        assert paths(dbsession) == ["/", "/a-b/", "/a0/"]


class TestOrder:
    def test_set_position_reorders_siblings(self, dbsession, root):
        nodes = [add_document(root, name) for name in "abcd"]
        nodes[3].set_position(0)
        assert [child.name for child in root.children()] == ["d", "a", "b", "c"]
        nodes[3].set_position(99)
        assert [child.name for child in root.children()] == ["a", "b", "c", "d"]
        nodes[0].set_position(2)
        dbsession.expire_all()
        assert [child.name for child in root.children()] == ["b", "c", "a", "d"]


class TestVersion:
    def test_every_update_bumps_the_version_and_modified(self, dbsession, root):
        page = add_document(root, "page")
        created = page.modified
        page.title = "New title"
        dbsession.flush()
        assert page.version == 2
        assert page.modified >= created


class TestLocation:
    def test_getitem_finds_a_child_or_raises_keyerror(self, root):
        about = add_folder(root, "about")
        assert root["about"] is about
        with pytest.raises(KeyError):
            root["nope"]

    def test_pyramid_helpers_work_on_nodes(self, dbsession, root):
        team = add_document(add_folder(root, "about"), "team")
        dbsession.expire_all()
        assert find_resource(root, "/about/team") is team
        assert resource_path(team) == "/about/team"
        assert [node.name for node in team.lineage()] == ["team", "about", ""]
