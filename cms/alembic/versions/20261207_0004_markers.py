"""Markers: things done once to a site (the demo tree added).

A site whose root already holds a page of the demo got it from an earlier
``initialize_cms_db --demo``: it is marked, so that the next run does not
put back the demo pages its editors deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from cms.models.meta import UTCDateTime, utcnow

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: The names of the demo's top-level nodes, as the demo had them then.
DEMO_NAMES = ("getting-started", "about", "news")


def upgrade():
    markers = op.create_table(
        "markers",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_markers")),
    )
    nodes = sa.table("nodes", sa.column("path", sa.String()))
    connection = op.get_bind()
    demo_paths = [f"/{name}/" for name in DEMO_NAMES]
    had_demo = connection.execute(
        sa.select(sa.func.count())
        .select_from(nodes)
        .where(nodes.c.path.in_(demo_paths))
    ).scalar()
    if had_demo:
        op.bulk_insert(markers, [{"name": "demo", "created": utcnow()}])


def downgrade():
    op.drop_table("markers")
