"""Moving, copying, deleting and sharing cost as many statements for 1,111 nodes
as for 11: nothing is written node by node."""

import pytest

from cms.services import content, sharing
from cms.services import tree as tree_service
from cms.traversal import load_node
from tests.factories import add_document, add_folder
from tests.unit.services.conftest import caller_for


def add_subtree(parent, name, levels):
    """A folder holding 10 documents, each holding 10, *levels* deep."""
    top = add_folder(parent, name, state="private")
    level = [top]
    for _ in range(levels):
        level = [
            add_document(node, f"p{index}", state="private", body="<p>Words.</p>")
            for node in level
            for index in range(10)
        ]
    return top


@pytest.fixture
def subtrees(dbsession, root):
    """/small/ (11 nodes), /big/ (1,111 nodes) and an empty /target/."""
    add_subtree(root, "small", 1)
    add_subtree(root, "big", 3)
    add_folder(root, "target", state="private")
    dbsession.flush()
    return root


def statements_for(dbsession, count_queries, path, operation):
    """The statements *operation* runs on the node at *path*, as in a request.

    The request starts with nothing but the node's lineage loaded, and in a
    transaction of its own (the tree lock is taken anew).
    """
    dbsession.expunge_all()
    node = load_node(dbsession, path)
    with dbsession.begin_nested(), count_queries() as statements:
        operation(node)
        dbsession.flush()
    return statements


@pytest.fixture
def measure(dbsession, subtrees, count_queries):
    def measure(operation):
        return [
            len(statements_for(dbsession, count_queries, path, operation))
            for path in ("/small/", "/big/")
        ]

    return measure


def test_a_move_with_its_redirect_takes_the_same_few_statements(
    dbsession, measure, ada
):
    def move(node):
        tree_service.move(dbsession, caller_for(ada), node, {"to": "/target/"})

    small, big = measure(move)
    assert small == big <= 10


def test_a_copy_takes_the_same_statements_whatever_its_size(dbsession, measure, ada):
    def copy(node):
        tree_service.copy(dbsession, caller_for(ada), node, {"to": "/target/"})

    small, big = measure(copy)
    assert small == big


def test_a_delete_takes_the_same_statements_whatever_its_size(dbsession, measure, ada):
    def delete(node):
        content.remove(dbsession, caller_for(ada), node)

    small, big = measure(delete)
    assert small == big


def test_sharing_a_node_above_many_takes_the_same_statements(dbsession, measure, ada):
    def share(node):
        entries = [{"principal": "user:ada", "roles": ["editor"]}]
        sharing.set_sharing(dbsession, caller_for(ada), node, {"entries": entries})

    small, big = measure(share)
    assert small == big
