"""The tree lock: changes of the tree's shape happen one at a time.

A change of shape reads paths before it writes them: is the target inside
the node? which rows are the subtree? where does a new child go? Two of them
at once, each reading the tree as it was before the other committed, could
both pass their checks and then write: opposite moves made a cycle, and a
node added into a subtree while that subtree moved kept its old path.

So every add, copy, move, rename and delete first takes the tree lock, held
until its transaction ends. The lock is the root's row:

- moves, renames and deletes rewrite or remove existing paths: they lock it
  ``FOR NO KEY UPDATE`` and run one at a time;
- adds and copies only add rows below existing ones: they lock it
  ``FOR SHARE``, so they run together, but never beside a move or a delete.

A request loads its nodes before it takes the lock, so once the lock is held
the nodes it loaded are compared with the database, in one query: changing
a node that was deleted meanwhile raises :class:`~cms.models.tree.NodeGone`,
one whose path changed meanwhile :class:`~cms.models.tree.NodeMoved`, as
what the caller decided from it may no longer hold. Nodes loaded once the
lock is held are current: no other change of shape can come between.

A write to a node's own row (an edit, a workflow transition, sharing, a
revert, a reorder) takes that row's lock, ``FOR NO KEY UPDATE``, before it
checks anything (:func:`hold_nodes`): once held, nobody else can change,
move or delete the node until the transaction ends, and the row is compared
with what the request loaded: gone, moved or a newer version raises
:class:`~cms.models.tree.NodeGone`, :class:`~cms.models.tree.NodeMoved` or
:class:`~cms.models.tree.NodeChanged`. Locks are always taken in the same
order, the tree lock first, then node rows by id, so that two writers never
wait for each other in a cycle.

SQLite has no row locks, and needs none: a writing request holds the
database's write lock from its first statement (``BEGIN IMMEDIATE``, see
:mod:`cms.db`), so the comparison finds nothing changed there.
"""

from dataclasses import dataclass, field

from sqlalchemy import inspect, select
from sqlalchemy.orm import SessionTransaction

from cms.models.tree import NodeChanged, NodeGone, NodeMoved

#: Where a session keeps what it holds (see :class:`Held`).
INFO_KEY = "cms.tree_lock"
#: Node ids compared per query (SQLite bounds the parameters of a statement).
CHUNK = 500


@dataclass
class Held:
    """The lock a session took, in which transaction, and what had changed."""

    transaction: SessionTransaction
    exclusive: bool
    #: ``{node id: current path, or None when the node is gone}``.
    changed: dict = field(default_factory=dict)


def hold_tree(session, nodes=(), shared=False):
    """Take the tree lock unless held; raise if one of *nodes* changed meanwhile.

    *shared* is for changes that only add nodes. Taking the lock again in the
    same transaction costs no query.
    """
    held = session.info.get(INFO_KEY)
    if (
        held is None
        or not held.transaction.is_active
        or (not shared and not held.exclusive)
    ):
        held = _take(session, exclusive=not shared)
    _refuse_changed(held, nodes)


def _take(session, exclusive):
    from cms.models.node import Node

    # The table, not the class: its polymorphic outer joins cannot be locked.
    nodes = Node.__table__
    lock = select(nodes.c.id).where(nodes.c.parent_id.is_(None))
    # NO KEY UPDATE rather than UPDATE: a row that merely refers to the root
    # (a child's foreign key) need not wait for a move or a delete.
    session.execute(lock.with_for_update(read=not exclusive, key_share=exclusive))
    held = Held(
        session.get_nested_transaction() or session.get_transaction(),
        exclusive,
        _changed_since_loaded(session, Node),
    )
    session.info[INFO_KEY] = held
    return held


def _changed_since_loaded(session, node_class):
    """``{id: path or None}`` of the loaded nodes that differ from the database."""
    loaded = {}
    for obj in list(session.identity_map.values()):
        if isinstance(obj, node_class):
            state = inspect(obj)
            # An expired path would be loaded anew, hence current: skip it.
            if state.identity is not None and "path" in state.dict:
                loaded[state.identity[0]] = state.dict["path"]
    ids, nodes, current = list(loaded), node_class.__table__, {}
    for start in range(0, len(ids), CHUNK):
        query = select(nodes.c.id, nodes.c.path)
        chunk = ids[start : start + CHUNK]
        current.update(session.execute(query.where(nodes.c.id.in_(chunk))).all())
    return {
        node_id: current.get(node_id)
        for node_id, path in loaded.items()
        if current.get(node_id) != path
    }


def _refuse_changed(held, nodes):
    for node in nodes:
        identity = inspect(node).identity
        if identity is None or identity[0] not in held.changed:
            continue
        if held.changed[identity[0]] is None:
            raise NodeGone("This item was deleted meanwhile.")
        raise NodeMoved("This item was moved or renamed meanwhile: load it again.")


def hold_nodes(session, nodes):
    """Lock the rows of *nodes* for writing; raise if one is not as loaded.

    One query. A row that is gone raises ``NodeGone``, one whose path changed
    ``NodeMoved``, one with a newer version or another position among its
    siblings ``NodeChanged``: what the caller decided from the node it
    loaded may no longer hold.
    """
    from cms.models.node import Node

    loaded = {}
    for node in nodes:
        state = inspect(node)
        if state.identity is None:
            continue  # added in this transaction: nobody else can see it
        loaded[state.identity[0]] = state.dict
    if not loaded:
        return
    table = Node.__table__
    query = (
        select(table.c.id, table.c.path, table.c.version, table.c.position)
        .where(table.c.id.in_(sorted(loaded)))
        .order_by(table.c.id)
        .with_for_update(key_share=True)
    )
    current = {row.id: row for row in session.execute(query)}
    for node_id, values in loaded.items():
        row = current.get(node_id)
        if row is None:
            raise NodeGone("This item was deleted meanwhile.")
        if values.get("path", row.path) != row.path:
            raise NodeMoved("This item was moved or renamed meanwhile: load it again.")
        # Reordering rewrites positions without a new version: compare both.
        if (
            values.get("version", row.version) != row.version
            or values.get("position", row.position) != row.position
        ):
            raise NodeChanged("This item was changed meanwhile: load it again.")
