"""When the database cannot be reached: which errors say so, and what to tell clients.

A request that meets such an error is answered 503 with ``Retry-After``
(:func:`cms.views.errors.database_away`) and logged on one line: the
site is fine, its database is away for a moment (stopped, restarting, out of
connections, or on SQLite locked by another process past the busy timeout),
and the same request will succeed once it is back. Every other database
error, a bad query above all, is a bug: a 500 with its traceback.

These errors are not marked retryable: pyramid_retry would only wait on
the same outage again, while the client is told when to come back.

The classification lives here, apart from the engine (:mod:`cms.db`),
because it knows each driver's error codes and is asked by the exception
views and the readiness check alike; it is a pure function of the error,
tested on its own.
"""

import logging
import sqlite3

import psycopg
from pyramid.request import Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5
#: What clients are told.
MESSAGE = "The database cannot be reached right now: try again in a moment."
#: What a browser that sent a form is told too.
NOT_SAVED = (
    "Nothing you sent was saved: go back, and your browser still has what you"
    " typed, to send it again."
)

#: PostgreSQL's error codes for "no server to talk to right now": connection
#: exceptions (class 08), shutting down or starting up (57P01 admin
#: shutdown, 57P02 crash shutdown, 57P03 cannot connect now), and too many
#: connections (53300). Cancelled queries, lock and serialization failures
#: are not outages (serialization failures are retried by pyramid_retry).
POSTGRESQL_UNREACHABLE = ("08", "57P01", "57P02", "57P03", "53300")

#: SQLite's primary result codes for the same: SQLITE_BUSY ("database is
#: locked": another process kept the lock past the busy timeout) and
#: SQLITE_CANTOPEN ("unable to open database file"). Extended codes keep the
#: primary one in their low byte.
SQLITE_BUSY = 5
SQLITE_CANTOPEN = 14
SQLITE_UNREACHABLE = (SQLITE_BUSY, SQLITE_CANTOPEN)


def database_unreachable(exc: BaseException) -> bool:
    """Return whether *exc* says the database cannot be reached right now.

    *exc* is what a request met: SQLAlchemy's wrapper of a driver's error,
    or the driver's own error, or anything else (never an outage).
    """
    if isinstance(exc, PoolTimeout):
        # No connection came free from the pool in time: every one of them
        # waits on a database that does not answer (or the site is overrun).
        return True
    driver_error: BaseException | None = exc
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            # SQLAlchemy saw the connection break under the statement.
            return True
        driver_error = exc.orig
    if isinstance(driver_error, psycopg.OperationalError):
        # No SQLSTATE: psycopg itself could not connect, or lost the
        # connection; there was no server to send a code.
        sqlstate = driver_error.sqlstate
        return sqlstate is None or sqlstate.startswith(POSTGRESQL_UNREACHABLE)
    if isinstance(driver_error, sqlite3.OperationalError):
        code = getattr(driver_error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in SQLITE_UNREACHABLE
    return False


def first_line(exc: BaseException) -> str:
    """The first line of *exc*'s message: the cause, without SQL or links."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def log_unreachable(request: Request, exc: BaseException) -> None:
    """Log one line, no traceback: during an outage every request says the same."""
    log.warning(
        "database unreachable on %s %s: %s",
        request.method,
        request.path_qs,
        first_line(exc),
    )
