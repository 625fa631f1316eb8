"""``/@@search`` and ``{url}@@search``: full-text search, as JSON or a page."""

from pyramid.request import Request
from pyramid.view import view_config, view_defaults
from sqlalchemy import select
from webob.multidict import MultiDict

from cms.listing import link_header
from cms.models import CONTENT_TYPES, Node
from cms.page import FRAME, page_frame
from cms.permissions import Permission
from cms.responses import wants_json
from cms.search.params import PARAMETERS, SORTS, parse_search_params
from cms.search.run import Results, run_search
from cms.security.visibility import viewable_nodes
from cms.serializers import summary
from cms.shape import SUMMARY_KEYS, keep, parse_fields
from cms.urls import link_url, node_url
from cms.views.node_json import refuse_unknown

PAGE = "cms:templates/search/results.jinja2"


def batching(request: Request, node: Node, results: Results) -> dict[str, str]:
    """Return the ``batching`` links, keeping every parameter but ``b_start``."""
    query = MultiDict(
        (key, value) for key, value in request.GET.items() if key != "b_start"
    )
    start, size, total = results.params.start, results.params.size, results.total

    def at(offset: int) -> str:
        here = query.copy()
        if offset:
            here["b_start"] = str(offset)
        return link_url(request, node.path, "@@search", here)

    links = {"@id": at(start), "first": at(0)}
    if start + size < total:
        links["next"] = at(start + size)
    if start > 0:
        links["prev"] = at(max(0, start - size))
    return links


def ancestor_paths(path: str) -> list[str]:
    """Return the paths of the ancestors of the node at *path*, root first."""
    names = path.split("/")[1:-2]
    return [
        "/" + "".join(f"{name}/" for name in names[:end])
        for end in range(len(names) + 1)
    ]


def ancestor_titles(request: Request, rows: list) -> dict[str, str]:
    """Return the titles of the results' ancestors the caller may view."""
    paths = {path for row in rows for path in ancestor_paths(row.path)}
    if not paths:
        return {}
    found = request.dbsession.execute(
        select(Node.path, Node.title).where(
            Node.path.in_(sorted(paths)), viewable_nodes(request.identity)
        )
    )
    return {row.path: row.title for row in found}


@view_defaults(
    context=Node,
    name="search",
    request_method=("GET", "HEAD"),
    permission=Permission.VIEW,
)
class SearchViews:
    def __init__(self, node: Node, request: Request) -> None:
        self.node = node
        self.request = request

    def results(self) -> tuple[dict, Results]:
        request, node = self.request, self.node
        params = parse_search_params(request)
        results = run_search(request, node, params)
        items = [
            {**summary(request, row), "snippet": results.snippet(row)}
            for row in results.rows
        ]
        data = {
            "@id": link_url(request, node.path, "@@search", request.GET),
            "items": items,
            "items_total": results.total,
            "batching": batching(request, node, results),
        }
        return data, results

    @view_config(accept="application/json", renderer="json")
    def search_json(self):
        refuse_unknown(self.request, PARAMETERS)
        fields = parse_fields(self.request, "fields", SUMMARY_KEYS)
        data = self.results()[0]
        link_header(self.request, data["batching"])
        if fields is not None:
            data["items"] = [keep(item, fields) for item in data["items"]]
        return data

    @view_config(accept="text/html", renderer=PAGE)
    # A client whose Accept header names neither still gets the page.
    @view_config(renderer=PAGE)
    def search_page(self):
        request, node = self.request, self.node
        data, results = self.results()
        if wants_json(request):
            # Through /++api++, or an integrator's token: JSON whatever Accept.
            request.override_renderer = "json"
            return data
        titles = ancestor_titles(request, results.rows)
        for item, row in zip(data["items"], results.rows, strict=True):
            item["path"] = [
                titles[path] for path in ancestor_paths(row.path) if path in titles
            ]
        params = results.params
        return {
            **data,
            "q": params.q,
            "types": params.types,
            "type_names": list(CONTENT_TYPES),
            "sort_on": request.GET.get("sort_on", ""),
            "sorts": list(SORTS),
            "start": params.start,
            "scope_url": node_url(request, node.path),
            "scope_title": node.title if node.parent_id is not None else None,
            "search_url": node_url(request, node.path, "@@search"),
            "site_search_url": node_url(request, "/", "@@search"),
            "title": f"Search: {params.q}" if params.q else "Search",
            FRAME: page_frame(request, node),
        }
