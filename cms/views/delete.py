"""``@@delete``: the page that asks before deleting a node, and its form's POST.

The JSON API deletes with ``DELETE`` on the node itself (:mod:`cms.views.edit`);
both go through :func:`cms.services.content.remove`.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from cms.flash import flash
from cms.models import Node
from cms.permissions import Permission
from cms.security.visibility import public_count
from cms.services import content
from cms.urls import node_url

CONFIRM = "cms:templates/edit/delete.jinja2"


@view_defaults(context=Node, name="delete", permission=Permission.DELETE)
class DeletePage:
    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(request_method=("GET", "HEAD"), renderer=CONFIRM)
    def delete_confirm(self):
        node, request = self.node, self.request
        return {
            "title": node.title,
            "page_url": node_url(request, node.path),
            "hidden": public_count(request.dbsession, [node]),
        }

    @view_config(request_method="POST", accept="text/html")
    def delete_node(self):
        node, request = self.node, self.request
        parent, title = node.__parent__, node.title
        content.remove(request.dbsession, request.caller, node)
        flash(request, f"Deleted “{title}”.")
        return HTTPSeeOther(location=node_url(request, parent.path))
