"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from cms.migrations import alembic_config, current_revision
from cms.models.meta import Base


def test_database_is_at_the_newest_revision(dbengine):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(dbengine) == head


def test_models_and_migrations_agree(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []
