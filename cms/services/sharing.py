"""Replacing a node's local roles and its inherit flag (``@@sharing``).

The API names principals ``user:<login>`` and ``group:<name>``; rows hold
ids. :mod:`cms.security.sharing` reads them back.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cms.models import Group, LocalRole, Node, User
from cms.models.sharing import ROLES
from cms.permissions import Permission
from cms.schemas import check_fields
from cms.security.sharing import OWNER
from cms.services.caller import Caller
from cms.services.errors import Invalid
from cms.services.locks import claim

#: ``(user id, group id, role)``: one of the two ids is ``None``.
Grant = tuple[int | None, int | None, str]


def _parse_entries(dbsession: Session, entries: Any) -> list[Grant]:
    """Return ``[(user_id, group_id, role)]`` for *entries*, or raise 400."""
    if not isinstance(entries, list):
        raise Invalid([{"field": "entries", "message": "A list of entries."}])
    errors: list[dict[str, str]] = []
    wanted: list[Grant] = []
    for index, entry in enumerate(entries):
        field = f"entries[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"principal", "roles"}:
            errors.append({"field": field, "message": 'Give "principal" and "roles".'})
            continue
        principal, roles = entry.get("principal"), entry.get("roles")
        if not isinstance(principal, str) or principal.partition(":")[0] not in (
            "user",
            "group",
        ):
            errors.append(
                {"field": field, "message": "principal: user:<login> or group:<name>."}
            )
            continue
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            errors.append({"field": field, "message": "roles: a list of role names."})
            continue
        unknown = sorted(set(roles) - set(ROLES) - {OWNER})
        if unknown:
            errors.append(
                {"field": field, "message": f"No such role: {', '.join(unknown)}."}
            )
            continue
        kind, _, name = principal.partition(":")
        row: User | Group | None
        if kind == "user":
            row = dbsession.scalars(
                select(User).where(User.login == name)
            ).one_or_none()
        else:
            row = dbsession.scalars(
                select(Group).where(Group.name == name)
            ).one_or_none()
        if row is None:
            errors.append(
                {"field": field, "message": f"No such principal: {principal}."}
            )
            continue
        # "owner" comes from who created the node; it cannot be granted.
        for role in set(roles) - {OWNER}:
            wanted.append(
                (
                    row.id if kind == "user" else None,
                    row.id if kind == "group" else None,
                    role,
                )
            )
    if errors:
        raise Invalid(errors)
    return sorted(set(wanted), key=lambda item: (item[0] or 0, item[1] or 0, item[2]))


def set_sharing(
    dbsession: Session, caller: Caller, node: Node, data: dict[str, Any]
) -> None:
    """Replace the node's own local roles and its inherit flag from *data*.

    A caller who is not an admin may not take away their own right to share
    the node: that would lock them out (400, nothing changed).
    """
    claim(dbsession, [node])
    check_fields(data, {"inherit", "entries"}, ("entries",))
    inherit = data.get("inherit", node.inherit_roles)
    if not isinstance(inherit, bool):
        raise Invalid([{"field": "inherit", "message": "Must be true or false."}])
    wanted = _parse_entries(dbsession, data["entries"])
    node.local_roles = [
        LocalRole(user_id=user_id, group_id=group_id, role=role)
        for user_id, group_id, role in wanted
    ]
    node.inherit_roles = inherit
    dbsession.flush()
    if not caller.may(Permission.SHARE, node):
        raise Invalid(
            [
                {
                    "field": "entries",
                    "message": "You would lose your own right to share this.",
                }
            ],
            "This change would lock you out.",
        )
