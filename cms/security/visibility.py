"""What a caller may view, anywhere in the tree, as SQL: one rule for every door.

The rule for anonymous readers has one statement of a node's own part,
:func:`shown_here` (published and inside its schedule), and nothing else
restates it. Three query plans apply it with the ancestors, each shaped for
the door that uses it, and tests hold them to the same answers:

- :func:`public`: the node is in no subtree of a node not shown, the hidden
  subtrees gathered once per statement down ``parent_id`` (feeds, searches
  of the whole site, and a cost that follows the size of what is hidden);
- :func:`public_nodes`: the shown nodes walked top down from the root, or
  from the scope of a search whose lineage is known to be public (searches
  in a section);
- the sitemap walks paths in order and skips the range of a subtree whose
  top is not shown (:func:`cms.reader.sitemap.public_entries`).

For a logged-in caller, :func:`viewable_nodes` adds what they own and
:func:`granted_nodes`: nodes where they hold a view role, granted there or
inherited down through nodes that do not block inheritance; members of
``admins`` see all. Listings of one node's children, whose lineage is
loaded, are trimmed by :mod:`cms.security.trimming`. It all mirrors
:func:`cms.workflow.acl_for` and :func:`cms.security.roles.roles_on`; tests
hold search to the same answers as ``request.has_permission``.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import AliasedClass

from cms.models import LocalRole, Node
from cms.models.meta import utcnow
from cms.security.identity import Identity
from cms.workflow import PUBLISHED, VIEW_ROLES, is_public

_nodes = Node.__table__
_grants = LocalRole.__table__


def shown_here(node: Any = None, now: datetime | None = None) -> ColumnElement[bool]:
    """The node's own condition to be shown to anonymous readers (SQL).

    Published, and inside its schedule at *now* (default: the time the
    statement is run, that is, when the request is served; see
    :mod:`cms.schedule`). *node* is an alias of :class:`Node` or a table's
    columns (``table.c``); by default the ``nodes`` table's own columns.

    The default condition is built once per process and shared by every
    statement (building it costs more than running a page's query): its
    time is a parameter whose value is taken when the statement runs.
    """
    if node is None and now is None:
        return _SHOWN_NOW
    return _shown(_nodes.c if node is None else node, now or utcnow())


def _shown(node: Any, now: Any) -> ColumnElement[bool]:
    return and_(
        node.state == PUBLISHED,
        or_(node.effective.is_(None), node.effective <= now),
        or_(node.expires.is_(None), node.expires > now),
    )


#: :func:`shown_here` of the ``nodes`` table at the time a statement runs.
_SHOWN_NOW = _shown(
    _nodes.c, bindparam("shown_now", callable_=utcnow, type_=_nodes.c.effective.type)
)


def public(node: type[Node] | AliasedClass[Node] = Node) -> ColumnElement[bool]:
    """SQL: anonymous may view *node*: it and every ancestor are shown.

    The nodes that are not shown, and their subtrees, are gathered once per
    statement by a recursive query down ``parent_id`` (indexed): the cost
    follows the size of the hidden subtrees, not the number of rows tested
    times the number of hidden nodes, as a test of every ancestor's path
    per row would.
    """
    # The table's own columns: the class's would join every content type's
    # table to each step.
    child = _nodes.alias("hidden_child")
    hidden = (
        select(_nodes.c.id).where(~shown_here(_nodes.c)).cte("hidden", recursive=True)
    )
    hidden = hidden.union(select(child.c.id).where(child.c.parent_id == hidden.c.id))
    # NOT IN, not NOT EXISTS: under an OR (a logged-in caller's rights) it
    # is still looked up in a hash of the hidden ids, not a scan per row.
    return node.id.not_in(select(hidden.c.id))


def public_nodes(top: Node | None = None) -> ColumnElement[bool]:
    """Return a condition on :class:`Node`: it and every ancestor published.

    With *top* (a node whose lineage is loaded), only nodes in its subtree
    are looked at: a search inside a section walks that section alone.
    """
    if top is None:
        return _walk(_nodes.c.parent_id.is_(None))
    return _walk(_nodes.c.id == top.id) if is_public(top) else false()


def _walk(start: ColumnElement[bool]) -> ColumnElement[bool]:
    """The shown nodes walked down from those *start* picks (shown ones)."""
    public = (
        select(_nodes.c.id)
        .where(start, shown_here(_nodes.c))
        .cte("public_nodes", recursive=True)
    )
    child = _nodes.alias("public_child")
    public = public.union_all(
        select(child.c.id)
        .join(public, child.c.parent_id == public.c.id)
        .where(shown_here(child.c))
    )
    return Node.id.in_(select(public.c.id))


def granted_nodes(identity: Identity) -> ColumnElement[bool]:
    """Return a condition on :class:`Node`: *identity* holds a view role there."""
    principal = _grants.c.user_id == identity.user_id
    if identity.group_ids:
        principal = or_(principal, _grants.c.group_id.in_(identity.group_ids))
    granted = (
        select(_grants.c.node_id.label("id"))
        .where(_grants.c.role.in_(sorted(VIEW_ROLES)), principal)
        .cte("granted_nodes", recursive=True)
    )
    child = _nodes.alias("granted_child")
    granted = granted.union(
        select(child.c.id)
        .join(granted, child.c.parent_id == granted.c.id)
        .where(child.c.inherit_roles.is_(True))
    )
    return Node.id.in_(select(granted.c.id))


def viewable_nodes(
    identity: Identity | None, top: Node | None = None
) -> ColumnElement[bool]:
    """Return a condition on :class:`Node`: the caller may view it.

    *top*, when given, is the subtree the query is confined to anyway: its
    shown nodes are walked (:func:`public_nodes`). Without it, the whole
    site would be walked, and the hidden subtrees (:func:`public`), usually
    far fewer, are gathered instead.
    """
    if identity is not None and identity.is_admin:
        return true()
    public_ = public_nodes(top) if top is not None else public()
    if identity is None:
        return public_
    return or_(public_, Node.owner_id == identity.user_id, granted_nodes(identity))


def public_count(dbsession: Session, nodes: list[Node]) -> int:
    """How many nodes readers see now in the subtrees of *nodes* (siblings,
    or one node), the nodes included: what retracting or deleting them takes
    away from readers (the pages that ask first say so). One query.
    """
    tops = [node.id for node in nodes if is_public(node)]
    if not tops:
        return 0
    counted = select(func.count()).where(_walk(_nodes.c.id.in_(tops)))
    return dbsession.scalar(counted) or 0
