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
from cms.schedule import effective_date
from cms.search.backends import match
from cms.search.index import search_index
from cms.search.params import SearchParams
from cms.search.query import highlights, unmatchable
from cms.search.text import snippet
from cms.security.visibility import viewable_nodes

_TEXT_COLUMNS = [
    search_index.c[name]
    for name in ("node_id", "title", "description", "body", "files")
]
_SORT_COLUMNS = {
    "modified": Node.modified,
    "created": Node.created,
    "effective": effective_date(Node),
    "title": func.lower(Node.title),
    "position": Node.position,
}


@dataclass
class Results:
    rows: list[Row[Any]]
    total: int
    params: SearchParams
    #: The indexed texts of the rows, by node id.
    texts: dict[int, Row[Any]]

    def snippet(self, row: Row[Any]) -> str:
        """Return the row's snippet: HTML, the matched words in ``<mark>``."""
        text = self.texts.get(row.id)
        if text is None:
            return ""
        if self.params.terms:
            exact, prefixes = highlights(self.params.terms)
            texts = [text.body, text.description, text.title, text.files]
        else:
            exact, prefixes = frozenset(), ()
            texts = [text.description, text.body]
        return snippet(texts, exact, prefixes)


def _depth(path: Any) -> ColumnElement[int]:
    """The number of names in *path* (``/a/b/`` → 2), in SQL."""
    return func.length(path) - func.length(func.replace(path, "/", "")) - 1


def _scope(context: Node, params: SearchParams) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
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
    # Texts are read for the batch alone (see run_search): sorting thousands
    # of matches with their bodies would cost ten times more. And no
    # select_from(Node), which would join every content type's table.
    query = select(*SUMMARY_COLUMNS)
    top = context if context.parent_id is not None else None
    where = [viewable_nodes(request.identity, top), *_scope(context, params)]
    if params.terms and not unmatchable(params.terms):
        found = match(request.dbsession.get_bind().dialect.name, params.terms)
        query = query.join(found.join, found.on)
        where.append(found.where)
        query = query.add_columns(found.rank.label("rank"))
    elif params.q:
        # Something was typed, but no word that can match: nothing does.
        where.append(false())
    if params.types:
        where.append(Node.type.in_(params.types))
    if params.modified_after is not None:
        where.append(Node.modified > params.modified_after)
    if params.modified_before is not None:
        where.append(Node.modified < params.modified_before)
    if params.effective_after is not None:
        where.append(effective_date(Node) > params.effective_after)
    if params.effective_before is not None:
        where.append(effective_date(Node) < params.effective_before)
    return query.where(*where)


def run_search(request: Request, context: Node, params: SearchParams) -> Results:
    """Return the batch of results *params* asks for, in *context*'s subtree."""
    query = _query(request, context, params)
    sort_on = params.sort_on
    if sort_on == "relevance" and "rank" not in query.selected_columns:
        sort_on = "modified"
    key: Any
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
    texts = {
        text.node_id: text
        for text in dbsession.execute(
            select(*_TEXT_COLUMNS).where(
                search_index.c.node_id.in_([row.id for row in rows])
            )
        )
    }
    return Results(rows=rows, total=total, params=params, texts=texts)
