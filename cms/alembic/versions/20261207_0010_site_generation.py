"""The site's generation (one row, changed by every write) and the schedule's
moments indexed, for the anonymous page cache.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    generation = op.create_table(
        "site_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_site_generation_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_generation")),
    )
    op.bulk_insert(generation, [{"id": 1, "value": 0}])
    op.create_index("ix_nodes_effective", "nodes", ["effective"])
    op.create_index("ix_nodes_expires", "nodes", ["expires"])


def downgrade():
    op.drop_index("ix_nodes_expires", table_name="nodes")
    op.drop_index("ix_nodes_effective", table_name="nodes")
    op.drop_table("site_generation")
