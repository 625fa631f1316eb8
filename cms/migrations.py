"""Run the Alembic migrations from Python (``initialize_cms_db``, the tests)."""

from alembic import command
from alembic.config import Config

SCRIPT_LOCATION = "cms:alembic"


def alembic_config(connection=None):
    """Return an Alembic config for our scripts, bound to *connection*."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def upgrade(engine, revision="head"):
    """Migrate the database behind *engine* to *revision*, in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine):
    """Return the database's Alembic revision, or ``None`` before any."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
