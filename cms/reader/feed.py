"""A folder's Atom 1.0 feed (RFC 4287): its newest children the public sees.

Newest first by the date each child took effect
(:func:`cms.schedule.effective_date`: publishing sets ``effective``), which
is each entry's ``published``; ``updated`` is when it last changed.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyramid.request import Request
from sqlalchemy import Row, select

from cms.models import Node
from cms.schedule import effective_date
from cms.security.visibility import shown_here
from cms.urls import node_url

ATOM = "http://www.w3.org/2005/Atom"
#: Characters XML 1.0 cannot carry, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """*value* escaped for XML character data."""
    return escape(NOT_XML.sub("", value))


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def newest_children(request: Request, folder: Node, size: int) -> Sequence[Row[Any]]:
    """The *size* newest children of *folder* shown to the public.

    The caller checked that *folder* itself is public, so a child's own
    condition is all that is left.
    """
    since = effective_date(Node)
    query = (
        select(
            Node.uid,
            Node.path,
            Node.title,
            Node.description,
            Node.modified,
            since.label("published"),
        )
        .where(Node.parent_id == folder.id, shown_here())
        .order_by(since.desc(), Node.id.desc())
        .limit(size)
    )
    return request.dbsession.execute(query).all()


def atom_feed(request: Request, folder: Node, rows: Sequence[Row[Any]]) -> bytes:
    """Return the feed document of *folder* with *rows* as entries."""
    updated = max([folder.modified, *(row.modified for row in rows)])
    self_url = node_url(request, folder.path, "@@feed")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="{ATOM}">\n',
        f"<id>urn:uuid:{folder.uid}</id>\n",
        f"<title>{text(folder.title)}</title>\n",
        f"<updated>{_stamp(updated)}</updated>\n",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>\n',
        f'<link rel="alternate" type="text/html" '
        f"href={quoteattr(node_url(request, folder.path))}/>\n",
        f"<author><name>{text(request.site_settings['title'])}</name></author>\n",
    ]
    for row in rows:
        parts += [
            "<entry>",
            f"<id>urn:uuid:{row.uid}</id>",
            f"<title>{text(row.title)}</title>",
            f"<published>{_stamp(row.published)}</published>",
            f"<updated>{_stamp(row.modified)}</updated>",
            f'<link rel="alternate" type="text/html" '
            f"href={quoteattr(node_url(request, row.path))}/>",
            f"<summary>{text(row.description)}</summary>" if row.description else "",
            "</entry>\n",
        ]
    parts.append("</feed>\n")
    return "".join(parts).encode()
