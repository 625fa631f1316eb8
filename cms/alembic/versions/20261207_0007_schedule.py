"""The schedule: when each node is shown to readers, and until when.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from cms.models.meta import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("nodes", sa.Column("effective", UTCDateTime(), nullable=True))
    op.add_column("nodes", sa.Column("expires", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("nodes") as batch:
        batch.drop_column("expires")
        batch.drop_column("effective")
