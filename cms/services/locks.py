"""What a write holds before it checks anything: one way for every service.

A request loads the nodes it is about (traversal) before it writes, without
locks, so another writer may commit between the load and the write. Every
service therefore begins with :func:`claim`: it takes the tree lock when the
change alters the tree's shape, then the rows of the nodes it writes (see
:mod:`cms.models.treelock`), and only then checks permissions, ``If-Match``
and its rules, on nodes that nobody else can change until it commits.

A node that was deleted, moved or changed meanwhile raises
:class:`~.errors.Gone` or :class:`~.errors.ChangedMeanwhile`, which replay
the request: its second run meets the tree as the other writer left it, so
the answer is the one it would give had it come second (404, 412, 400...),
never a 500.
"""

from collections.abc import Iterable
from typing import Literal

from sqlalchemy.orm import Session

from cms.models import Node
from cms.models.tree import NodeGone, TreeError
from cms.models.treelock import hold_nodes, hold_tree
from cms.services.errors import ChangedMeanwhile, Gone

#: ``"shape"`` for moves, renames and deletes, ``"add"`` for adds and copies.
TreeLock = Literal["shape", "add"] | None


def claim(dbsession: Session, nodes: Iterable[Node], tree: TreeLock = None) -> None:
    """Lock the tree (if *tree*) and the rows of *nodes*; refuse changed ones."""
    nodes = list(nodes)
    try:
        if tree is not None:
            hold_tree(dbsession, nodes, shared=tree == "add")
        if tree != "add":
            hold_nodes(dbsession, nodes)
    except TreeError as error:
        raise lost_race(error) from None


def lost_race(error: TreeError) -> Gone | ChangedMeanwhile:
    """The service error for a node that another writer changed first."""
    if isinstance(error, NodeGone):
        return Gone(str(error))
    return ChangedMeanwhile(str(error))
