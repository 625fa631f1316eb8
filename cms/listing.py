"""Children listings, in batches, by keyset pagination.

A batch is asked for with ``b_size`` and a cursor, ``b_after`` or
``b_before``, holding the ``position.id`` of the last (or first) child already
seen. The database seeks straight to it in the ``(parent_id, position, id)``
index, so the hundredth page of a folder of 100,000 children costs what the
first one costs; an OFFSET would scan every row it skips. Clients never build
these URLs: they follow ``batching.next`` and ``batching.prev``.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from sqlalchemy import ColumnElement, Row, Select, bindparam, func, select, tuple_
from sqlalchemy.orm import Session

from cms.models import CONTENT_TYPES, File, Image, Node
from cms.schedule import effective_date
from cms.urls import link_url

#: ``position.id`` in the editors' order; ``<value>.id`` in another, the
#: value of the sort column in base64url.
CURSOR_PATTERN = re.compile(r"(-?\d{1,18}|[A-Za-z0-9_-]{1,1400})\.(\d{1,18})")
POSITION = re.compile(r"-?\d{1,18}")

#: The ``nodes`` table: listings read its columns, not the class's, so that
#: they run as plain SQL statements (the ORM's machinery costs more than
#: the query itself on a page).
_NODES = Node.__table__
_N = _NODES.c
#: The columns a listing shows: a summary, never the full node.
SUMMARY_COLUMNS = (
    _N.id,
    _N.uid,
    _N.name,
    _N.path,
    _N.position,
    _N.type,
    _N.title,
    _N.description,
    _N.state,
    _N.modified,
    _N.effective,
    _N.expires,
)
#: An image's scales, for the thumbnails of a listing page (None otherwise).
_IMAGES = Image.__table__
_FILES = File.__table__
#: What a summary tells of a file (its type and size) and of an image (its
#: scales), from outer joins: None for other nodes.
MEDIA_COLUMNS = (_FILES.c.content_type, _FILES.c.size, _IMAGES.c.scales)


def with_media(query: Select[Any]) -> Select[Any]:
    """*query* (from ``nodes``) with :data:`MEDIA_COLUMNS` added."""
    return (
        query.add_columns(*MEDIA_COLUMNS)
        .outerjoin(_FILES, _FILES.c.id == _N.id)
        .outerjoin(_IMAGES, _IMAGES.c.id == _N.id)
    )


#: ``sort_on`` of a listing: the column, and the order unless ``sort_order``
#: says. ``position`` is the editors' order.
LISTING_SORTS: dict[str, tuple[Any, str]] = {
    "position": (_N.position, "ascending"),
    "title": (func.lower(_N.title), "ascending"),
    "modified": (_N.modified, "descending"),
    "created": (_N.created, "descending"),
    "effective": (effective_date(_N), "descending"),
}


@dataclass(frozen=True)
class Order:
    """How a listing is sorted and which types it keeps."""

    sort_on: str = "position"
    descending: bool = False
    types: tuple[str, ...] = field(default=())

    @property
    def column(self) -> Any:
        return LISTING_SORTS[self.sort_on][0]

    def query(self) -> dict[str, Any]:
        """The parameters that ask for this order again (in batch links)."""
        query: dict[str, Any] = {}
        if self.sort_on != "position":
            query["sort_on"] = self.sort_on
        if self.descending != (LISTING_SORTS[self.sort_on][1] == "descending"):
            query["sort_order"] = "descending" if self.descending else "ascending"
        if self.types:
            query["type"] = list(self.types)
        return query


def parse_order(request: Request) -> Order:
    """Return the listing's :class:`Order` from ``sort_on``, ``sort_order``
    and ``type`` (repeatable), or raise 400 naming the invalid one."""
    params = request.GET
    for key in ("sort_on", "sort_order"):
        if len(params.getall(key)) > 1:
            raise HTTPBadRequest(f"{key}: given more than once.")
    sort_on = params.get("sort_on", "position")
    if sort_on not in LISTING_SORTS:
        raise HTTPBadRequest(f"sort_on: one of {', '.join(LISTING_SORTS)}.")
    order = params.get("sort_order", LISTING_SORTS[sort_on][1])
    if order not in ("ascending", "descending"):
        raise HTTPBadRequest("sort_order: ascending or descending.")
    types = params.getall("type")
    for name in types:
        if name not in CONTENT_TYPES:
            raise HTTPBadRequest(f"type: one of {', '.join(CONTENT_TYPES)}.")
    return Order(sort_on, order == "descending", tuple(dict.fromkeys(types)))


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
    order: Order = Order()

    def batching(
        self, request: Request, path: str, view: str | None = None
    ) -> dict[str, str]:
        """Return the ``batching`` object of the JSON contract."""
        query: dict[str, Any] = self.order.query()
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


def _cursor(row: Row[Any], order: Order) -> str:
    if order.sort_on == "position":
        return f"{row.position}.{row.id}"
    value = row.sort_key
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    encoded = base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
    return f"{encoded}.{row.id}"


def _cursor_key(cursor: str, order: Order) -> tuple[Any, int]:
    """The sort value and id a cursor holds; 400 when it holds none."""
    match = CURSOR_PATTERN.fullmatch(cursor)
    if match is not None and order.sort_on == "position":
        if POSITION.fullmatch(match[1]):
            return int(match[1]), int(match[2])
    elif match is not None:
        value = match[1] + "=" * (-len(match[1]) % 4)
        try:
            text = base64.urlsafe_b64decode(value).decode()
            if order.sort_on == "title" and "\x00" not in text:
                return text, int(match[2])
            if order.sort_on != "title":
                return datetime.fromisoformat(text), int(match[2])
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    raise HTTPBadRequest("The batch cursor is not valid: follow batching links.")


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
    order = parse_order(request)
    for cursor in (after, before):
        if cursor is not None:
            _cursor_key(cursor, order)
    return size, after, before


def children_batch(
    dbsession: Session,
    parent: Node,
    size: int,
    after: str | None = None,
    before: str | None = None,
    where: ColumnElement[bool] | None = None,
    order: Order = Order(),
    counts: tuple[Any, tuple] | None = None,
) -> Batch:
    """Return a :class:`Batch` of *parent*'s children, in *order*.

    One query for the rows, and one for the count unless the first batch
    already holds them all (a leaf, a small folder).

    *where* narrows the children, e.g. to those the caller may view
    (:func:`cms.security.trimming.viewable_children`). *counts* is
    ``(ChildCounts, view key)`` (:mod:`cms.counts`): the count is then kept
    for the next batches while the site does not change.
    """
    scope = [_N.parent_id == parent.id]
    if where is not None:
        scope.append(where)
    if order.types:
        scope.append(_N.type.in_(order.types))
    column = order.column
    query = with_media(
        # From ``nodes`` alone: ``Node`` would join every content type's table.
        select(*SUMMARY_COLUMNS, column.label("sort_key")).select_from(_NODES)
    ).where(*scope)
    key = tuple_(column, _N.id)
    # Seeking backwards (b_before) walks the order in reverse.
    backwards = before is not None
    descending = order.descending != backwards
    cursor = before if before is not None else after
    if cursor is not None:
        value, node_id = _cursor_key(cursor, order)
        bound = tuple_(bindparam(None, value, type_=column.type), node_id)
        query = query.where(key < bound if descending else key > bound)
    if descending:
        query = query.order_by(column.desc(), _N.id.desc())
    else:
        query = query.order_by(column, _N.id)
    rows = list(dbsession.execute(query.limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if after is None and before is None and not more:
        # The first batch holds every child: the count is known, no query.
        total = len(rows)
    else:
        statement = select(func.count()).select_from(_NODES).where(*scope)
        if counts is None:
            total = dbsession.execute(statement).scalar_one()
        else:
            kept, view = counts
            total = kept.count(dbsession, statement, (parent.id, view, order.types))
    batch = Batch(
        items=rows, total=total, size=size, after=after, before=before, order=order
    )
    if before is not None:
        rows.reverse()
        batch.has_prev = more
        batch.prev_cursor = _cursor(rows[0], order) if more else None
        batch.next_cursor = _cursor(rows[-1], order) if rows else None
    else:
        batch.has_prev = after is not None
        batch.prev_cursor = (
            _cursor(rows[0], order) if after is not None and rows else None
        )
        batch.next_cursor = _cursor(rows[-1], order) if more else None
    return batch


def link_header(request: Request, batching: dict[str, str]) -> None:
    """Mirror *batching* in the response's ``Link`` header (RFC 8288)."""
    links = [
        f'<{batching[rel]}>; rel="{rel}"'
        for rel in ("first", "prev", "next")
        if rel in batching
    ]
    request.response.headers["Link"] = ", ".join(links)
