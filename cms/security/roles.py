"""Roles a user holds on a node, and whether anonymous visitors may see it.

Both are computed from the node's lineage, which the traverser loaded with
each node's local roles: no query for the request's context.
"""

from cms.models import Node
from cms.security.identity import Identity
from cms.workflow import is_public

__all__ = ["is_public", "roles_on"]


def roles_on(
    node: Node, identity: Identity | None, inheritable: bool = False
) -> set[str]:
    """Return the roles *identity* holds on *node*.

    Local roles granted on the node or an ancestor count, up to and including
    the nearest node that blocks inheritance. ``owner`` comes from the node
    alone and is left out with *inheritable* (the roles a child inherits).
    Members of ``admins`` are managers everywhere.
    """
    if identity is None:
        return set()
    roles: set[str] = set()
    if identity.is_admin:
        roles.add("manager")
    if not inheritable and node.owner_id == identity.user_id:
        roles.add("owner")
    principals = identity.principals
    current: Node | None = node
    while current is not None:
        roles.update(
            grant.role for grant in current.local_roles if grant.principal in principals
        )
        if not current.inherit_roles:
            break
        current = current.__parent__
    return roles
