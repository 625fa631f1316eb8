"""Search: each index row's words kept in the row, its text out of the way.

A search of a common word ranks every node that holds it, so it reads the
``document`` (``tsvector``) of thousands of rows. Stored as PostgreSQL does
by default, a document of a page of text goes to the TOAST table, and each
one costs a look-up there, twice (to match, then to rank). ``STORAGE MAIN``
keeps it in the row itself (out of line only when the row could not hold
it otherwise); the plain text, read only for the batch's snippets, is moved
out of the row instead (``EXTERNAL``), so that rows stay narrow. The
existing rows are written again to take the new storage. Nothing changes
on SQLite, whose FTS5 table holds its own copy of the words.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: column → (storage from now on, storage before).
_STORAGE = {"document": ("MAIN", "EXTENDED"), "body": ("EXTERNAL", "EXTENDED")}


def _set_storage(which):
    for column, storages in _STORAGE.items():
        op.execute(
            f"ALTER TABLE search_index ALTER COLUMN {column} "
            f"SET STORAGE {storages[which]}"
        )
    # A value the row already points to keeps its place: new values (equal
    # to the old ones, through their text) are placed by the new storage.
    op.execute(
        "UPDATE search_index SET document = document::text::tsvector, body = body || ''"
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _set_storage(0)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _set_storage(1)
