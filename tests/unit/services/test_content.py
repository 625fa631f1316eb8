"""Adding, editing, deleting and publishing, through the service alone."""

import pytest
from sqlalchemy import select

from cms.models import Node, Revision
from cms.permissions import Permission as P
from cms.services import content
from cms.services.errors import Forbidden, Invalid, NameClash, Stale
from tests.unit.services.conftest import caller_for


def revisions(dbsession, node):
    return dbsession.scalars(
        select(Revision.comment)
        .where(Revision.node_id == node.id)
        .order_by(Revision.version)
    ).all()


def test_create_adds_a_private_child_owned_by_the_caller(dbsession, tree, ada):
    node = content.create(
        dbsession, caller_for(ada), tree["a"], {"@type": "Document", "title": "New"}
    )
    assert (node.path, node.state, node.owner_id) == ("/a/new/", "private", ada.id)
    assert revisions(dbsession, node) == ["Created"]


def test_create_refuses_a_caller_without_add(dbsession, tree, ada):
    may_not_add = caller_for(ada, permits=lambda permission, node: permission != P.ADD)
    with pytest.raises(Forbidden):
        content.create(
            dbsession, may_not_add, tree["a"], {"@type": "Folder", "title": "X"}
        )
    assert dbsession.scalar(select(Node).where(Node.path == "/a/x/")) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"@type": "Widget", "title": "X"}, "@type"),
        ({"@type": "Document"}, "title"),
        ({"@type": "Document", "title": "X", "owner": "ada"}, "owner"),
        ({"@type": "Document", "title": "X" * 201}, "title"),
        ({"@type": "File", "title": "X"}, "file"),
    ],
)
def test_create_names_the_field_it_refuses(dbsession, tree, ada, data, field):
    with pytest.raises(Invalid) as refused:
        content.create(dbsession, caller_for(ada), tree["a"], data)
    assert field in {error["field"] for error in refused.value.errors}


def test_a_taken_name_is_a_name_clash(dbsession, tree, ada):
    with pytest.raises(NameClash):
        content.create(
            dbsession,
            caller_for(ada),
            tree["a"],
            {"@type": "Document", "id": "page", "title": "Again"},
        )


def test_editing_a_published_page_makes_a_draft(dbsession, tree, ada):
    page = tree["a"]["page"]
    caller = caller_for(ada)
    content.transition(dbsession, caller, page, {"transition": "publish"})
    content.update(dbsession, caller, page, {"title": "Next"})
    assert (page.title, page.has_draft) == ("Page", True)
    content.transition(dbsession, caller, page, {"transition": "retract"})
    assert (page.title, page.has_draft, page.state) == ("Next", False, "private")


def test_an_old_etag_is_stale(dbsession, tree, ada):
    page = tree["a"]["page"]
    old = f'"{page.uid.hex}-{page.version}"'
    content.update(dbsession, caller_for(ada), page, {"title": "Changed"})
    dbsession.flush()
    stale = caller_for(ada)
    stale = type(stale)(**{**stale.__dict__, "if_match": old})
    with pytest.raises(Stale):
        content.update(dbsession, stale, page, {"title": "Mine"})
    assert page.title == "Changed"


def test_revert_brings_an_old_version_back(dbsession, tree, ada):
    caller = caller_for(ada)
    page = content.create(
        dbsession, caller, tree["a"], {"@type": "Document", "title": "One"}
    )
    content.update(dbsession, caller, page, {"title": "Two"})
    content.revert(dbsession, caller, page, {"version": 1})
    assert page.title == "One"
    assert revisions(dbsession, page) == ["Created", "Edited", "Reverted to version 1"]
    with pytest.raises(Invalid):
        content.revert(dbsession, caller, page, {"version": 99})


def test_the_root_stays(dbsession, tree, ada):
    with pytest.raises(Forbidden):
        content.remove(dbsession, caller_for(ada), tree)
