"""Copies of a subtree, written in a number of statements that does not grow.

A copy of a thousand nodes written node by node through the ORM costs
thousands of statements (a name check, a position, an INSERT per table, per
node). Here the subtree is read in two queries (its nodes, their local
roles), the new ids are taken in one, and the copies go in with one
executemany per table: the same rows, whatever the subtree's size.

Only what the tree's rules need is checked again: the names below the top
copy are the originals', free by construction under parents that are
themselves new.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, inspect, select
from sqlalchemy.orm import Session, attributes

from cms.models.node import Node
from cms.models.sharing import LocalRole
from cms.models.tree import subtree_bounds

Values = dict[str, Any]


def load_subtree(session: Session, top: Node) -> list[Node]:
    """Return *top* and the nodes below it in path order, with their local roles.

    Two queries, whatever the size (a ``selectinload`` would take one per
    500 nodes). Parents come before their children.
    """
    low, high = subtree_bounds(top.path)
    nodes = list(
        session.scalars(
            select(Node).where(Node.path >= low, Node.path < high).order_by(Node.path)
        )
    )
    table = Node.__table__
    grants: dict[int, list[LocalRole]] = defaultdict(list)
    for grant in session.scalars(
        select(LocalRole)
        .join(table, table.c.id == LocalRole.node_id)
        .where(table.c.path >= low, table.c.path < high)
        .order_by(LocalRole.id)
    ):
        grants[grant.node_id].append(grant)
    by_id = {node.id: node for node in nodes}
    for node in nodes:
        loaded = inspect(node).dict
        if "local_roles" not in loaded:
            attributes.set_committed_value(node, "local_roles", grants[node.id])
        # Permission checks walk up to the root: each step a dict lookup.
        if "parent" not in loaded and node.parent_id in by_id:
            attributes.set_committed_value(node, "parent", by_id[node.parent_id])
    return nodes


def new_ids(session: Session, count: int) -> list[int]:
    """Take *count* ids for new nodes (one query).

    PostgreSQL hands them out from the column's sequence, so concurrent adds
    never take the same ones. SQLite has no sequence: the ids after the
    highest one are free, since a writer holds the whole database.
    """
    if session.get_bind().dialect.name == "postgresql":
        query = select(
            func.nextval(func.pg_get_serial_sequence("nodes", "id"))
        ).select_from(func.generate_series(1, count))
        return sorted(session.scalars(query))
    highest = session.execute(
        select(func.coalesce(func.max(Node.__table__.c.id), 0))
    ).scalar_one()
    return list(range(highest + 1, highest + 1 + count))


def insert_copies(
    session: Session,
    originals: Sequence[Node],
    contents: Sequence[Values],
    parent: Node,
    name: str,
    position: int,
    fixed: Values,
    now: datetime,
) -> list[int]:
    """Insert copies of *originals* (a subtree, its top first) and return their ids.

    The top copy goes under *parent* as *name* at *position*; each other one
    under the copy of its original's parent, with its original's name and
    position. *contents* are the content fields of each copy, *fixed* the
    node columns all copies share (state, owner). One executemany per table.
    """
    ids = new_ids(session, len(originals))
    copy_of = {original.id: ids[index] for index, original in enumerate(originals)}
    top = originals[0]
    top_path = f"{parent.path}{name}/"
    # {(depth of the table in its type's inheritance, table, columns): rows}
    rows: dict[tuple[int, Table, tuple[str, ...]], list[Values]] = defaultdict(list)
    for original, content, new_id in zip(originals, contents, ids, strict=True):
        is_top = original is top
        row = {
            "id": new_id,
            "uid": uuid.uuid4(),
            "parent_id": parent.id if is_top else copy_of[original.parent_id or 0],
            "name": name if is_top else original.name,
            "path": top_path + original.path[len(top.path) :],
            "position": position if is_top else original.position,
            "type": original.type,
            "effective": None,
            "expires": None,
            "created": now,
            "modified": now,
            "version": 1,
            "has_draft": False,
            "inherit_roles": True,
            **fixed,
        }
        for depth, table in enumerate(_tables(type(original))):
            values = row if depth == 0 else {"id": new_id}
            values.update(
                (column.name, content[column.name])
                for column in table.columns
                if column.name in content
            )
            rows[depth, table, tuple(sorted(values))].append(values)
    # A table's rows refer to those of the table before it: those go first.
    for (_depth, table, _columns), batch in sorted(
        rows.items(), key=lambda item: item[0][0]
    ):
        session.execute(insert(table), batch)
    return ids


def _tables(cls: type[Node]) -> list[Table]:
    """The tables of *cls* from ``nodes`` down (``nodes``, ``files``, ``images``)."""
    mappers = reversed(list(inspect(cls).iterate_to_root()))
    return [mapper.local_table for mapper in mappers]
