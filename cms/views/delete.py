"""``@@delete``: the page that asks before deleting a node, and its form's POST.

The JSON API deletes with ``DELETE`` on the node itself (:mod:`cms.views.edit`);
both go through :func:`cms.editing.remove`.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from cms import editing
from cms.flash import flash
from cms.models import Node
from cms.security.permissions import Permission
from cms.urls import node_url


@view_config(
    context=Node,
    name="delete",
    request_method=("GET", "HEAD"),
    renderer="cms:templates/edit/delete.jinja2",
    permission=Permission.DELETE,
)
def delete_confirm(node, request):
    return {"title": node.title, "path": node.path}


@view_config(
    context=Node,
    name="delete",
    request_method="POST",
    accept="text/html",
    permission=Permission.DELETE,
)
def delete_node(node, request):
    parent, title = node.__parent__, node.title
    editing.remove(request, node)
    flash(request, f"Deleted “{title}”.")
    return HTTPSeeOther(location=node_url(request, parent.path))
