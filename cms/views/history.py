"""``@@history``, ``@@history/N`` and ``@@revert``: revisions, for editors."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import select

from cms import editing
from cms.models import Node, Revision
from cms.revisions import get_revision
from cms.security.permissions import Permission
from cms.serializers import serialize_content
from cms.urls import node_url
from cms.validation import read_json
from cms.views.edit import node_response


def revision_summary(request, node, revision):
    return {
        "@id": node_url(request, node.path, f"@@history/{revision.version}"),
        "version": revision.version,
        "author": revision.author_login,
        "created": revision.created,
        "comment": revision.comment,
        "changed": revision.changed,
    }


@view_config(
    context=Node,
    name="history",
    subpath=0,
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.EDIT,
)
def history(node, request):
    revisions = request.dbsession.scalars(
        select(Revision)
        .where(Revision.node_id == node.id)
        .order_by(Revision.version.desc())
    )
    return {"items": [revision_summary(request, node, r) for r in revisions]}


@view_config(
    context=Node,
    name="history",
    subpath=1,
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.EDIT,
)
def history_item(node, request):
    number = request.subpath[0]
    revision = None
    if number.isascii() and number.isdigit() and len(number) < 10:
        revision = get_revision(request.dbsession, node, int(number))
    if revision is None:
        raise HTTPNotFound()
    data = serialize_content(request, node, revision.data)
    data.update(revision_summary(request, node, revision))
    data["@id"] = node_url(request, node.path)
    return data


@view_config(
    context=Node, name="revert", request_method="POST", permission=Permission.EDIT
)
def revert(node, request):
    editing.revert(request, node, read_json(request))
    return node_response(request, node)
