"""The search index: one row per node, written with the node it indexes.

``search_index`` holds the plain text readers see at the node's URL (its live
content: a draft is indexed when it is published, since only then does it
reach the node's row). On SQLite, triggers keep the FTS5 table
``search_fts`` in step with it; on PostgreSQL, the row's ``document``
column holds the words as a ``tsvector``. A row is deleted with its node
(``ON DELETE CASCADE``), and a move changes no text.

A session hook (:func:`_index_flushed`) rewrites the rows of the nodes a
flush added or whose text it changed, on the flush's own connection: the
index commits or rolls back with the content.
"""

import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    cast,
    column,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    table,
)
from sqlalchemy import inspect as inspect_
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session, UOWTransaction

from cms.models.node import Node
from cms.models.tree import subtree_bounds
from cms.search.query import tsvector
from cms.search.text import visible_text

#: The fields of a node that are indexed, and the column each goes to.
TEXT_FIELDS = ("title", "description", "body", "filename")

search_index = table(
    "search_index",
    column("node_id"),
    column("title"),
    column("description"),
    column("body"),
    column("files"),
    column("document"),
)


def index_values(node: Node) -> dict[str, Any]:
    """Return the index row of *node*: the text readers see."""
    return {
        "node_id": node.id,
        "title": node.title or "",
        "description": node.description or "",
        "body": visible_text(getattr(node, "body", "")),
        "files": getattr(node, "filename", "") or "",
    }


def write(connection: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Replace the index rows of the nodes in *rows* (see :func:`index_values`)."""
    rows = list(rows)
    if not rows:
        return
    connection.execute(
        delete(search_index).where(
            search_index.c.node_id.in_([row["node_id"] for row in rows])
        )
    )
    if connection.dialect.name == "postgresql":
        for row in rows:
            vector = tsvector(
                [
                    (row["title"], "A"),
                    (row["description"], "B"),
                    (row["files"], "B"),
                    (row["body"], "D"),
                ]
            )
            connection.execute(
                insert(search_index).values(**row, document=cast(vector, TSVECTOR))
            )
    else:
        connection.execute(insert(search_index), rows)


def copy_rows(connection: Connection, original_path: str, copy_path: str) -> None:
    """Index the copies of a subtree, now at *copy_path*, as their originals.

    A copy's live content is its original's, hence so is its index row: it
    is copied in the database, not made again from the text. One statement:
    SQLite's full-text index writes what each statement added when the
    statement ends, and a statement per row costs several times as much.
    """
    if not _has_index(connection):
        return
    names = ["title", "description", "body", "files"]
    if connection.dialect.name == "postgresql":
        names.append("document")
    nodes = Node.__table__
    copy, original = nodes.alias("copy"), nodes.alias("original")
    source = search_index.alias("source")
    low, high = subtree_bounds(copy_path)
    rest = func.substr(copy.c.path, len(copy_path) + 1)
    query = insert(search_index).from_select(
        ["node_id", *names],
        select(copy.c.id, *(source.c[name] for name in names))
        .join(original, original.c.path == literal(original_path) + rest)
        .join(source, source.c.node_id == original.c.id)
        .where(copy.c.path >= low, copy.c.path < high),
    )
    connection.execute(query)


def _text_changed(node: Node) -> bool:
    state = inspect_(node)
    return any(
        name in state.attrs and state.attrs[name].history.has_changes()
        for name in TEXT_FIELDS
    )


@event.listens_for(Session, "after_flush")
def _index_flushed(session: Session, flush_context: UOWTransaction) -> None:
    """Index the nodes this flush added or whose text it changed."""
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Node)
        and obj not in session.deleted
        and (obj in session.new or _text_changed(obj))
    ]
    if changed:
        connection = session.connection()
        if _has_index(connection):
            write(connection, [index_values(node) for node in changed])


#: Engines whose database has the index (once made, it stays).
_INDEXED: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _has_index(connection: Connection) -> bool:
    """Whether the database has the index: not before its migration (0005).

    Code that runs on an older schema (a migration's data step, a site being
    upgraded) writes no index; the migration indexes what is there.
    """
    engine = connection.engine
    if engine in _INDEXED:
        return True
    if inspect_(connection).has_table("search_index"):
        _INDEXED.add(engine)
        return True
    return False
