"""Which errors mean "the database cannot be reached right now" (503), which a bug.

The errors are real ones where a test can make them (a refused connection,
a file that cannot be opened, a lock, a pool with no connection free); the
server's own codes are made as psycopg makes them from the server's answer.
"""

import socket
import sqlite3

import psycopg
import psycopg.errors
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from cms.outage import database_unreachable, first_line


def raised(action):
    with pytest.raises(Exception) as info:
        action()
    return info.value


@pytest.fixture
def closed_port():
    """A port of 127.0.0.1 on which nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    return path


def test_a_refused_connection_to_postgresql(closed_port):
    error = raised(lambda: psycopg.connect(host="127.0.0.1", port=closed_port))
    assert database_unreachable(error)


def test_a_refused_connection_from_the_pool(closed_port):
    engine = create_engine(f"postgresql+psycopg://cms@127.0.0.1:{closed_port}/cms")
    error = raised(engine.connect)
    assert isinstance(error, DBAPIError)
    assert not error.connection_invalidated
    assert database_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.AdminShutdown,
        psycopg.errors.CrashShutdown,
        psycopg.errors.CannotConnectNow,
        psycopg.errors.TooManyConnections,
        psycopg.errors.ConnectionFailure,
    ],
)
def test_postgresql_going_away_or_full(error):
    assert database_unreachable(error("the server's message"))
    wrapped = DBAPIError("SELECT 1", {}, error("the server's message"))
    assert database_unreachable(wrapped)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.UndefinedTable,
        psycopg.errors.SyntaxError,
        psycopg.errors.UniqueViolation,
        psycopg.errors.QueryCanceled,
        psycopg.errors.LockNotAvailable,
        psycopg.errors.SerializationFailure,
    ],
)
def test_postgresql_errors_that_are_not_an_outage(error):
    assert not database_unreachable(DBAPIError("SELECT 1", {}, error("message")))


def test_a_connection_that_broke_under_a_statement():
    error = DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True)
    assert database_unreachable(error)


def test_a_sqlite_file_that_cannot_be_opened(tmp_path):
    path = tmp_path / "no such folder" / "db.sqlite"
    assert database_unreachable(raised(lambda: sqlite3.connect(path)))
    engine = create_engine(f"sqlite:///{path}")
    assert database_unreachable(raised(engine.connect))


def test_a_sqlite_file_locked_past_the_busy_timeout(sqlite_file):
    holder = sqlite3.connect(sqlite_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        engine = create_engine(
            f"sqlite:///{sqlite_file}", connect_args={"timeout": 0.01}
        )
        with engine.connect() as connection:
            error = raised(lambda: connection.execute(text("INSERT INTO t VALUES (1)")))
    finally:
        holder.close()
    assert "database is locked" in str(error)
    assert database_unreachable(error)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM no_such_table",
        "SELEKT 1",
        "INSERT INTO t (no_such_column) VALUES (1)",
    ],
)
def test_sqlite_bugs_are_not_an_outage(sqlite_file, statement):
    # SQLite raises OperationalError for these too: its code says otherwise.
    engine = create_engine(f"sqlite:///{sqlite_file}")
    with engine.connect() as connection:
        error = raised(lambda: connection.execute(text(statement)))
    assert not database_unreachable(error)


def test_a_constraint_is_not_an_outage(sqlite_file):
    engine = create_engine(f"sqlite:///{sqlite_file}")
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        error = raised(lambda: connection.execute(text("INSERT INTO t VALUES (1)")))
    assert isinstance(error, IntegrityError)
    assert not database_unreachable(error)


def test_no_connection_free_in_the_pool(sqlite_file):
    engine = create_engine(
        f"sqlite:///{sqlite_file}", pool_size=1, max_overflow=0, pool_timeout=0.01
    )
    with engine.connect():
        assert database_unreachable(raised(engine.connect))


def test_other_errors_are_not_an_outage():
    assert not database_unreachable(ValueError("database is locked"))
    assert not database_unreachable(sqlite3.ProgrammingError("closed"))


def test_the_log_line_is_the_first_line_of_the_error(closed_port):
    engine = create_engine(f"postgresql+psycopg://cms@127.0.0.1:{closed_port}/cms")
    line = first_line(raised(engine.connect))
    assert line.startswith("(psycopg.OperationalError) connection failed:")
    assert "\n" not in line
    assert first_line(ValueError()) == "ValueError"
