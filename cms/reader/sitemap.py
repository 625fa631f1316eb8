"""``/sitemap.xml``: every node anonymous may view, streamed.

The answer is written while it is sent, in constant memory, whatever the
size of the tree. pyramid_tm ends the request's transaction when the view
returns, before the body is sent, so the walk does not use the request's
session: it reads batches by keyset pagination on ``path`` (the unique
index), each batch in a short read-only session of its own. A node moved
while the walk runs may be listed twice or missed: harmless for a sitemap,
and no lock is held while a slow client reads.

Walking in path order makes a subtree a range: a node that is not shown
(:func:`cms.security.visibility.shown_here`) hides every path that starts
with its own, and when a batch ends inside such a subtree the next one
starts past it. Each row is read at most once, and no query tests
ancestors.

Above ``cms.sitemap_part_size`` URLs (50,000 at most, the protocol's limit)
``/sitemap.xml`` is a sitemap index naming ``/sitemap.xml?part=N``.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import islice
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from cms.models import Node
from cms.models.tree import subtree_bounds
from cms.security.visibility import shown_here

#: Rows read per query of the walk.
WALK_BATCH = 1000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def public_entries(
    session_factory: Callable[[], Session], batch: int = WALK_BATCH
) -> Iterator[tuple[str, datetime]]:
    """Yield ``(path, modified)`` of every node anonymous may view, by path."""
    low, inclusive = "/", True
    hidden: str | None = None
    while True:
        query = select(Node.path, Node.modified, shown_here().label("shown"))
        query = query.where(Node.path >= low if inclusive else Node.path > low)
        session = session_factory()
        try:
            rows = session.execute(query.order_by(Node.path).limit(batch)).all()
        finally:
            session.close()
        for row in rows:
            if hidden is not None and row.path.startswith(hidden):
                continue
            if not row.shown:
                hidden = row.path
                continue
            yield row.path, row.modified
        if len(rows) < batch:
            return
        last = rows[-1].path
        if hidden is not None and last.startswith(hidden):
            # Start past the hidden subtree rather than read through it.
            low, inclusive = subtree_bounds(hidden)[1], True
        else:
            low, inclusive = last, False


def count_public(session_factory: Callable[[], Session]) -> int:
    """How many nodes anonymous may view (one walk, constant memory)."""
    return sum(1 for _ in public_entries(session_factory))


def urlset(
    entries: Iterator[tuple[str, datetime]], url: Callable[[str], str]
) -> Iterator[bytes]:
    """Yield a ``<urlset>`` document, a batch of URLs per chunk."""
    yield (XML_DECLARATION + f'<urlset xmlns="{NAMESPACE}">\n').encode()
    while chunk := list(islice(entries, WALK_BATCH)):
        yield "".join(
            f"<url><loc>{escape(url(path))}</loc>"
            f"<lastmod>{modified.isoformat(timespec='seconds')}</lastmod></url>\n"
            for path, modified in chunk
        ).encode()
    yield b"</urlset>\n"


def sitemap_index(locations: list[str]) -> bytes:
    """Return a ``<sitemapindex>`` naming *locations*."""
    parts = "".join(
        f"<sitemap><loc>{escape(loc)}</loc></sitemap>\n" for loc in locations
    )
    return (
        XML_DECLARATION
        + f'<sitemapindex xmlns="{NAMESPACE}">\n{parts}</sitemapindex>\n'
    ).encode()
