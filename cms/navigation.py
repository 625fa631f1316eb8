"""Navigation: the site's sections, and the reader's section opened below.

The first level is the root's children; below the item the reader is in,
its children, and so on down the lineage, *depth* levels in all. Each level
is trimmed for the caller exactly like a listing
(:func:`cms.security.trimming.viewable_children`), and all levels come from
**one** query whatever the depth: the children of every lineage node down to
the depth, each parent with its own condition and no more than
``cms.batch_size_max`` rows. The lineage is loaded by traversal, so the
conditions cost nothing.
"""

from collections import defaultdict
from functools import lru_cache
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from sqlalchemy import ColumnElement, Row, Select, bindparam, select, union_all

from cms.models import Node
from cms.security.trimming import viewable_children
from cms.security.visibility import shown_here
from cms.urls import link_url, node_url
from cms.workflow import is_public

_NODES = Node.__table__

#: Deepest navigation asked for; the traverser looks no deeper either.
MAX_NAVIGATION_DEPTH = 64


def parse_depth(request: Request) -> int:
    """Return ``depth`` from the query string (or the site's), or raise 400."""
    values = request.GET.getall("depth")
    if not values:
        return int(request.site_settings["navigation_depth"])
    if len(values) > 1:
        raise HTTPBadRequest("depth is given more than once.")
    raw = values[0]
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_NAVIGATION_DEPTH:
        return int(raw)
    raise HTTPBadRequest(
        f"depth must be a whole number from 1 to {MAX_NAVIGATION_DEPTH}."
    )


def navigation(
    request: Request, node: Node, depth: int, view_query: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return ``{"@id", "items"}``: *depth* levels, from the top down to *node*.

    An item is ``{"@id", "@type", "title", "current", "in_path", "items"}``:
    ``current`` marks *node* itself, ``in_path`` its ancestors; only items in
    the lineage have ``items`` filled.
    """
    lineage = list(reversed(node.lineage()))
    parents = lineage[:depth]
    rows = _children_of(request, parents)
    by_parent: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        by_parent[row.parent_id].append(row)
    ancestors = {item.id for item in lineage[:-1]}

    def level(index: int) -> list[dict[str, Any]]:
        items = []
        for row in by_parent.get(parents[index].id, ()):
            below: list[dict[str, Any]] = []
            if index + 1 < len(parents) and row.id == parents[index + 1].id:
                below = level(index + 1)
            items.append(
                {
                    "@id": node_url(request, row.path),
                    "@type": row.type,
                    "title": row.title,
                    "current": row.id == node.id,
                    "in_path": row.id in ancestors,
                    "items": below,
                }
            )
        return items

    return {
        "@id": link_url(request, node.path, "@@navigation", view_query),
        "items": level(0) if parents else [],
    }


def _children_of(request: Request, parents: list[Node]) -> list[Row[Any]]:
    """The viewable children of each of *parents*, in order (one query).

    Each parent's children are a part of their own (its trimming, its
    order, its limit), and the parts are joined by UNION ALL: each is read
    from the ``(parent_id, position, id)`` index and stops at the limit, so
    a folder of 100,000 children costs what a small one does.
    """
    anonymous = request.identity is None
    limit = request.registry.settings["cms.batch_size_max"]
    if anonymous:
        # Anonymous readers see the children shown here under a public
        # parent: a query of one shape per count of parents, built once.
        shown = [parent.id for parent in parents if is_public(parent)]
        if not shown:
            return []
        params = {f"parent_{index}": id for index, id in enumerate(shown)}
        query = _anonymous_query(len(shown), limit)
        return list(request.dbsession.execute(query, params))
    if not parents:
        return []
    # Others as their rights on each parent say.
    conditions = [
        (_NODES.c.parent_id == parent.id, viewable_children(request, parent))
        for parent in parents
    ]
    return list(request.dbsession.execute(_query(conditions, limit)))


@lru_cache(maxsize=MAX_NAVIGATION_DEPTH)
def _anonymous_query(count: int, limit: int) -> Select[Any]:
    """The anonymous readers' query for *count* parents (``parent_0``…)."""
    nodes = _NODES.c
    return _query(
        [
            (nodes.parent_id == bindparam(f"parent_{index}"), shown_here())
            for index in range(count)
        ],
        limit,
    )


def _query(
    conditions: list[tuple[ColumnElement[bool], ColumnElement[bool]]], limit: int
) -> Select[Any]:
    """One part per parent (its children, their trimming, the limit), in
    one UNION ALL, ordered by parent and position."""
    nodes = _NODES.c
    columns = (nodes.id, nodes.parent_id, nodes.path, nodes.type, nodes.title)
    parts = [
        select(
            # From ``nodes`` alone: ``Node`` would join every content type's.
            select(*columns, nodes.position)
            .where(*condition)
            .order_by(nodes.position, nodes.id)
            .limit(limit)
            .subquery()
        )
        for condition in conditions
    ]
    found = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    return select(found).order_by(found.c.parent_id, found.c.position, found.c.id)
