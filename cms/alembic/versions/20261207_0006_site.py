"""The site: its settings (one row) and the bodies of folders.

Every existing Folder gets its row in ``folders`` with an empty body, so that
it loads and saves like a new one.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "folders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["nodes.id"], name=op.f("fk_folders_id_nodes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_folders")),
    )
    nodes = sa.table("nodes", sa.column("id", sa.Integer()), sa.column("type"))
    folders = sa.table("folders", sa.column("id"), sa.column("body"))
    op.execute(
        folders.insert().from_select(
            ["id", "body"],
            sa.select(nodes.c.id, sa.literal("")).where(nodes.c.type == "Folder"),
        )
    )
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("logo", sa.Uuid(), nullable=True),
        sa.Column("footer", sa.Text(), nullable=False),
        sa.Column("navigation_depth", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_site_settings_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_settings")),
    )


def downgrade():
    op.drop_table("site_settings")
    op.drop_table("folders")
