"""Counts of children kept per site generation: ``items_total`` at scale.

A batch after the first of a folder must say ``items_total``: a
``count(*)`` of the children the caller may view, whose cost grows with
the folder (about 40 ms at 100,000 children on SQLite). That number can
only change when something is written, which gives the site a new
generation (:mod:`cms.generation`), or when a schedule moment passes (an
``effective`` or ``expires`` of a child). So a count is kept, in each
process, under the generation it was made at, for the parent, the caller's
view (anonymous readers; everything, for administrators; else one user
with their groups) and the listing's types, until that generation is gone
or the site's next schedule moment comes.

It stays exact for what each caller may see: the same WHERE clause made it,
and nothing that clause depends on (states, schedules, local roles,
memberships, the tree) changes without one of the two. The generation is
read before the count, so a count can only be newer than the generation
it is kept under, never older. A transaction that has written counts
afresh: its own changes are not committed, and the generation changes only
at commit.

On when the page cache is (``cms.page_cache``).
"""

import threading
from collections import OrderedDict
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import Select
from sqlalchemy.orm import Session

from cms.generation import WROTE, read_generation
from cms.models.meta import utcnow
from cms.moments import NextMoment, site_next_moment

#: Where the registry keeps the process's counts.
CHILD_COUNTS = "cms.child_counts"


class ChildCounts:
    """The counts of one process, least recently used dropped first."""

    def __init__(self, size: int, next_moment: NextMoment | None = None) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self._next_moment = next_moment or NextMoment()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        self._next_moment.clear()

    def count(self, dbsession: Session, statement: Select[Any], key: tuple) -> int:
        """The value of the count *statement*, kept under *key*."""
        connection = dbsession.connection()
        if connection.info.get(WROTE):
            return dbsession.execute(statement).scalar_one()
        generation = read_generation(connection)
        now = utcnow()
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                kept_generation, ends, value = kept
                if kept_generation == generation and (ends is None or now < ends):
                    self._entries.move_to_end(key)
                    return value
        ends = self._next_moment.after(connection, generation, now)
        value = dbsession.execute(statement).scalar_one()
        with self._lock:
            self._entries[key] = (generation, ends, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def view_key(request: Request) -> tuple:
    """Who sees the same children: anonymous readers, admins, or one user."""
    identity = request.identity
    if identity is None:
        return ("anonymous",)
    if identity.is_admin:
        return ("everything",)
    return ("user", identity.user_id, tuple(sorted(identity.group_ids)))


def counts_for(request: Request) -> tuple[ChildCounts, tuple] | None:
    """What :func:`cms.listing.children_batch` takes as *counts*, or None."""
    kept = request.registry.get(CHILD_COUNTS)
    return None if kept is None else (kept, view_key(request))


def includeme(config: Configurator) -> None:
    settings = config.get_settings()
    if settings["cms.page_cache"]:
        config.registry[CHILD_COUNTS] = ChildCounts(
            settings["cms.page_cache_size"], site_next_moment(config.registry)
        )
