"""The tree: nodes (adjacency list plus materialized path) and documents.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from cms.models.meta import UTCDateTime
from cms.models.tree import PATH_TYPE

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("path", PATH_TYPE, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.Column("modified", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(parent_id IS NULL) = (path = '/')",
            name=op.f("ck_nodes_root_has_no_parent"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["nodes.id"],
            name=op.f("fk_nodes_parent_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nodes")),
        sa.UniqueConstraint("parent_id", "name", name="uq_nodes_parent_id_name"),
        sa.UniqueConstraint("path", name=op.f("uq_nodes_path")),
        sa.UniqueConstraint("uid", name=op.f("uq_nodes_uid")),
    )
    op.create_index(
        "ix_nodes_parent_id_position",
        "nodes",
        ["parent_id", "position", "id"],
        unique=False,
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"],
            ["nodes.id"],
            name=op.f("fk_documents_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )


def downgrade():
    op.drop_table("documents")
    op.drop_index("ix_nodes_parent_id_position", table_name="nodes")
    op.drop_table("nodes")
