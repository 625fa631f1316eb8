"""Alembic environment: migrate the database named by the app's ini file.

Callers that already hold a connection (``initialize_cms_db``, the tests)
pass it in ``config.attributes["connection"]``.
"""

from alembic import context
from pyramid.paster import get_appsettings, setup_logging

from cms.db import get_engine
from cms.migrations import include_name, migration_connection
from cms.models.meta import Base
from cms.settings import load_settings

config = context.config
target_metadata = Base.metadata


def run_migrations(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def main():
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    setup_logging(config.config_file_name)
    settings = load_settings(get_appsettings(config.config_file_name))
    engine = get_engine(settings)
    with migration_connection(engine) as connection:
        run_migrations(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run them online.")
main()
