"""Which nodes, anywhere in the tree, a caller may view: one SQL condition.

Listings look at the children of one node whose lineage is loaded
(:mod:`cms.security.trimming`); search finds nodes anywhere, so the lineage
is walked in SQL, top down, by recursive queries that cost what the visible
part of the tree costs, never a scan per candidate:

- ``public_nodes``: published nodes whose every ancestor is published,
  from the root (or from the scope of the search, when its lineage is
  already known to be public);
- ``granted_nodes``: nodes where the caller holds a view role, granted there
  or inherited down through nodes that do not block inheritance.

A logged-in caller also sees what they own; members of ``admins`` see all.
It mirrors :func:`cms.workflow.acl_for` and :func:`cms.security.roles.roles_on`;
a test holds search to the same answers as ``request.has_permission``.
Schedules (``effective`` / ``expires``) will narrow ``public_nodes`` here.
"""

from sqlalchemy import ColumnElement, false, or_, select, true

from cms.models import LocalRole, Node
from cms.security.identity import Identity
from cms.workflow import PUBLISHED, VIEW_ROLES, is_public

_nodes = Node.__table__
_grants = LocalRole.__table__


def public_nodes(top: Node | None = None) -> ColumnElement[bool]:
    """Return a condition on :class:`Node`: it and every ancestor published.

    With *top* (a node whose lineage is loaded), only nodes in its subtree
    are looked at: a search inside a section walks that section alone.
    """
    start: ColumnElement[bool]
    if top is None:
        start = _nodes.c.parent_id.is_(None)
    elif is_public(top):
        start = _nodes.c.id == top.id
    else:
        return false()
    public = (
        select(_nodes.c.id)
        .where(start, _nodes.c.state == PUBLISHED)
        .cte("public_nodes", recursive=True)
    )
    child = _nodes.alias("public_child")
    public = public.union_all(
        select(child.c.id)
        .join(public, child.c.parent_id == public.c.id)
        .where(child.c.state == PUBLISHED)
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

    *top*, when given, is the subtree the query is confined to anyway.
    """
    if identity is not None and identity.is_admin:
        return true()
    public = public_nodes(top)
    if identity is None:
        return public
    return or_(public, Node.owner_id == identity.user_id, granted_nodes(identity))
