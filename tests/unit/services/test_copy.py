"""What a copy of a subtree holds: every type's content, a first revision and
an index row for each copy, the editors' order, and nothing of the sharing."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cms.models import File, Image, Node, Revision
from cms.search.index import search_index
from cms.services import tree as tree_service
from cms.services.revisions import snapshot
from tests.factories import add_document, add_folder, grant, make_user
from tests.unit.services.conftest import caller_for

SCALES = {"thumb": {"key": "t" * 64, "width": 8, "height": 6, "content_type": "x"}}


@pytest.fixture
def source(dbsession, root):
    """/src/ with a document (holding a page), a file and an image, in an
    order that is not their names', shared with bob, scheduled and published."""
    src = add_folder(root, "src", body="<p>Folder text.</p>")
    add_document(src, "zeta", body="<p>Zeta words.</p>")
    src["zeta"].add(
        File(
            title="Leaf",
            blob_key="a" * 64,
            filename="leaf.txt",
            content_type="text/plain",
            size=5,
            state="published",
        ),
        "leaf",
    )
    src.add(
        File(
            title="Report",
            description="Yearly",
            blob_key="b" * 64,
            filename="report.pdf",
            content_type="application/pdf",
            size=12,
            state="published",
        ),
        "report.pdf",
    )
    src.add(
        Image(
            title="Photo",
            blob_key="c" * 64,
            filename="photo.png",
            content_type="image/png",
            size=99,
            width=80,
            height=60,
            scales=SCALES,
            state="published",
        ),
        "photo.png",
    )
    add_document(src, "alpha", body="<p>Alpha words.</p>")
    src["alpha"].set_position(0)
    grant(src["zeta"], make_user(dbsession, "bob"), "editor")
    src["zeta"].inherit_roles = False
    src["zeta"].effective = datetime(2020, 1, 1, tzinfo=UTC)
    add_folder(root, "dst", state="private")
    dbsession.flush()
    return src


def copy_of(dbsession, ada, **data):
    return tree_service.copy(
        dbsession, caller_for(ada), dbsession.get(Node, data.pop("node")), data
    )


def nodes_below(dbsession, path):
    return {
        node.path[len(path) :]: node
        for node in dbsession.scalars(
            select(Node).where(Node.path.startswith(path)).order_by(Node.path)
        )
    }


def test_every_copy_has_its_originals_content_and_place(dbsession, source, ada):
    copy = copy_of(dbsession, ada, node=source.id, to="/dst/")
    originals = nodes_below(dbsession, "/src/")
    copies = nodes_below(dbsession, "/dst/src/")
    assert copy is copies[""]
    assert copies.keys() == originals.keys()
    for rest, original in originals.items():
        clone = copies[rest]
        assert type(clone) is type(original)
        assert snapshot(clone) == snapshot(original)
        assert clone.name == original.name
        assert clone.uid != original.uid
        if rest:
            assert clone.position == original.position
            parent_rest = rest[: rest.rstrip("/").rfind("/") + 1]
            assert clone.parent_id == copies[parent_rest].id
        assert (clone.state, clone.owner_id, clone.version) == ("private", ada.id, 1)
        assert (clone.effective, clone.expires, clone.has_draft) == (None, None, False)
        assert clone.local_roles == [] and clone.inherit_roles
        assert clone.created >= original.created
    assert [child.name for child in copy.children()] == [
        "alpha", "zeta", "report.pdf", "photo.png"
    ]  # fmt: skip


def test_the_copy_goes_last_among_its_new_siblings(dbsession, source, ada, root):
    add_document(root["dst"], "first")
    dbsession.flush()
    copy = copy_of(dbsession, ada, node=source.id, to="/dst/", id="second")
    assert [child.name for child in root["dst"].children()] == ["first", "second"]
    assert copy.path == "/dst/second/" and copy.position == 1
    assert (
        nodes_below(dbsession, "/dst/second/").keys()
        == nodes_below(dbsession, "/src/").keys()
    )


def test_every_copy_has_a_first_revision_by_the_caller(dbsession, source, ada):
    copy_of(dbsession, ada, node=source.id, to="/dst/")
    for rest, clone in nodes_below(dbsession, "/dst/src/").items():
        revisions = dbsession.scalars(
            select(Revision).where(Revision.node_id == clone.id)
        ).all()
        assert len(revisions) == 1
        revision = revisions[0]
        assert revision.version == 1
        assert revision.comment == f"Copied from /src/{rest}"
        assert (revision.author_id, revision.author_login) == (ada.id, "ada")
        assert revision.data == snapshot(clone)
        assert revision.changed == sorted(snapshot(clone))


def test_every_copy_is_indexed_as_its_original(dbsession, source, ada):
    copy_of(dbsession, ada, node=source.id, to="/dst/")
    columns = [c for c in search_index.c if c.name not in ("node_id", "document")]

    def row(node):
        return dbsession.execute(
            select(*columns).where(search_index.c.node_id == node.id)
        ).one()

    originals = nodes_below(dbsession, "/src/")
    for rest, clone in nodes_below(dbsession, "/dst/src/").items():
        assert row(clone) == row(originals[rest])
    found = dbsession.execute(
        select(search_index.c.node_id).where(search_index.c.body.contains("Zeta"))
    ).scalars()
    assert len(list(found)) == 2


def test_a_published_page_is_copied_as_readers_see_it(dbsession, source, ada):
    zeta = source["zeta"]
    zeta.has_draft = True
    dbsession.add(
        Revision(node_id=zeta.id, version=1, data={"title": "Draft"}, changed=[])
    )
    dbsession.flush()
    copy_of(dbsession, ada, node=zeta.id, to="/dst/")
    clone = nodes_below(dbsession, "/dst/zeta/")[""]
    assert (clone.title, clone.has_draft) == ("Zeta", False)


def test_what_lies_below_a_hidden_node_is_not_copied(dbsession, source, ada):
    hidden = caller_for(ada, permits=lambda permission, node: node.name != "zeta")
    tree_service.copy(dbsession, hidden, source, {"to": "/dst/"})
    assert set(nodes_below(dbsession, "/dst/src/")) == {
        "", "alpha/", "report.pdf/", "photo.png/"
    }  # fmt: skip
