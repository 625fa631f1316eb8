"""Reading with a token while another writer holds the database.

A token's ``last_used`` is written by the request that reads with it (at
most once a minute). On SQLite that reader's transaction cannot become a
writer while another one holds the lock; on PostgreSQL it waits for the
token's row. Either way the read answers 200: the time is only a hint.
"""

import threading

import pytest
import webtest
from sqlalchemy import select, text, update

from cms import db
from cms.db import BEGIN_IMMEDIATE
from cms.models import ApiToken
from tests.sites import served

#: SQLite gives up on a lock after this long here (5 s on a site).
BUSY_MS = 100


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    pragmas = [p for p in db.SQLITE_PRAGMAS if "busy_timeout" not in p]
    monkeypatch.setattr(
        db, "SQLITE_PRAGMAS", (*pragmas, f"PRAGMA busy_timeout={BUSY_MS}")
    )
    with served(database_url, tmp_path, monkeypatch) as (app, headers):
        yield app, headers


def hold_the_token(engine):
    """Another writer: the token's row (PostgreSQL), the database (SQLite)."""
    if engine.dialect.name == "postgresql":
        connection = engine.connect()
        connection.begin()
        query = select(ApiToken.id).with_for_update()
        connection.execute(query)
    else:
        connection = engine.connect().execution_options(**{BEGIN_IMMEDIATE: True})
        connection.begin()
        connection.execute(text("UPDATE api_tokens SET title = title"))
    return connection


def test_a_read_with_a_token_is_not_refused_for_its_last_use(site):
    app, headers = site
    engine = app.registry["dbengine"]
    with engine.begin() as connection:
        connection.execute(update(ApiToken).values(last_used=None))
    holder = hold_the_token(engine)
    # Released while the read waits on PostgreSQL; after it, on SQLite.
    release = threading.Timer(0.5, holder.close)
    release.start()
    try:
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        response = client.get("/", headers=headers, expect_errors=True)
    finally:
        release.join()
    assert response.status_int == 200, response.text
    # Once nobody holds the database, the next read writes it.
    client.get("/", headers=headers)
    with engine.connect() as connection:
        assert connection.scalar(select(ApiToken.last_used)) is not None
