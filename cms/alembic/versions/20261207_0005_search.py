"""Search: the full-text index of the text readers see.

``search_index`` has a row per node (deleted with it). SQLite indexes it with
the FTS5 table ``search_fts`` (external content, kept in step by triggers;
``unicode61`` without folding accents, so that both databases match the same
words); PostgreSQL keeps the words in a ``tsvector`` column with a GIN index.
The words are found by :mod:`cms.search.text` and given to PostgreSQL as
lexemes as they are (no text search configuration, so no stemming and no
stop words: content may be in any language, and a word is found as typed).
Existing content is indexed here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FTS5 = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, description, body, files,
    content='search_index', content_rowid='node_id',
    tokenize='unicode61 remove_diacritics 0'
)
"""
_TRIGGERS = (
    """CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN
        INSERT INTO search_fts(rowid, title, description, body, files)
        VALUES (new.node_id, new.title, new.description, new.body, new.files);
    END""",
    """CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, description, body, files)
        VALUES ('delete', old.node_id, old.title, old.description, old.body,
                old.files);
    END""",
    """CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, description, body, files)
        VALUES ('delete', old.node_id, old.title, old.description, old.body,
                old.files);
        INSERT INTO search_fts(rowid, title, description, body, files)
        VALUES (new.node_id, new.title, new.description, new.body, new.files);
    END""",
)


def upgrade():
    dialect = op.get_bind().dialect.name
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
    ]
    if dialect == "postgresql":
        columns.append(sa.Column("document", postgresql.TSVECTOR(), nullable=False))
    op.create_table(
        "search_index",
        *columns,
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["nodes.id"],
            name=op.f("fk_search_index_node_id_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_search_index")),
    )
    if dialect == "postgresql":
        op.create_index(
            "ix_search_index_document",
            "search_index",
            ["document"],
            postgresql_using="gin",
        )
    else:
        op.execute(_FTS5)
        for trigger in _TRIGGERS:
            op.execute(trigger)
    _index_existing(op.get_bind())


def _index_existing(connection):
    from cms.search.index import write
    from cms.search.text import visible_text

    rows = connection.execute(
        sa.text(
            "SELECT nodes.id, nodes.title, nodes.description, documents.body,"
            " files.filename FROM nodes"
            " LEFT JOIN documents ON documents.id = nodes.id"
            " LEFT JOIN files ON files.id = nodes.id"
        )
    )
    batch = []
    for row in rows:
        batch.append(
            {
                "node_id": row.id,
                "title": row.title or "",
                "description": row.description or "",
                "body": visible_text(row.body),
                "files": row.filename or "",
            }
        )
        if len(batch) == 500:
            write(connection, batch)
            batch = []
    write(connection, batch)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_index_ai", "search_index_ad", "search_index_au"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_index")
