"""The default view of every node: an HTML page or JSON on the same URL."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPMovedPermanently
from pyramid.view import view_config, view_defaults

from cms.conditional import answer_conditional_get
from cms.counts import counts_for
from cms.listing import children_batch, parse_batch_params, parse_order
from cms.meta import page_meta
from cms.models import Node
from cms.navigation import navigation, parse_depth
from cms.page import FRAME, page_frame
from cms.permissions import Permission
from cms.responses import wants_json
from cms.security.trimming import viewable_children
from cms.serializers import breadcrumbs, markers, serialize_node, thumbnails
from cms.urls import came_through_api, node_url
from cms.views.node_json import node_json
from cms.workflow import TRANSITIONS, transitions_from

PAGE = "cms:templates/content/view.jinja2"
LINKS = "cms:templates/content/links.jinja2"


@view_defaults(context=Node, request_method=("GET", "HEAD"), permission=Permission.VIEW)
class NodeViews:
    """A node's page or JSON, and its breadcrumbs and navigation.

    Breadcrumbs and navigation are JSON, or a page of links headed by name. A
    client whose Accept header names neither gets the page.
    """

    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(accept="text/html", renderer=PAGE)
    @view_config(accept="application/json", renderer="json")
    # A client whose Accept header names neither still gets the page.
    @view_config(renderer=PAGE)
    def node_view(self):
        node, request = self.node, self.request
        if not request.path_info.endswith("/") and not came_through_api(request):
            # Canonical URLs end with "/": relative links depend on it.
            location = node_url(request, node.path)
            if request.query_string:
                location += "?" + request.query_string
            raise HTTPMovedPermanently(location=location)
        draft = wants_draft(request, node)
        if wants_json(request):
            return node_json(request, node, draft)
        size, after, before = parse_batch_params(request)
        batch = children_batch(
            request.dbsession,
            node,
            size,
            after,
            before,
            viewable_children(request, node),
            parse_order(request),
            counts_for(request),
        )
        data = serialize_node(request, node, batch, draft=draft)
        # The page shows more than the node: its frame (breadcrumbs, toolbar,
        # the user's name and CSRF token). All of it is built here, so that the
        # tag covers everything the template renders.
        frame = page_frame(request, node)
        frame["meta"] = page_meta(request, node, data, frame["site"])
        page = {
            **data,
            "type_name": node.type,
            "draft": draft,
            "live_url": node_url(request, node.path),
            "publish_url": (
                node_url(request, node.path, "@@workflow")
                if draft and node.has_draft and may_publish(request, node)
                else None
            ),
            "thumbs": thumbnails(request, batch.items),
            "marks": markers(request, batch.items),
            FRAME: frame,
        }
        answer_conditional_get(request, node, page, variant="html")
        return page

    @view_config(name="breadcrumbs", accept="application/json", renderer="json")
    def breadcrumbs(self):
        return {"items": breadcrumbs(self.request, self.node)}

    @view_config(name="breadcrumbs", accept="text/html", renderer=LINKS)
    @view_config(name="breadcrumbs", renderer=LINKS)
    def breadcrumbs_page(self):
        return {**self.breadcrumbs(), "heading": "Breadcrumbs"}

    @view_config(name="navigation", accept="application/json", renderer="json")
    def navigation(self):
        request = self.request
        depth = parse_depth(request)
        given = {"depth": depth} if "depth" in request.GET else None
        return navigation(request, self.node, depth, given)

    @view_config(name="navigation", accept="text/html", renderer=LINKS)
    @view_config(name="navigation", renderer=LINKS)
    def navigation_page(self):
        return {**self.navigation(), "heading": "Navigation"}


def may_publish(request, node):
    """Whether the caller may publish *node* now (its draft, when it has one)."""
    publish = TRANSITIONS["publish"]
    return publish in transitions_from(node) and bool(
        request.has_permission(publish.permission, node)
    )


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
