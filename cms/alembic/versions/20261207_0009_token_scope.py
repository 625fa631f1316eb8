"""API tokens get a scope: ``write`` (everything the user may do) or ``read``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "api_tokens",
        sa.Column("scope", sa.String(10), nullable=False, server_default="write"),
    )


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
