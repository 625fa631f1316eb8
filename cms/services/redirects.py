"""Old URLs of moved nodes: where a path has gone.

A move leaves a redirect from the node's old path; a node that comes to live
at a path drops the redirects from it (and, for a subtree, from below it).
The longest recorded prefix of a missing path wins: ``/old/a/b/@@edit``
follows a redirect from ``/old/`` to wherever that node is now.
"""

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from cms.models import Node, Redirect
from cms.models.tree import subtree_bounds


def remember_move(dbsession: Session, old_path: str, node: Node) -> None:
    """Record that *node*, now at its new path, used to live at *old_path*.

    Two statements, however big the subtree: its one redirect covers every
    path below *old_path* too (the longest prefix wins).
    """
    # An older redirect from the old path gives way to this one, and what
    # used to redirect to where the subtree now is, no longer does.
    low, high = subtree_bounds(node.path)
    _delete(
        dbsession,
        or_(
            Redirect.path == old_path, and_(Redirect.path >= low, Redirect.path < high)
        ),
    )
    dbsession.add(Redirect(path=old_path, node_id=node.id))


def forget(dbsession: Session, path: str, subtree: bool = False) -> None:
    """Drop redirects from *path* (and below it): something lives there now."""
    if subtree:
        low, high = subtree_bounds(path)
        _delete(dbsession, and_(Redirect.path >= low, Redirect.path < high))
    else:
        _delete(dbsession, Redirect.path == path)


def _delete(dbsession: Session, where: ColumnElement[bool]) -> None:
    query = delete(Redirect).where(where)
    dbsession.execute(query.execution_options(synchronize_session=False))


def longest_redirect(dbsession: Session, prefixes: list[str]) -> Redirect | None:
    """Return the redirect from the longest of *prefixes*, or ``None`` (one query)."""
    if not prefixes:
        return None
    found = dbsession.scalars(select(Redirect).where(Redirect.path.in_(prefixes))).all()
    return max(found, key=lambda item: len(item.path)) if found else None
