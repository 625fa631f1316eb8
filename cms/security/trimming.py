"""Listings trimmed in SQL: only the children the caller may view.

The condition is built from what the lineage already tells (is the parent
public? which roles does the caller inherit here?) plus, per child, its state,
its owner and its own local roles: one query for the batch, one for the
count, whatever the number of children, with batching and ``items_total``
right. It mirrors :func:`cms.workflow.acl_for` and
:func:`cms.security.roles.roles_on`; a test holds them to the same answers.
"""

from pyramid.request import Request
from sqlalchemy import ColumnElement, exists, false, or_, true

from cms.models import LocalRole, Node
from cms.security.roles import roles_on
from cms.security.visibility import shown_here
from cms.workflow import VIEW_ROLES, is_public


def viewable_children(request: Request, parent: Node) -> ColumnElement[bool]:
    """Return a WHERE clause: the children of *parent* the caller may view."""
    identity = request.identity
    if identity is not None and identity.is_admin:
        return true()
    conditions = []
    if is_public(parent):
        conditions.append(shown_here())
    if identity is not None:
        inherited = roles_on(parent, identity, inheritable=True)
        if inherited & VIEW_ROLES:
            conditions.append(Node.inherit_roles.is_(True))
        conditions.append(Node.owner_id == identity.user_id)
        principal = LocalRole.user_id == identity.user_id
        if identity.group_ids:
            principal = or_(principal, LocalRole.group_id.in_(identity.group_ids))
        conditions.append(
            exists().where(
                LocalRole.node_id == Node.id,
                LocalRole.role.in_(sorted(VIEW_ROLES)),
                principal,
            )
        )
    return or_(*conditions) if conditions else false()
