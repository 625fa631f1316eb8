"""The migrations build exactly the schema the models describe."""

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from cms.migrations import alembic_config, current_revision, include_name
from cms.models.meta import Base


def test_database_is_at_the_newest_revision(dbengine):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(dbengine) == head


def test_models_and_migrations_agree(connection):
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    assert compare_metadata(context, Base.metadata) == []


def test_upgrading_a_populated_database_loses_nothing(database_url, tmp_path):
    """Table copies on SQLite must not cascade-delete the tree."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from cms.db import get_engine
    from cms.migrations import upgrade

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = get_engine({"sqlalchemy.url": f"sqlite:///{tmp_path / 'old.sqlite'}"})
        schema = None
    else:
        schema = f"old_{uuid.uuid4().hex[:10]}"
        run_on_server(database_url, f'CREATE SCHEMA "{schema}"')
        scratch = url.update_query_dict({"options": f"-csearch_path={schema}"})
        engine = get_engine(
            {"sqlalchemy.url": scratch.render_as_string(hide_password=False)}
        )
    try:
        upgrade(engine, "0001")
        now = "2026-01-01 00:00:00"
        with engine.begin() as connection:
            for number, (parent, name, path) in enumerate(
                [(None, "", "/"), (1, "a", "/a/"), (2, "b", "/a/b/")], start=1
            ):
                connection.execute(
                    text(
                        "INSERT INTO nodes (id, uid, parent_id, name, path, position,"
                        " type, title, description, state, created, modified, version)"
                        " VALUES (:id, :uid, :parent, :name, :path, 0, 'Document', 'T',"
                        " '', 'published', :now, :now, 1)"
                    ),
                    {
                        "id": number,
                        "uid": uuid.uuid4().hex,
                        "parent": parent,
                        "name": name,
                        "path": path,
                        "now": now,
                    },
                )
                connection.execute(
                    text("INSERT INTO documents (id, body) VALUES (:id, 'x')"),
                    {"id": number},
                )
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM nodes")).scalar() == 3
            assert (
                connection.execute(text("SELECT count(*) FROM documents")).scalar() == 3
            )
    finally:
        engine.dispose()
        if schema:
            run_on_server(database_url, f'DROP SCHEMA "{schema}" CASCADE')


def run_on_server(url, statement):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
