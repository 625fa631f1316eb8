"""Validators of the sitemap and of feeds: one small query, no document built.

A document that lists nodes changes when a node enters or leaves it (added,
published, retracted, deleted, moved, renamed) or when one it lists changes.
Each of these writes the row of a node the summary covers: it is inserted,
deleted, or updated through the ORM, which bumps its ``version`` (the
version counter of :class:`cms.models.Node`). So the count, the highest id,
the sum of the versions and the newest ``modified`` of the nodes that could
be listed change with it; an answer with the same summary is the same
document. The summary covers more nodes than are listed (hidden ones too):
a change among them costs a rebuild, never a stale copy.

A node also enters or leaves when a moment of its schedule passes, and no
row is written then: the summary holds the latest ``effective`` and the
latest ``expires`` already passed. A moment that passes becomes the latest
passed, so either changes exactly when one does.
"""

from datetime import datetime
from typing import Any

from pyramid.request import Request
from sqlalchemy import ColumnElement, case, func, select

from cms.conditional import answer_if_current, summary_etag
from cms.models import Node
from cms.models.meta import utcnow

_nodes = Node.__table__


def _summary(request: Request, *where: ColumnElement[bool]) -> tuple[Any, ...]:
    # The table's own columns: the class's would join every content type's.
    now = utcnow()
    passed = [
        func.max(case((column <= now, column)))
        for column in (_nodes.c.effective, _nodes.c.expires)
    ]
    query = select(
        func.count(),
        func.max(_nodes.c.id),
        func.coalesce(func.sum(_nodes.c.version), 0),
        func.max(_nodes.c.modified),
        *passed,
    ).where(*where)
    return tuple(request.dbsession.execute(query).one())


def _answer(
    request: Request, response: Any, kind: str, summary: tuple, *extra: Any
) -> None:
    newest: datetime | None = summary[3]
    answer_if_current(request, response, summary_etag(kind, *summary, *extra), newest)


def sitemap_validators(request: Request, response: Any, part: int | None) -> None:
    """Set the sitemap's ETag on *response*; raise 304 if the client has it."""
    size = request.registry.settings["cms.sitemap_part_size"]
    _answer(request, response, "sitemap", _summary(request), part, size)


def feed_validators(request: Request, response: Any, folder: Node) -> None:
    """Set *folder*'s feed's ETag on *response*; raise 304 if the client has it.

    The feed shows the folder's title and the site's as well as the
    children: the folder's version and the site's title are part of the tag.
    """
    size = request.registry.settings["cms.feed_size"]
    summary = _summary(request, _nodes.c.parent_id == folder.id)
    extra = (folder.uid.hex, folder.version, request.site_settings["title"], size)
    _answer(request, response, "feed", summary, *extra)
