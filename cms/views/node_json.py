"""A node's JSON: its fields, a batch of its children, and what ``expand`` adds.

:mod:`cms.shape` reads ``fields`` and ``expand``; here they are applied.
Each expansion costs a bounded number of queries, whatever the batch:
breadcrumbs none (the lineage is loaded), navigation one, workflow none,
children one (the batch's nodes, each with its content) and one more for the
links of all their bodies.
"""

from pyramid.httpexceptions import HTTPBadRequest
from sqlalchemy import select

from cms.conditional import answer_conditional_get
from cms.counts import counts_for
from cms.links import show_current_all
from cms.listing import children_batch, link_header, parse_batch_params, parse_order
from cms.models import Node
from cms.navigation import MAX_NAVIGATION_DEPTH, navigation
from cms.security.trimming import viewable_children
from cms.serializers import (
    breadcrumbs,
    node_links,
    serialize_content,
    serialize_node,
    workflow_info,
)
from cms.services.revisions import snapshot
from cms.shape import keep, parse_shape

#: The query parameters a node's JSON takes; any other is a 400 that names
#: it (a misspelt one must not silently answer something else).
PARAMETERS = frozenset(
    {
        "version", "b_size", "b_after", "b_before", "sort_on", "sort_order",
        "type", "fields", "expand", "expand.children.fields",
        "expand.navigation.depth",
    }
)  # fmt: skip


def refuse_unknown(request, known=PARAMETERS):
    """Raise 400 naming the first query parameter not in *known*."""
    for name in request.GET:
        if name not in known:
            raise HTTPBadRequest(
                f"{name[:100]}: not a parameter here; "
                f"the parameters are {', '.join(sorted(known))}."
            )


def node_json(request, node, draft):
    """Return the JSON of *node*, shaped as the request asks; 304 if current."""
    refuse_unknown(request)
    shape = parse_shape(request)
    size, after, before = parse_batch_params(request)
    order = parse_order(request)
    batch = None
    if shape.lists:
        batch = children_batch(
            request.dbsession,
            node,
            size,
            after,
            before,
            viewable_children(request, node),
            order,
            counts_for(request),
        )
    data = serialize_node(request, node, batch, draft=draft)
    if batch is not None:
        link_header(request, data["batching"])
    if shape.fields is not None:
        data = keep(data, shape.fields)
        if "items" in data:
            data["items"] = [keep(item, shape.fields) for item in data["items"]]
    if shape.expand:
        data["@components"] = components(request, node, shape, batch)
    answer_conditional_get(request, node, data, variant="json")
    return data


def components(request, node, shape, batch):
    """The ``@components`` of *node*: the expansions *shape* asks for."""
    found = {}
    for name in shape.expand:
        if name == "breadcrumbs":
            found[name] = {"items": breadcrumbs(request, node)}
        elif name == "navigation":
            found[name] = navigation(request, node, navigation_depth(request))
        elif name == "workflow":
            found[name] = workflow_info(request, node)
        else:
            found[name] = children(request, batch, shape.children_fields)
    return found


def navigation_depth(request):
    raw = request.GET.get("expand.navigation.depth")
    if raw is None:
        return int(request.site_settings["navigation_depth"])
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_NAVIGATION_DEPTH:
        return int(raw)
    raise HTTPBadRequest(
        f"expand.navigation.depth: a whole number from 1 to {MAX_NAVIGATION_DEPTH}."
    )


def children(request, batch, fields):
    """The batch's children as nodes (without children of their own)."""
    ids = [row.id for row in batch.items]
    if not ids:
        return []
    loaded = request.dbsession.scalars(select(Node).where(Node.id.in_(ids)))
    nodes = {child.id: child for child in loaded}
    ordered = [nodes[node_id] for node_id in ids if node_id in nodes]
    contents = [snapshot(child) for child in ordered]
    bodies = show_current_all(request, [c.get("body", "") for c in contents])
    result = []
    for child, content, body in zip(ordered, contents, bodies, strict=True):
        data = serialize_content(request, child, content, body=body)
        data["links"] = node_links(request, child)
        result.append(keep(data, fields))
    return result
