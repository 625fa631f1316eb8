"""The default view of every node: an HTML page or JSON on the same URL."""

from pyramid.httpexceptions import HTTPMovedPermanently
from pyramid.view import view_config

from cms.listing import children_batch, parse_batch_params
from cms.models import Node
from cms.serializers import breadcrumbs, serialize_node
from cms.traversal import wants_api


@view_config(
    context=Node,
    request_method=("GET", "HEAD"),
    accept="text/html",
    renderer="cms:templates/content/view.jinja2",
)
@view_config(
    context=Node,
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
)
# A client whose Accept header names neither still gets the page.
@view_config(
    context=Node,
    request_method=("GET", "HEAD"),
    renderer="cms:templates/content/view.jinja2",
)
def node_view(node, request):
    if not request.path_info.endswith("/") and not wants_api(request):
        # Canonical URLs end with "/": relative links depend on it.
        location = request.path_url + "/"
        if request.query_string:
            location += "?" + request.query_string
        raise HTTPMovedPermanently(location=location)
    size, after, before = parse_batch_params(request)
    batch = children_batch(request.dbsession, node, size, after, before)
    return serialize_node(request, node, batch)


@view_config(
    context=Node,
    name="breadcrumbs",
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
)
@view_config(
    context=Node,
    name="breadcrumbs",
    request_method=("GET", "HEAD"),
    renderer="cms:templates/content/breadcrumbs.jinja2",
)
def breadcrumbs_view(node, request):
    return {"items": breadcrumbs(request, node)}
