"""Fixtures: one database per run, one rolled-back transaction per test.

The database is SQLite in a temporary file, or the server named by
``CMS_TEST_DATABASE_URL`` (``postgresql+psycopg://…``); the same tests run
on both. Its schema is built by the Alembic migrations, as in production.

Each test runs inside one outer transaction on one connection that is rolled
back at the end. The test's own ``dbsession`` and every request the app
serves use SAVEPOINTs inside it: a request still commits (releases its
savepoint) or aborts (rolls back to it) exactly as pyramid_tm decides, and
nothing outlives the test.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
import webtest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bench.seaweed import CREDENTIALS, REGION, SeaweedServer
from cms import main
from cms.blobstore import store_for_url
from cms.counts import CHILD_COUNTS
from cms.db import get_engine
from cms.migrations import upgrade
from cms.observability.metrics import COUNTED_STATEMENT
from cms.page_cache import PAGE_CACHE
from cms.site import ensure_root
from cms.storage import BlobStore

# A developer's CMS_DATABASE_URL must never point the tests at a real site.
os.environ.pop("CMS_DATABASE_URL", None)
os.environ.pop("CMS_PUBLIC_URL", None)
os.environ.pop("CMS_SECRET", None)
os.environ.pop("CMS_BLOB_DIR", None)

TEST_DATABASE_VARIABLE = "CMS_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """The run's database; each pytest-xdist worker (``gw0``…) has its own."""
    url = os.environ.get(TEST_DATABASE_VARIABLE)
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    if worker_id == "master":
        return url
    return worker_database(url, f"cms_test_{worker_id}")


def worker_database(url, name):
    """Return the URL of database *name* on *url*'s server, made empty."""
    server = make_url(url)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app_settings(database_url, tmp_path_factory):
    return {
        "sqlalchemy.url": database_url,
        "cms.blob_dir": str(tmp_path_factory.mktemp("blobs")),
        "cms.secret": "test-secret-" + "x" * 40,
        "cms.secure_cookies": "false",
        # Throttling is tested; the waits it adds are not.
        "cms.login_slowdown": "0",
    }


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory, worker_id):
    """A SeaweedFS S3 server for this worker, with its bucket; stopped at the end.

    The AWS_* variables boto3 reads point at it for the whole run.
    """
    server = SeaweedServer(tmp_path_factory.mktemp("seaweedfs")).start()
    saved = {name: os.environ.get(name) for name in (*CREDENTIALS, "AWS_REGION")}
    os.environ.update({**CREDENTIALS, "AWS_REGION": REGION})
    try:
        server.bucket_name = server.bucket(f"cms-test-{worker_id}")
        yield server
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def s3_settings(s3_server):
    """``s3_settings()``: the settings of a site on a new prefix of the bucket."""

    def make():
        prefix = uuid.uuid4().hex[:12]
        return {
            "cms.blob_url": f"s3://{s3_server.bucket_name}/{prefix}",
            "cms.s3_endpoint": s3_server.endpoint,
        }

    return make


@pytest.fixture
def site_blobs(request, site_backend):
    """``site_blobs(folder)``: ``(ini lines, store)`` of a scratch site's blobs.

    The folder, unless the test is parametrized with ``site_backend`` "s3"
    (``@pytest.mark.parametrize("site_backend", ["local", "s3"],
    indirect=True)``): then a prefix of its own in the run's bucket.
    """
    s3 = site_backend == "s3"
    make_settings = request.getfixturevalue("s3_settings") if s3 else None

    def make(folder):
        if make_settings is None:
            return "", BlobStore(folder)
        settings = make_settings()
        lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
        return lines, store_for_url(
            settings["cms.blob_url"], settings["cms.s3_endpoint"]
        )

    return make


@pytest.fixture
def site_backend(request):
    """The blob store of ``site_blobs``: "local" unless parametrized."""
    return getattr(request, "param", "local")


@pytest.fixture(scope="module", params=["local", "s3"])
def blob_backend(request):
    """Which blob store the module's ``backend_app`` uses: the folder or S3."""
    return request.param


@pytest.fixture(scope="module")
def backend_app(blob_backend, app_settings, dbengine, request):
    """The app on the ``blob_backend`` store: for modules that test both.

    A module says ``app = backend_app_fixture`` to run all its tests twice.
    """
    settings = dict(app_settings)
    if blob_backend == "s3":
        settings.update(request.getfixturevalue("s3_settings")())
    app = main({}, **settings)
    yield app
    app.registry["dbengine"].dispose()


@pytest.fixture(scope="session")
def dbengine(app_settings):
    engine = get_engine(app_settings)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(app_settings, dbengine):
    app = main({}, **app_settings)
    yield app
    app.registry["dbengine"].dispose()


@pytest.fixture
def connection(dbengine):
    connection = dbengine.connect()
    outer = connection.begin()
    yield connection
    if outer.is_active:
        outer.rollback()
    connection.close()


@pytest.fixture
def session_factory(connection):
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )


@pytest.fixture
def dbsession(session_factory):
    session = session_factory()
    yield session
    session.close()


@pytest.fixture(scope="session")
def cached_app(app_settings, dbengine):
    """The app with the anonymous page cache on (``cms.page_cache``)."""
    app = main({}, **{**app_settings, "cms.page_cache": "true"})
    yield app
    app.registry["dbengine"].dispose()


@contextmanager
def serving_in(app, session_factory):
    """Yield a WebTest app whose requests run inside the test's transaction.

    The page cache and the kept counts, when on, start empty: what a test
    kept would answer the next one, whose site is another at the same
    (rolled back) generation.
    """
    original = app.registry["dbsession_factory"]
    app.registry["dbsession_factory"] = session_factory
    for kept in (PAGE_CACHE, CHILD_COUNTS):
        if kept in app.registry:
            app.registry[kept].clear()
    try:
        yield webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    finally:
        app.registry["dbsession_factory"] = original


@pytest.fixture
def testapp(app, session_factory):
    """A WebTest app whose requests run inside the test's transaction."""
    with serving_in(app, session_factory) as client:
        yield client


@pytest.fixture
def cached_testapp(cached_app, session_factory):
    """:func:`testapp` with the anonymous page cache on."""
    with serving_in(cached_app, session_factory) as client:
        yield client


@pytest.fixture
def root(dbsession):
    return ensure_root(dbsession)


@pytest.fixture
def count_queries(dbengine):
    """``with count_queries() as statements:`` collects the SQL run inside.

    Only statements that read or write rows count; BEGIN, SAVEPOINT and the
    like are bookkeeping.
    """

    @contextmanager
    def counter():
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if COUNTED_STATEMENT.match(statement):
                statements.append(statement)

        event.listen(dbengine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(dbengine, "before_cursor_execute", record)

    return counter
