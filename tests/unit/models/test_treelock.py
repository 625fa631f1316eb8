"""The tree lock and row locks refuse nodes that changed since they were loaded.

Another transaction's change is played by a second session on the test's
connection, committed before this session takes the lock, as a concurrent
request's would be.
"""

import pytest
from sqlalchemy import select

from cms.models import Node
from cms.models.tree import NodeChanged, NodeGone, NodeMoved
from cms.models.treelock import hold_nodes
from cms.traversal import load_node
from tests.factories import add_document, add_folder


@pytest.fixture
def tree(dbsession, root):
    a = add_folder(root, "a")
    add_document(a, "p")
    b = add_folder(root, "b")
    # A new transaction: this session holds no lock any more.
    dbsession.commit()
    return a, b


@pytest.fixture
def meanwhile(session_factory):
    """``meanwhile(change)``: *change* a session of its own, and commit it."""

    def run(change):
        other = session_factory()
        change(other)
        other.commit()
        other.close()

    return run


def paths(dbsession):
    return sorted(dbsession.scalars(select(Node.path)))


def test_moving_a_node_that_moved_meanwhile_is_refused(dbsession, tree, meanwhile):
    a, _b = tree
    meanwhile(lambda s: load_node(s, "/a/").move(load_node(s, "/b/")))
    with pytest.raises(NodeMoved):
        a.move(a.parent, "renamed")
    assert paths(dbsession) == ["/", "/b/", "/b/a/", "/b/a/p/"]


def test_moving_into_a_node_that_moved_meanwhile_is_refused(dbsession, tree, meanwhile):
    a, b = tree
    meanwhile(lambda s: load_node(s, "/b/").move(load_node(s, "/a/")))
    # b is in a now: moving a into it would make a cycle.
    with pytest.raises(NodeMoved):
        a.move(b)
    assert paths(dbsession) == ["/", "/a/", "/a/b/", "/a/p/"]


def test_adding_under_a_node_that_moved_meanwhile_is_refused(
    dbsession, tree, meanwhile
):
    a, _b = tree
    meanwhile(lambda s: load_node(s, "/a/").rename("c"))
    with pytest.raises(NodeMoved):
        add_document(a, "q")
    assert paths(dbsession) == ["/", "/b/", "/c/", "/c/p/"]


def test_deleting_a_node_deleted_meanwhile_is_refused(dbsession, tree, meanwhile):
    a, _b = tree
    meanwhile(lambda s: load_node(s, "/a/").delete())
    with pytest.raises(NodeGone):
        a.delete()
    with pytest.raises(NodeGone):
        add_document(a, "q")


def test_nodes_loaded_again_are_current(dbsession, tree, meanwhile):
    a, b = tree
    meanwhile(lambda s: load_node(s, "/a/").rename("c"))
    dbsession.expire(a)
    a.move(b)
    assert paths(dbsession) == ["/", "/b/", "/b/c/", "/b/c/p/"]


def test_a_change_of_an_unrelated_node_refuses_nothing(dbsession, tree, meanwhile):
    a, _b = tree
    meanwhile(lambda s: load_node(s, "/b/").rename("c"))
    add_document(a, "q")
    a.rename("d")
    assert paths(dbsession) == ["/", "/c/", "/d/", "/d/p/", "/d/q/"]


# -- the rows a write holds -------------------------------------------------------


def test_holding_a_node_that_is_as_loaded_passes(dbsession, tree, meanwhile):
    a, _b = tree
    meanwhile(lambda s: setattr(load_node(s, "/b/"), "title", "Other"))
    hold_nodes(dbsession, [a])


def test_holding_a_node_changed_meanwhile_is_refused(dbsession, tree, meanwhile):
    a, _b = tree
    meanwhile(lambda s: setattr(load_node(s, "/a/"), "title", "Changed"))
    with pytest.raises(NodeChanged):
        hold_nodes(dbsession, [a])


def test_holding_a_node_moved_with_its_parent_is_refused(dbsession, tree, meanwhile):
    page = load_node(dbsession, "/a/p/")
    meanwhile(lambda s: load_node(s, "/a/").move(load_node(s, "/b/")))
    with pytest.raises(NodeMoved):
        hold_nodes(dbsession, [page])


def test_holding_a_node_deleted_with_its_parent_is_refused(dbsession, tree, meanwhile):
    page = load_node(dbsession, "/a/p/")
    meanwhile(lambda s: load_node(s, "/a/").delete())
    with pytest.raises(NodeGone):
        hold_nodes(dbsession, [page])
