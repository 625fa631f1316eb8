"""The JSON API that changes the tree: add, update, delete, move, copy, order.

Each view reads the request, hands it to :mod:`cms.services`, and answers
with the node as it now is. The view's permission is the first check; the
service checks the rest (the target of a move, the type of a child).
"""

from pyramid.httpexceptions import HTTPNoContent
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from cms.conditional import node_etag
from cms.files import MULTIPART, read_multipart
from cms.listing import children_batch
from cms.models import Node
from cms.permissions import Permission
from cms.security.trimming import viewable_children
from cms.serializers import serialize_node
from cms.services import content, tree
from cms.urls import link_url
from cms.validation import read_json


def node_response(request, node, status=200, draft=True):
    """Answer with the node (its draft, for editors) and its ETag."""
    request.dbsession.flush()
    size = request.registry.settings["cms.batch_size"]
    batch = children_batch(
        request.dbsession, node, size, where=viewable_children(request, node)
    )
    data = serialize_node(request, node, batch, draft=draft)
    response = render_to_response("json", data, request=request)
    response.status = status
    response.headers["ETag"] = node_etag(node, data)
    response.last_modified = node.modified
    if status == 201:
        response.location = link_url(request, node.path)
    return response


def read_body(request):
    """Return ``(data, upload)`` from a JSON or multipart body."""
    if request.content_type == MULTIPART:
        return read_multipart(request)
    return read_json(request), None


@view_config(context=Node, request_method="POST", permission=Permission.ADD)
def add_child(container, request):
    data, upload = read_body(request)
    node = content.create(request.dbsession, request.caller, container, data, upload)
    return node_response(request, node, status=201)


@view_config(context=Node, request_method="PATCH", permission=Permission.EDIT)
def update_node(node, request):
    data, upload = read_body(request)
    content.update(request.dbsession, request.caller, node, data, upload)
    return node_response(request, node)


@view_config(context=Node, request_method="DELETE", permission=Permission.DELETE)
def delete_node(node, request):
    content.remove(request.dbsession, request.caller, node)
    return HTTPNoContent()


@view_config(
    context=Node, name="move", request_method="POST", permission=Permission.EDIT
)
def move_node(node, request):
    tree.move(request.dbsession, request.caller, node, read_json(request))
    return node_response(request, node)


@view_config(
    context=Node, name="copy", request_method="POST", permission=Permission.VIEW
)
def copy_node(node, request):
    copy = tree.copy(request.dbsession, request.caller, node, read_json(request))
    return node_response(request, copy, status=201)


@view_config(
    context=Node, name="order", request_method="POST", permission=Permission.EDIT
)
def order_child(container, request):
    tree.order(request.dbsession, request.caller, container, read_json(request))
    return node_response(request, container)
