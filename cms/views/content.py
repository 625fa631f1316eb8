"""The default view of every node: an HTML page or JSON on the same URL."""

from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPMovedPermanently
from pyramid.view import view_config

from cms.conditional import answer_conditional_get
from cms.listing import children_batch, parse_batch_params
from cms.models import Node
from cms.security.permissions import Permission
from cms.security.trimming import viewable_children
from cms.serializers import breadcrumbs, serialize_node, summary
from cms.traversal import wants_api
from cms.urls import node_url
from cms.views.errors import wants_json


@view_config(
    context=Node,
    request_method=("GET", "HEAD"),
    accept="text/html",
    renderer="cms:templates/content/view.jinja2",
    permission=Permission.VIEW,
)
@view_config(
    context=Node,
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.VIEW,
)
# A client whose Accept header names neither still gets the page.
@view_config(
    context=Node,
    request_method=("GET", "HEAD"),
    renderer="cms:templates/content/view.jinja2",
    permission=Permission.VIEW,
)
def node_view(node, request):
    if not request.path_info.endswith("/") and not wants_api(request):
        # Canonical URLs end with "/": relative links depend on it.
        location = node_url(request, node.path)
        if request.query_string:
            location += "?" + request.query_string
        raise HTTPMovedPermanently(location=location)
    draft = wants_draft(request, node)
    size, after, before = parse_batch_params(request)
    batch = children_batch(
        request.dbsession, node, size, after, before, viewable_children(request, node)
    )
    data = serialize_node(request, node, batch, draft=draft)
    # HTML and JSON are two representations, and the page of a logged-in
    # user carries their CSRF token: both are part of the tag.
    rendering = "json" if wants_json(request) else "html"
    answer_conditional_get(
        request, node, data, variant=f"{rendering}|{get_csrf_token(request)}"
    )
    return data


def wants_draft(request, node):
    """Whether ``?version=draft`` asks for the draft; only editors may."""
    version = request.GET.getall("version")
    if not version:
        return False
    if version != ["draft"]:
        raise HTTPBadRequest("version: only version=draft is served here.")
    if not request.has_permission(Permission.EDIT, node):
        raise HTTPForbidden()
    return True


@view_config(
    context=Node,
    name="breadcrumbs",
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.VIEW,
)
@view_config(
    context=Node,
    name="breadcrumbs",
    request_method=("GET", "HEAD"),
    renderer="cms:templates/content/links.jinja2",
    permission=Permission.VIEW,
)
def breadcrumbs_view(node, request):
    return {"items": breadcrumbs(request, node)}


@view_config(
    context=Node,
    name="navigation",
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.VIEW,
)
@view_config(
    context=Node,
    name="navigation",
    request_method=("GET", "HEAD"),
    renderer="cms:templates/content/links.jinja2",
    permission=Permission.VIEW,
)
def navigation_view(node, request):
    """The site's sections: the root's children the caller may view.

    The one in the context's lineage is marked ``current``.
    """
    root = node.lineage()[-1]
    batch = children_batch(
        request.dbsession,
        root,
        request.registry.settings["cms.batch_size_max"],
        where=viewable_children(request, root),
    )
    current = {item.path for item in node.lineage()}
    items = []
    for row in batch.items:
        item = summary(request, row)
        items.append(
            {
                "@id": item["@id"],
                "@type": item["@type"],
                "title": item["title"],
                "current": row.path in current,
            }
        )
    return {"items": items}
