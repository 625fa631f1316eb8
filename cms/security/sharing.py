"""Reading a node's local roles (``@@sharing``).

:mod:`cms.services.sharing` changes them.

The API names principals ``user:<login>`` and ``group:<name>``; rows hold ids.
"""

from collections.abc import Iterable
from typing import Any

from pyramid.request import Request

from cms.models import LocalRole, Node, User
from cms.models.sharing import ROLES
from cms.urls import node_url

OWNER = "owner"


def _entries(grants: Iterable[LocalRole]) -> list[dict[str, Any]]:
    """Group *grants* into ``[{"principal", "roles"}]``, in a stable order."""
    by_principal: dict[str, set[str]] = {}
    for grant in grants:
        by_principal.setdefault(grant.principal_name, set()).add(grant.role)
    return [
        {"principal": name, "roles": sorted(roles, key=_role_order)}
        for name, roles in sorted(by_principal.items())
    ]


def _role_order(role: str) -> int:
    return (*ROLES, OWNER).index(role)


def get_sharing(request: Request, node: Node) -> dict[str, Any]:
    """Return the node's ``inherit``, own ``entries`` and ``inherited`` roles."""
    entries = _entries(node.local_roles)
    if node.owner_id is not None:
        owner = request.dbsession.get(User, node.owner_id)
        name = f"user:{owner.login}"
        for entry in entries:
            if entry["principal"] == name:
                entry["roles"].append(OWNER)
                break
        else:
            entries.append({"principal": name, "roles": [OWNER]})
    inherited = []
    if node.inherit_roles:
        ancestor = node.__parent__
        while ancestor is not None:
            for entry in _entries(ancestor.local_roles):
                inherited.append({**entry, "from": node_url(request, ancestor.path)})
            if not ancestor.inherit_roles:
                break
            ancestor = ancestor.__parent__
    return {"inherit": node.inherit_roles, "entries": entries, "inherited": inherited}
