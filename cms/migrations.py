"""Run the Alembic migrations from Python (``initialize_cms_db``, the tests).

On SQLite, Alembic alters a table by copying it into a new one and dropping
the old; with foreign keys enforced, dropping ``nodes`` would cascade to
every row that refers to it. So foreign keys are switched off while
migrations run (SQLite only allows that outside a transaction) and checked
afterwards.
"""

from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

SCRIPT_LOCATION = "cms:alembic"


def include_name(name, type_, parent_names):
    """Whether Alembic compares *name* with the models.

    The search index's tables are made by raw SQL in their migration (FTS5 on
    SQLite, a ``tsvector`` column on PostgreSQL) and mapped by no model.
    """
    return type_ != "table" or not (
        name == "search_index" or name.startswith("search_fts")
    )


def alembic_config(connection=None):
    """Return an Alembic config for our scripts, bound to *connection*."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


@contextmanager
def migration_connection(engine):
    """Yield a connection to migrate with, in one transaction that commits."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Before any BEGIN: inside a transaction SQLite ignores it.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql(
                        "PRAGMA foreign_key_check"
                    ).all()
                    if broken:
                        raise RuntimeError(
                            f"migration broke foreign keys: {broken[:5]}"
                        )
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def upgrade(engine, revision="head"):
    """Migrate the database behind *engine* to *revision*, in one transaction."""
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine):
    """Return the database's Alembic revision, or ``None`` before any."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
