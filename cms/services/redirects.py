"""Old URLs of moved nodes: where a path has gone.

A move leaves a redirect from the node's old path; a node that comes to live
at a path drops the redirects from it (and, for a subtree, from below it).
The longest recorded prefix of a missing path wins: ``/old/a/b/@@edit``
follows a redirect from ``/old/`` to wherever that node is now.
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cms.models import Node, Redirect
from cms.models.tree import subtree_bounds


def remember_move(dbsession: Session, old_path: str, node: Node) -> None:
    """Record that *node*, now at its new path, used to live at *old_path*."""
    forget(dbsession, old_path)
    dbsession.add(Redirect(path=old_path, node_id=node.id))
    # What used to redirect to where the node now is, no longer does.
    forget(dbsession, node.path, subtree=True)


def forget(dbsession: Session, path: str, subtree: bool = False) -> None:
    """Drop redirects from *path* (and below it): something lives there now."""
    query = delete(Redirect)
    if subtree:
        low, high = subtree_bounds(path)
        query = query.where(Redirect.path >= low, Redirect.path < high)
    else:
        query = query.where(Redirect.path == path)
    dbsession.execute(query.execution_options(synchronize_session=False))


def longest_redirect(dbsession: Session, prefixes: list[str]) -> Redirect | None:
    """Return the redirect from the longest of *prefixes*, or ``None`` (one query)."""
    if not prefixes:
        return None
    found = dbsession.scalars(select(Redirect).where(Redirect.path.in_(prefixes))).all()
    return max(found, key=lambda item: len(item.path)) if found else None
