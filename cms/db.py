"""Engine, sessions and transactions.

Application code reaches the database through ``request.dbsession``: one
SQLAlchemy session per request, joined to the request's transaction manager by
zope.sqlalchemy, so that pyramid_tm commits it when the view succeeds and
aborts it when the view fails or answers an error status (the commit veto).
Views never commit.

Every connection taken from the pool is tested first (``pool_pre_ping``):
after the database restarts, the connections the pool kept are dead, and
without the test the first request on each would fail. A request that meets
the database away is answered 503 (:mod:`cms.outage`).

SQLite is tuned on connect (WAL, foreign keys, busy timeout), and its driver's
own transaction handling is switched off so that SQLAlchemy emits ``BEGIN``
itself: without that, SAVEPOINTs (used by the tests) and ``BEGIN IMMEDIATE``
misbehave on pysqlite.
"""

import zope.sqlalchemy
from pyramid_retry import mark_error_retryable
from sqlalchemy import engine_from_config, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from cms.services.errors import ChangedMeanwhile, Gone

#: Requests that never write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Execution option: begin with BEGIN IMMEDIATE on SQLite.
BEGIN_IMMEDIATE = "cms_begin_immediate"

#: Statements run on every new SQLite connection.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


def get_engine(settings, prefix="sqlalchemy."):
    """Return an engine for the settings, with SQLite tuned on connect.

    Pooled connections are tested before use unless the settings say
    otherwise (``sqlalchemy.pool_pre_ping = false``).
    """
    options = {}
    if f"{prefix}pool_pre_ping" not in settings:
        options["pool_pre_ping"] = True
    engine = engine_from_config(settings, prefix, future=True, **options)
    if engine.dialect.name == "sqlite":
        tune_sqlite(engine)
    return engine


def tune_sqlite(engine):
    """Apply :data:`SQLITE_PRAGMAS` and let SQLAlchemy emit ``BEGIN`` itself."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Stop pysqlite from issuing BEGIN on its own (and from committing
        # before DDL); SQLAlchemy's "begin" hook below does it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A request that writes takes the write lock at once: a transaction
        # that reads and only then writes would fail with "database is
        # locked" (not retryable) when another writer got there between.
        if connection.get_execution_options().get(BEGIN_IMMEDIATE):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "reset")
    def on_reset(dbapi_connection, connection_record, reset_state):
        # A COMMIT that gave up ("database is locked" past the busy timeout)
        # leaves SQLite's transaction open, while SQLAlchemy, its own ended,
        # returns the connection as it is: the next request on it would fail
        # to BEGIN, and its locks would shut out every other writer.
        if dbapi_connection.in_transaction:
            dbapi_connection.rollback()


def get_session_factory(engine):
    """Return a session factory bound to *engine*."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None):
    """Return a session joined to *transaction_manager* by zope.sqlalchemy.

    The session counts as changed from the start: zope.sqlalchemy would
    otherwise roll back a transaction whose only writes were statements run
    with ``session.execute`` (moving a subtree, counting failed logins), as
    it cannot see them. Committing a read-only transaction costs the same as
    rolling it back.
    """
    dbsession = session_factory(info={"request": request})
    zope.sqlalchemy.register(
        dbsession,
        transaction_manager=transaction_manager,
        initial_state=zope.sqlalchemy.datamanager.STATUS_CHANGED,
    )
    return dbsession


def _dbsession(request):
    # Tests may hand in a session of their own through the environ.
    dbsession = request.environ.get("app.dbsession")
    if dbsession is None:
        dbsession = get_tm_session(
            request.registry["dbsession_factory"], request.tm, request=request
        )
        if request.method not in SAFE_METHODS:
            dbsession.connection(execution_options={BEGIN_IMMEDIATE: True})
        request.add_finished_callback(lambda request: dbsession.close())
    return dbsession


def includeme(config):
    """Set up pyramid_tm, pyramid_retry and ``request.dbsession``."""
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    # pyramid_tm would look up who is asking to note it in the transaction,
    # above the exception views: with the database away, that error would
    # escape them all. The lookup happens below them instead, when needed.
    settings["tm.annotate_user"] = False
    config.include("pyramid_tm")
    config.include("pyramid_retry")
    # Two requests adding the same name at once: the loser's retry sees the
    # winner's row and answers 409 instead of failing.
    mark_error_retryable(IntegrityError)
    # A node deleted, moved or changed by another writer between this
    # request's reading it and its locking it: the replay answers as if it
    # had come second (cms.services.locks).
    mark_error_retryable(Gone)
    mark_error_retryable(ChangedMeanwhile)

    engine = get_engine(settings)
    config.registry["dbengine"] = engine
    config.registry["dbsession_factory"] = get_session_factory(engine)
    config.add_request_method(_dbsession, "dbsession", reify=True)
