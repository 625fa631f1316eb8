"""Moving, copying and ordering, through the service alone."""

import pytest
from sqlalchemy import select

from cms.models import Node, Redirect
from cms.services import tree as tree_service
from cms.services.errors import Invalid
from tests.factories import add_document
from tests.unit.services.conftest import caller_for


def paths(dbsession):
    return dbsession.scalars(select(Node.path).order_by(Node.path)).all()


def test_a_move_leaves_a_redirect(dbsession, tree, ada):
    page = tree["a"]["page"]
    tree_service.move(dbsession, caller_for(ada), page, {"to": "/b/"})
    assert page.path == "/b/page/"
    assert dbsession.scalars(select(Redirect.path)).all() == ["/a/page/"]


def test_a_target_may_be_a_url_of_this_site(dbsession, tree, ada):
    page = tree["a"]["page"]
    tree_service.move(dbsession, caller_for(ada), page, {"to": "https://x.org/b/"})
    assert page.path == "/b/page/"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "to"),
        ({"to": "/nowhere/"}, "to"),
        ({"to": "b"}, "to"),
        ({"to": "/a/page/"}, "to"),  # a document: into itself
        ({"id": "Bad Name"}, "id"),
    ],
)
def test_a_move_names_what_it_refuses(dbsession, tree, ada, data, field):
    before = paths(dbsession)
    with pytest.raises(Invalid) as refused:
        tree_service.move(dbsession, caller_for(ada), tree["a"], data)
    assert field in {error["field"] for error in refused.value.errors}
    assert paths(dbsession) == before


def test_a_copy_is_private_and_the_callers(dbsession, tree, ada):
    copy = tree_service.copy(dbsession, caller_for(ada), tree["a"], {"to": "/b/"})
    assert copy.path == "/b/a/" and copy.state == "private" and copy.owner_id == ada.id
    assert "/b/a/page/" in paths(dbsession)


def test_a_copy_leaves_out_what_the_caller_may_not_see(dbsession, tree, ada):
    add_document(tree["a"], "secret", state="private")
    dbsession.flush()
    hidden = caller_for(ada, permits=lambda permission, node: node.name != "secret")
    tree_service.copy(dbsession, hidden, tree["a"], {"to": "/b/"})
    assert "/b/a/secret/" not in paths(dbsession)
    assert "/b/a/page/" in paths(dbsession)


def test_order_puts_a_child_first(dbsession, tree, ada):
    add_document(tree["a"], "second")
    dbsession.flush()
    tree_service.order(
        dbsession, caller_for(ada), tree["a"], {"id": "second", "position": 0}
    )
    assert [child.name for child in tree["a"].children()] == ["second", "page"]
