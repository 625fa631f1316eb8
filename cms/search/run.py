"""Run a search: the nodes a caller may view that match, a batch at a time.

One statement for the batch, its texts and ``items_total`` (see
:func:`run_search`); the caller's view rights are part of the WHERE clause
(:func:`cms.security.visibility.viewable_nodes`), so the count is right.
Batches are found by offset (``b_start``): results in relevance order have
no key to seek to, and nobody pages far into a search.
"""

from dataclasses import dataclass
from typing import Any

from pyramid.request import Request
from sqlalchemy import ColumnElement, Row, Select, false, func, select

from cms.listing import SUMMARY_COLUMNS, with_media
from cms.models import Node
from cms.models.tree import subtree_bounds
from cms.schedule import effective_date
from cms.search.backends import match
from cms.search.index import search_index
from cms.search.params import SearchParams
from cms.search.query import highlights, unmatchable
from cms.search.text import snippet
from cms.security.visibility import viewable_nodes

_nodes = Node.__table__
#: The summary's columns from ``nodes`` alone: ``Node``'s would join every
#: content type's table.
_SUMMARY = [_nodes.c[column.key] for column in SUMMARY_COLUMNS]
#: The indexed texts, for snippets, named apart from the node's own columns.
_TEXT_COLUMNS = [
    search_index.c.node_id,
    *(
        search_index.c[name].label(f"text_{name}")
        for name in ("title", "description", "body", "files")
    ),
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
    #: The rows that have indexed texts (``text_*`` columns), by node id.
    texts: dict[int, Row[Any]]

    def snippet(self, row: Row[Any]) -> str:
        """Return the row's snippet: HTML, the matched words in ``<mark>``."""
        text = self.texts.get(row.id)
        if text is None:
            return ""
        if self.params.terms:
            exact, prefixes = highlights(self.params.terms)
            # Not the title: results show it already. A match in the title
            # alone shows the beginning of the body.
            texts = [text.text_body, text.text_description, text.text_files]
        else:
            exact, prefixes = frozenset(), ()
            texts = [text.text_description, text.text_body]
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


def _matches(
    request: Request, context: Node, params: SearchParams
) -> tuple[Select[Any], ColumnElement[Any] | None]:
    """Return the SELECT of every match's id, unordered, and the rank if any.

    Only ``nodes`` and the index take part: no content type's table, no text
    (see :func:`run_search`).
    """
    query, rank = select(_nodes.c.id), None
    top = context if context.parent_id is not None else None
    where = [viewable_nodes(request.identity, top), *_scope(context, params)]
    if params.terms and not unmatchable(params.terms):
        found = match(request.dbsession.get_bind().dialect.name, params.terms)
        query = query.join(found.join, found.on)
        where.append(found.where)
        rank = found.rank
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
    return query.where(*where), rank


def _sort(
    matches: Select[Any], rank: ColumnElement[Any] | None, params: SearchParams
) -> tuple[Select[Any], bool]:
    """Return *matches* with their sort key (``sort_key``), and its direction."""
    key: Any
    if params.sort_on == "relevance" and rank is not None:
        # Rank is lower for better matches: "descending" relevance is best first.
        key, ascending = rank, params.sort_order == "descending"
    else:
        sort_on = "modified" if params.sort_on == "relevance" else params.sort_on
        key, ascending = _SORT_COLUMNS[sort_on], params.sort_order == "ascending"
    return matches.add_columns(key.label("sort_key")), ascending


def run_search(request: Request, context: Node, params: SearchParams) -> Results:
    """Return the batch of results *params* asks for, in *context*'s subtree.

    One statement: the matches are found and ranked on ``nodes`` and the
    index alone, counted by a window over them (cheap once they are all
    ranked: a second statement would find and rank them again) and cut to
    the batch; only the batch's rows are then joined to their summaries and
    texts. A ``b_start`` past the end leaves no row to carry the count: it
    is counted apart.
    """
    matches, ascending = _sort(*_matches(request, context, params), params)
    # SQLite ranks (bm25) only in a query that reads the FTS table directly:
    # the window and the sort are the next query's. OFFSET 0 keeps that
    # query apart on PostgreSQL too, so that each rank is worked out beside
    # its match: merged into the next one, the whole documents would be kept
    # for the window and ranked only after it.
    found = matches.offset(0).subquery("found")
    batch = (
        select(found, func.count().over().label("items_total"))
        .order_by(*_ordered(found, ascending))
        .offset(params.start)
        .limit(params.size)
        .subquery("batch")
    )
    page = (
        with_media(
            select(*_SUMMARY, *_TEXT_COLUMNS, batch.c.items_total)
            .select_from(batch)
            .join(_nodes, _nodes.c.id == batch.c.id)
        )
        .outerjoin(search_index, search_index.c.node_id == batch.c.id)
        .order_by(*_ordered(batch, ascending))
    )
    dbsession = request.dbsession
    rows = list(dbsession.execute(page))
    if rows:
        total = rows[0].items_total
    elif params.start:
        total = dbsession.execute(
            select(func.count()).select_from(matches.subquery())
        ).scalar_one()
    else:
        total = 0
    texts = {row.id: row for row in rows if row.node_id is not None}
    return Results(rows=rows, total=total, params=params, texts=texts)


def _ordered(query: Any, ascending: bool) -> list[ColumnElement[Any]]:
    """The ORDER BY of a subquery of matches: its sort key, then the id."""
    if ascending:
        return [query.c.sort_key.asc(), query.c.id.asc()]
    return [query.c.sort_key.desc(), query.c.id.desc()]
