"""Children listings, in batches, by keyset pagination.

A batch is asked for with ``b_size`` and a cursor, ``b_after`` or
``b_before``, holding the ``position.id`` of the last (or first) child already
seen. The database seeks straight to it in the ``(parent_id, position, id)``
index, so the hundredth page of a folder of 100,000 children costs what the
first one costs; an OFFSET would scan every row it skips. Clients never build
these URLs: they follow ``batching.next`` and ``batching.prev``.
"""

import re
from dataclasses import dataclass
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from sqlalchemy import ColumnElement, Row, func, select, tuple_
from sqlalchemy.orm import Session

from cms.models import Image, Node
from cms.urls import link_url

CURSOR_PATTERN = re.compile(r"(-?\d{1,18})\.(\d{1,18})")

#: The columns a listing shows: a summary, never the full node.
SUMMARY_COLUMNS = (
    Node.id,
    Node.uid,
    Node.name,
    Node.path,
    Node.position,
    Node.type,
    Node.title,
    Node.description,
    Node.state,
    Node.modified,
    Node.effective,
    Node.expires,
)
#: An image's scales, for the thumbnails of a listing page (None otherwise).
_IMAGES = Image.__table__


@dataclass
class Batch:
    """One batch of a node's children and the cursors around it."""

    items: list[Row[Any]]
    total: int
    size: int
    after: str | None = None
    before: str | None = None
    next_cursor: str | None = None
    prev_cursor: str | None = None
    has_prev: bool = False

    def batching(
        self, request: Request, path: str, view: str | None = None
    ) -> dict[str, str]:
        """Return the ``batching`` object of the JSON contract."""
        query: dict[str, int | str] = {}
        if self.size != _default_size(request):
            query["b_size"] = self.size
        current = dict(query)
        if self.after:
            current["b_after"] = self.after
        elif self.before:
            current["b_before"] = self.before
        result = {
            "@id": link_url(request, path, view, current),
            "first": link_url(request, path, view, query),
        }
        if self.next_cursor:
            result["next"] = link_url(
                request, path, view, {**query, "b_after": self.next_cursor}
            )
        if self.has_prev:
            if self.prev_cursor:
                prev = {**query, "b_before": self.prev_cursor}
            else:
                prev = query
            result["prev"] = link_url(request, path, view, prev)
        return result


def _default_size(request: Request) -> int:
    return request.registry.settings["cms.batch_size"]


def _cursor(row: Row[Any]) -> str:
    return f"{row.position}.{row.id}"


def parse_batch_params(request: Request) -> tuple[int, str | None, str | None]:
    """Return ``(size, after, before)`` from the request, or raise 400."""
    settings = request.registry.settings
    params = request.GET
    for key in ("b_size", "b_after", "b_before"):
        if len(params.getall(key)) > 1:
            raise HTTPBadRequest(f"{key} is given more than once.")
    raw = params.get("b_size")
    if raw is None:
        size = settings["cms.batch_size"]
    elif (
        raw.isascii()
        and raw.isdigit()
        and 1 <= int(raw) <= settings["cms.batch_size_max"]
    ):
        size = int(raw)
    else:
        raise HTTPBadRequest(
            f"b_size must be a whole number from 1 to {settings['cms.batch_size_max']}."
        )
    after, before = params.get("b_after"), params.get("b_before")
    if after is not None and before is not None:
        raise HTTPBadRequest("Give b_after or b_before, not both.")
    for cursor in (after, before):
        if cursor is not None and not CURSOR_PATTERN.fullmatch(cursor):
            raise HTTPBadRequest(
                "The batch cursor is not valid: follow batching links."
            )
    return size, after, before


def children_batch(
    dbsession: Session,
    parent: Node,
    size: int,
    after: str | None = None,
    before: str | None = None,
    where: ColumnElement[bool] | None = None,
) -> Batch:
    """Return a :class:`Batch` of *parent*'s children.

    One query for the rows, and one for the count unless the first batch
    already holds them all (a leaf, a small folder).

    *where* narrows the children, e.g. to those the caller may view
    (:func:`cms.security.trimming.viewable_children`).
    """
    scope = [Node.parent_id == parent.id]
    if where is not None:
        scope.append(where)
    query = (
        select(*SUMMARY_COLUMNS, _IMAGES.c.scales)
        .outerjoin_from(Node, _IMAGES, _IMAGES.c.id == Node.id)
        .where(*scope)
    )
    key = tuple_(Node.position, Node.id)
    if before is not None:
        position, node_id = map(int, before.split("."))
        query = query.where(key < tuple_(position, node_id)).order_by(
            Node.position.desc(), Node.id.desc()
        )
    else:
        if after is not None:
            position, node_id = map(int, after.split("."))
            query = query.where(key > tuple_(position, node_id))
        query = query.order_by(Node.position, Node.id)
    rows = list(dbsession.execute(query.limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if after is None and before is None and not more:
        # The first batch holds every child: the count is known, no query.
        total = len(rows)
    else:
        total = dbsession.execute(
            select(func.count()).select_from(Node).where(*scope)
        ).scalar_one()
    batch = Batch(items=rows, total=total, size=size, after=after, before=before)
    if before is not None:
        rows.reverse()
        batch.has_prev = more
        batch.prev_cursor = _cursor(rows[0]) if more else None
        batch.next_cursor = _cursor(rows[-1]) if rows else None
    else:
        batch.has_prev = after is not None
        batch.prev_cursor = _cursor(rows[0]) if after is not None and rows else None
        batch.next_cursor = _cursor(rows[-1]) if more else None
    return batch
