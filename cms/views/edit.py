"""The JSON API that changes the tree: add, update, delete, move, copy, order.

Each view reads the request, hands it to :mod:`cms.services`, and answers
with the node as it now is. The view's permission is the first check; the
service checks the rest (the target of a move, the type of a child).
"""

from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from cms.files import MULTIPART, read_multipart
from cms.models import Node
from cms.permissions import Permission
from cms.responses import node_response
from cms.services import content, tree
from cms.validation import read_json


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
