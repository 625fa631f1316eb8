"""Revisions and drafts: what a node was, and what it will be when published.

The node row always holds the live content, the one readers get. Saving a
node that is not published changes the row; saving a published one leaves
the row alone and records the new content as the newest revision, its draft
(``has_draft``), until ``publish`` makes it live. Either way every save and
every transition adds a revision, numbered 1, 2, … per node.
"""

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from cms.models import Node, Revision
from cms.models.meta import utcnow
from cms.schemas import SNAPSHOT
from cms.services.caller import Caller
from cms.workflow import PUBLISHED

Content = dict[str, Any]


def snapshot(node: Node) -> Content:
    """Return the node's live content fields."""
    return {name: getattr(node, name) for name in SNAPSHOT[node.type]}


def latest_revision(dbsession: Session, node: Node) -> Revision | None:
    return dbsession.scalars(
        select(Revision)
        .where(Revision.node_id == node.id)
        .order_by(Revision.version.desc())
        .limit(1)
    ).one_or_none()


def get_revision(dbsession: Session, node: Node, version: int) -> Revision | None:
    return dbsession.scalars(
        select(Revision).where(Revision.node_id == node.id, Revision.version == version)
    ).one_or_none()


def working_copy(dbsession: Session, node: Node) -> Content:
    """Return the content an editor works on: the draft, else the live one."""
    if node.has_draft:
        revision = latest_revision(dbsession, node)
        if revision is not None:
            return {**snapshot(node), **revision.data}
    return snapshot(node)


def record(
    dbsession: Session,
    caller: Caller,
    node: Node,
    comment: str,
    changed: list[str],
    data: Content | None = None,
) -> Revision:
    """Add the node's next revision, holding *data* (default: live content)."""
    dbsession.flush()
    number = dbsession.scalar(
        select(func.coalesce(func.max(Revision.version), 0) + 1).where(
            Revision.node_id == node.id
        )
    )
    revision = Revision(
        node_id=node.id,
        version=number,
        author_id=caller.user_id,
        author_login=caller.login,
        comment=comment,
        data=snapshot(node) if data is None else data,
        changed=sorted(changed),
    )
    dbsession.add(revision)
    return revision


def record_new(
    dbsession: Session,
    caller: Caller,
    node_ids: Sequence[int],
    contents: Sequence[Content],
    comments: Sequence[str],
) -> None:
    """Add revision 1 of nodes just inserted, holding *contents* (one statement).

    For nodes written in bulk (:mod:`cms.models.copying`): :func:`record`
    would cost two statements a node.
    """
    now = utcnow()
    rows = [
        {
            "node_id": node_id,
            "version": 1,
            "author_id": caller.user_id,
            "author_login": caller.login,
            "created": now,
            "comment": comment,
            "data": content,
            "changed": sorted(content),
        }
        for node_id, content, comment in zip(node_ids, contents, comments, strict=True)
    ]
    if rows:
        # The table: an ORM bulk INSERT may batch rows into several statements.
        dbsession.execute(insert(cast(Table, Revision.__table__)), rows)


def save_content(
    dbsession: Session, caller: Caller, node: Node, values: Content, comment: str
) -> Revision | None:
    """Save *values* (content fields) as the node's new content.

    A published node keeps its live content and gets a draft; any other node
    changes at once. Returns the revision, or ``None`` when nothing changed.
    """
    base = working_copy(dbsession, node)
    changed = [name for name, value in values.items() if base.get(name) != value]
    if not changed:
        return None
    content = {**base, **values}
    if node.state == PUBLISHED:
        node.has_draft = True
        # The row changes too (has_draft, modified): its version moves on,
        # so that a stale If-Match is caught.
        node.modified = utcnow()
    else:
        for name, value in values.items():
            setattr(node, name, value)
    return record(dbsession, caller, node, comment, changed, content)


def make_live(dbsession: Session, node: Node) -> None:
    """Copy the draft, if any, onto the node's live content."""
    if not node.has_draft:
        return
    revision = latest_revision(dbsession, node)
    for name in SNAPSHOT[node.type]:
        if revision is not None and name in revision.data:
            setattr(node, name, revision.data[name])
    node.has_draft = False
