"""Run a search: the nodes a caller may view that match, a batch at a time.

One query for the batch and, unless the first batch holds them all, one for
``items_total``; the caller's view rights are part of the WHERE clause
(:func:`cms.security.visibility.viewable_nodes`), so the count is right.
Batches are found by offset (``b_start``): results in relevance order have
no key to seek to, and nobody pages far into a search.
"""

from dataclasses import dataclass
from typing import Any

from pyramid.request import Request
from sqlalchemy import ColumnElement, Row, Select, false, func, select

from cms.listing import SUMMARY_COLUMNS
from cms.models import Node
from cms.models.tree import subtree_bounds
from cms.search.backends import match
from cms.search.index import search_index
from cms.search.params import SearchParams
from cms.search.query import highlights, unmatchable
from cms.search.text import snippet
from cms.security.visibility import viewable_nodes

_TEXTS = (
    search_index.c.title.label("text_title"),
    search_index.c.description.label("text_description"),
    search_index.c.body.label("text_body"),
    search_index.c.files.label("text_files"),
)
_SORT_COLUMNS = {
    "modified": Node.modified,
    "created": Node.created,
    "title": func.lower(Node.title),
    "position": Node.position,
}


@dataclass
class Results:
    rows: list[Row[Any]]
    total: int
    params: SearchParams

    def snippet(self, row: Row[Any]) -> str:
        """Return the row's snippet: HTML, the matched words in ``<mark>``."""
        if self.params.terms:
            exact, prefixes = highlights(self.params.terms)
            texts = [row.text_body, row.text_description, row.text_title]
            texts.append(row.text_files)
        else:
            exact, prefixes = frozenset(), ()
            texts = [row.text_description, row.text_body]
        return snippet([text or "" for text in texts], exact, prefixes)


def _depth(path: ColumnElement[str]) -> ColumnElement[int]:
    """The number of names in *path* (``/a/b/`` → 2), in SQL."""
    return func.length(path) - func.length(func.replace(path, "/", "")) - 1


def _scope(context: Node, params: SearchParams) -> list[ColumnElement[bool]]:
    conditions = []
    for path in {context.path, params.path or "/"}:
        if path != "/":
            low, high = subtree_bounds(path)
            conditions.extend((Node.path >= low, Node.path < high))
    if params.depth is not None:
        base = max(context.path, params.path or "/", key=len)
        conditions.append(_depth(Node.path) <= base.count("/") - 1 + params.depth)
    return conditions


def _query(request: Request, context: Node, params: SearchParams) -> Select[Any]:
    """Return the SELECT of every match, unordered."""
    # No select_from(Node): that would join every content type's table.
    query = select(*SUMMARY_COLUMNS, *_TEXTS)
    top = context if context.parent_id is not None else None
    where = [viewable_nodes(request.identity, top), *_scope(context, params)]
    if params.terms and not unmatchable(params.terms):
        found = match(request.dbsession.get_bind().dialect.name, params.terms)
        query = query.join(search_index, search_index.c.node_id == Node.id)
        if found.join is not None and found.on is not None:
            query = query.join(found.join, found.on)
        where.append(found.where)
        query = query.add_columns(found.rank.label("rank"))
    else:
        query = query.outerjoin(search_index, search_index.c.node_id == Node.id)
        if params.q:
            # Something was typed, but no word that can match: nothing does.
            where.append(false())
    if params.types:
        where.append(Node.type.in_(params.types))
    if params.modified_after is not None:
        where.append(Node.modified > params.modified_after)
    if params.modified_before is not None:
        where.append(Node.modified < params.modified_before)
    return query.where(*where)


def run_search(request: Request, context: Node, params: SearchParams) -> Results:
    """Return the batch of results *params* asks for, in *context*'s subtree."""
    query = _query(request, context, params)
    sort_on = params.sort_on
    if sort_on == "relevance" and "rank" not in query.selected_columns:
        sort_on = "modified"
    if sort_on == "relevance":
        key = query.selected_columns.rank
        # Rank is lower for better matches: "descending" relevance is best first.
        ascending = params.sort_order == "descending"
    else:
        key = _SORT_COLUMNS[sort_on]
        ascending = params.sort_order == "ascending"
    order = [key.asc() if ascending else key.desc()]
    order.append(Node.id.asc() if ascending else Node.id.desc())
    dbsession = request.dbsession
    batch = query.order_by(*order).offset(params.start).limit(params.size + 1)
    rows = list(dbsession.execute(batch))
    more = len(rows) > params.size
    rows = rows[: params.size]
    if params.start == 0 and not more:
        total = len(rows)
    else:
        counted = query.with_only_columns(Node.id).subquery()
        total = dbsession.execute(
            select(func.count()).select_from(counted)
        ).scalar_one()
    return Results(rows=rows, total=total, params=params)
