"""The site's generation: every write changes it, in its own transaction.

Whatever writes (the ORM's flushes, ``session.execute`` of an UPDATE, raw
SQL on the session's connection, a console script), it does so through a
cursor: every INSERT, UPDATE or DELETE of a table that pages may show marks
its connection, and the session's commit then writes a new generation once,
last, in the same transaction. Readers therefore never see the content of a
commit without its generation, nor the reverse; and the row is locked only
for the moment of the commit, after every other lock the writer took, so
writers never deadlock on it.

The new value is random, not the old one plus one: a transaction rolled back
(or a database restored from a backup) would otherwise hand out a number
again, and a process might take the pages it had kept under it for current.

Writes that no page shows do not count: login sessions, login throttling and
API tokens (a token's ``last_used`` is written by reads).
"""

import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

from cms.models.generation import GENERATION_ROW, SiteGeneration
from cms.models.node import Node

#: Tables whose writes no page shows.
UNSHOWN = frozenset(
    {"login_sessions", "login_throttle", "api_tokens", "site_generation"}
)
#: The table a statement writes, when it is a write (its first words).
WRITE = re.compile(
    r"\s*(?:(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)"
    r"\s+\"?(\w+)|(WITH\b.*\b(?<!FOR )(?:INSERT|UPDATE|DELETE)\b))",
    re.I | re.S,
)
#: The mark on a connection (``Connection.info``) that it wrote since the
#: last commit or rollback.
WROTE = "cms.site_written"
#: The session's connections, noted as they join its transaction.
CONNECTIONS = "cms.connections"
#: The mark on a session (``Session.info``) that its commit under way gives
#: the site a new generation (what :mod:`cms.purges` tells the caches).
BUMPED = "cms.generation_bumped"

_generation = SiteGeneration.__table__
_nodes = Node.__table__


def is_shown_write(statement: str) -> bool:
    """Whether the SQL *statement* writes something a page may show."""
    match = WRITE.match(statement)
    if match is None:
        return False
    # A WITH … UPDATE names its table after the CTE: counted, whatever it is.
    return match.group(2) is not None or match.group(1).lower() not in UNSHOWN


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> None:
    if not conn.info.get(WROTE) and is_shown_write(statement):
        conn.info[WROTE] = True


@event.listens_for(Engine, "rollback")
def _forget_writes(conn: Connection) -> None:
    # A connection the database dropped has no info left to read (and its
    # writes are gone with it).
    if not conn.invalidated:
        conn.info.pop(WROTE, None)


@event.listens_for(Session, "after_begin")
def _note_connection(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    # A session answers for the writes made from its beginning: a connection
    # shared by sessions one inside the other (the tests') keeps each its own.
    connection.info.pop(WROTE, None)
    session.info.setdefault(CONNECTIONS, []).append(connection)


@event.listens_for(Session, "after_transaction_end")
def _forget_connections(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CONNECTIONS, None)
        # Consumed by the commit's listeners; a failed commit leaves it.
        session.info.pop(BUMPED, None)


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    """Give the site a new generation when this transaction wrote to it."""
    # The ORM flushes after this hook; its writes must be seen now.
    session.flush()
    for connection in session.info.get(CONNECTIONS, ()):
        if not connection.invalidated and connection.info.pop(WROTE, False):
            connection.execute(
                update(SiteGeneration)
                .where(SiteGeneration.id == GENERATION_ROW)
                .values(value=secrets.randbits(62))
            )
            session.info[BUMPED] = True


#: The generation, read alone: what every cached answer costs.
GENERATION_QUERY = select(_generation.c.value).where(_generation.c.id == GENERATION_ROW)


def read_generation(connection: Connection | Session) -> int | None:
    """The site's generation, or ``None`` when its row is missing."""
    return connection.execute(GENERATION_QUERY).scalar()


def next_boundary(connection: Connection | Session, after: datetime) -> datetime | None:
    """The first ``effective`` or ``expires`` of any node later than *after*.

    Two index look-ups in one statement; ``None`` when no moment is ahead.
    """
    effective = (
        select(func.min(_nodes.c.effective))
        .where(_nodes.c.effective > after)
        .scalar_subquery()
    )
    expires = (
        select(func.min(_nodes.c.expires))
        .where(_nodes.c.expires > after)
        .scalar_subquery()
    )
    first, second = connection.execute(select(effective, expires)).one()
    moments = [moment for moment in (first, second) if moment is not None]
    return min(moments) if moments else None
