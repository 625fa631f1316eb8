"""The site's next schedule moment, known once per generation in a process.

What readers see changes with no write when an ``effective`` or
``expires`` passes. Whatever keeps an answer (the counts of big listings,
the page cache, a shared HTTP cache told how long by ``s-maxage``) must stop
at the first such moment still ahead anywhere in the site
(:func:`cms.generation.next_boundary`, two index look-ups). That moment can
only change with a write, which gives the site a new generation: so it is
looked up once per generation, and kept until it passes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from cms.generation import next_boundary


class NextMoment:
    """The site's next schedule moment, kept per generation.

    Lock-free: the memo is one tuple, replaced whole. Two threads that miss
    at once both look it up and store the same answer.
    """

    def __init__(self) -> None:
        #: ``(generation, since, moment)``: no schedule moment of the site at
        #: that generation falls after *since* and before *moment*.
        self._known: tuple[int | None, datetime, datetime | None] | None = None

    def clear(self) -> None:
        self._known = None

    def known(
        self, generation: int | None, now: datetime
    ) -> tuple[bool, datetime | None]:
        """``(True, moment)`` when the moment after *now* at *generation* is
        known without a look-up, else ``(False, None)``."""
        known = self._known
        if known is not None:
            known_generation, since, moment = known
            current = known_generation == generation and since <= now
            if current and (moment is None or now < moment):
                return True, moment
        return False, None

    def after(
        self, connection: Any, generation: int | None, now: datetime
    ) -> datetime | None:
        """The first schedule moment after *now* at *generation*, or ``None``."""
        known, moment = self.known(generation, now)
        if known:
            return moment
        moment = next_boundary(connection, now)
        self._known = (generation, now, moment)
        return moment


#: Where the registry keeps the process's one :class:`NextMoment`.
NEXT_MOMENT = "cms.next_moment"


def site_next_moment(registry: Any) -> NextMoment:
    """The process's :class:`NextMoment`, shared by all that keep answers."""
    known = registry.get(NEXT_MOMENT)
    if known is None:
        known = registry[NEXT_MOMENT] = NextMoment()
    return known


@contextmanager
def generation_connection(session_factory: Any) -> Iterator[Connection]:
    """A connection of the sessions' engine, for the generation alone.

    A connection of its own, not a request's session: reading the
    generation never begins a request's transaction, and a bare connection
    reads in a third less time than a session would. The tests' sessions
    are bound to the connection that holds their transaction: that one is
    read.
    """
    bind = session_factory.kw.get("bind")
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as connection:
        yield connection
