"""``GET /@@resolveuid/{uid}``: where a node is now, found by its uid.

Bodies store their links to nodes this way (:mod:`cms.links`), so a link
still finds its page after a move or a rename. What follows the uid (a view
such as ``@@download``, a query) is kept. Browsers are redirected (302: the
node may move again); JSON clients get the node's summary. A uid that names
no node, or one the caller may not view, is a 404 alike: it says nothing of
what exists.
"""

import uuid

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from sqlalchemy import select

from cms.models import Node
from cms.permissions import Permission
from cms.responses import wants_json
from cms.serializers import summary
from cms.traversal import load_node
from cms.urls import node_url


@view_config(
    context=Node,
    name="resolveuid",
    site_root=True,
    subpath=1,
    request_method=("GET", "HEAD"),
    permission=NO_PERMISSION_REQUIRED,
)
# A link with a view after the uid (".../@@download"), followed by a browser.
@view_config(
    context=Node,
    name="resolveuid",
    site_root=True,
    accept="text/html",
    request_method=("GET", "HEAD"),
    permission=NO_PERMISSION_REQUIRED,
)
def resolve_uid(request):
    if not request.subpath:
        raise HTTPNotFound()
    try:
        uid = uuid.UUID(hex=request.subpath[0])
    except ValueError:
        raise HTTPNotFound() from None
    path = request.dbsession.scalar(select(Node.path).where(Node.uid == uid))
    node = load_node(request.dbsession, path) if path is not None else None
    if node is None or not request.has_permission(Permission.VIEW, node):
        raise HTTPNotFound()
    if wants_json(request):
        return render_to_response("json", summary(request, node), request=request)
    location = node_url(request, node.path) + "/".join(request.subpath[1:])
    if request.query_string:
        location += "?" + request.query_string
    return HTTPFound(location=location)
