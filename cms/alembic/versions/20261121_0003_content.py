"""Content: revisions and drafts, redirects after moves, files and images.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from cms.models.meta import UTCDateTime
from cms.models.tree import PATH_TYPE

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blob_key", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["nodes.id"], name=op.f("fk_files_id_nodes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_files_blob_key"), ["blob_key"], unique=False
        )

    op.create_table(
        "redirects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", PATH_TYPE, nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["nodes.id"],
            name=op.f("fk_redirects_node_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redirects")),
        sa.UniqueConstraint("path", name=op.f("uq_redirects_path")),
    )
    with op.batch_alter_table("redirects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_redirects_node_id"), ["node_id"], unique=False
        )

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_login", sa.String(length=64), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["nodes.id"],
            name=op.f("fk_revisions_node_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
        sa.UniqueConstraint("node_id", "version", name="uq_revisions_node_id_version"),
    )
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("scales", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["files.id"], name=op.f("fk_images_id_files"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
    )
    with op.batch_alter_table("nodes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "has_draft", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("nodes", schema=None) as batch_op:
        batch_op.drop_column("has_draft")

    op.drop_table("images")
    op.drop_table("revisions")
    with op.batch_alter_table("redirects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redirects_node_id"))

    op.drop_table("redirects")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_blob_key"))

    op.drop_table("files")
