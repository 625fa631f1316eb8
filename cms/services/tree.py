"""Changes of the tree's shape: move, rename, copy and order.

Each takes the tree lock first (:mod:`.locks`), so that its checks see the
tree it writes to.
"""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cms.links import PREFIX
from cms.models import Node
from cms.models.tree import (
    InvalidMove,
    NameTaken,
    NodeGone,
    NodeMoved,
    NotAContainer,
    TreeError,
    subtree_bounds,
)
from cms.permissions import Permission as P
from cms.schemas import check_fields
from cms.services import redirects
from cms.services.caller import Caller
from cms.services.errors import Invalid, NameClash, ServiceError
from cms.services.locks import claim, lost_race
from cms.services.revisions import record, snapshot
from cms.services.stale import check_if_match
from cms.traversal import load_node
from cms.workflow import PRIVATE


def tree_error(error: TreeError, field: str = "id") -> ServiceError:
    """The service error for what the tree refused."""
    if isinstance(error, NodeGone | NodeMoved):
        return lost_race(error)
    if isinstance(error, NameTaken):
        return NameClash(str(error))
    if isinstance(error, InvalidMove | NotAContainer):
        return Invalid.field("to", str(error))
    return Invalid.field(field, str(error))


#: What ``to`` may be, said when it is none of them.
TARGET = "The path of the target, like /about/, its URL or its uid."


def resolve_target(dbsession: Session, caller: Caller, to: Any) -> Node:
    """Return the node *to* names (its path, site URL or uid), or refuse it."""
    if not isinstance(to, str) or not to:
        raise Invalid.field("to", TARGET)
    base = caller.site_url
    if to.startswith(base + "/"):
        to = to[len(base) :]
    uid = as_uid(to.removeprefix(PREFIX).rstrip("/") if to.startswith(PREFIX) else to)
    if uid is not None:
        path = dbsession.scalar(select(Node.path).where(Node.uid == uid))
        if path is None:
            raise Invalid.field("to", "There is no node with this uid.")
        to = path
    if not to.startswith("/") or len(to) > 2000:
        raise Invalid.field("to", TARGET)
    target = load_node(dbsession, to)
    if target is None:
        raise Invalid.field("to", "There is no node at this path.")
    return target


def as_uid(text: str) -> uuid.UUID | None:
    """The uid *text* spells (32 hex digits, with dashes or not), or None."""
    if len(text) > 36:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def move(dbsession: Session, caller: Caller, node: Node, data: dict[str, Any]) -> Node:
    """Move and/or rename the node; its old URL then redirects to the new one."""
    claim(dbsession, [node], tree="shape")
    caller.require(P.EDIT, node)
    check_if_match(caller, node)
    check_fields(data, {"to", "id"})
    if "to" not in data and "id" not in data:
        raise Invalid(
            [
                {"field": "to", "message": "Required unless id is given."},
                {"field": "id", "message": "Required unless to is given."},
            ],
            "Say where the item goes (to), what it is called (id), or both.",
        )
    parent = node.__parent__
    if parent is None:
        raise Invalid.field("to", "The root cannot move.")
    target = resolve_target(dbsession, caller, data["to"]) if "to" in data else parent
    caller.require(P.ADD, target)
    name = data.get("id", node.name)
    if not isinstance(name, str):
        raise Invalid.field("id", "Must be a string.")
    old_path = node.path
    try:
        node.move(target, name)
    except TreeError as error:
        raise tree_error(error) from None
    if node.path != old_path:
        redirects.remember_move(dbsession, old_path, node)
    return node


def copy(dbsession: Session, caller: Caller, node: Node, data: dict[str, Any]) -> Node:
    """Copy the node and the part of its subtree the caller may view.

    Copies get new uids, start private, and belong to the caller; local roles
    are not copied (sharing is decided anew where the copy lands).
    """
    claim(dbsession, [node], tree="add")
    check_fields(data, {"to", "id"})
    target = resolve_target(dbsession, caller, data.get("to"))
    caller.require(P.ADD, target)
    name = data.get("id")
    if name is not None and not isinstance(name, str):
        raise Invalid.field("id", "Must be a string.")
    if target.path.startswith(node.path):
        raise Invalid.field("to", "An item cannot be copied into itself.")
    low, high = subtree_bounds(node.path)
    originals = dbsession.scalars(
        select(Node)
        .where(Node.path >= low, Node.path < high)
        .options(selectinload(Node.local_roles))
        .order_by(Node.path)
    ).all()
    copies: dict[int, Node] = {}
    for original in originals:
        if original is node:
            parent: Node | None = target
        else:
            # Every original below the node has a parent id.
            parent = copies.get(original.parent_id or 0)
        if parent is None or not caller.may(P.VIEW, original):
            continue
        clone = type(original)(
            **snapshot(original), state=PRIVATE, owner_id=caller.user_id
        )
        try:
            if original is node:
                parent.add(clone, name or parent.unique_name(node.name))
            else:
                parent.add(clone, original.name)
        except TreeError as error:
            raise tree_error(error) from None
        if original is not node:
            # add() appends; the copy keeps the editors' order instead.
            clone.position = original.position
        record(
            dbsession,
            caller,
            clone,
            f"Copied from {original.path}",
            list(snapshot(clone)),
        )
        copies[original.id] = clone
    redirects.forget(dbsession, copies[node.id].path, subtree=True)
    return copies[node.id]


def order(
    dbsession: Session, caller: Caller, container: Node, data: dict[str, Any]
) -> Node:
    """Put the child ``data["id"]`` at ``data["position"]`` among its siblings."""
    # Reordering rewrites the siblings' positions: no move or delete between.
    claim(dbsession, [container], tree="add")
    caller.require(P.EDIT, container)
    check_fields(data, {"id", "position"}, ("id", "position"))
    position = data["position"]
    if type(position) is not int or position < 0:
        raise Invalid.field("position", "A whole number from 0.")
    name = data["id"]
    try:
        child = container[name] if isinstance(name, str) else None
    except KeyError:
        child = None
    if child is None:
        raise Invalid.field("id", "No such child here.")
    claim(dbsession, [child])
    child.set_position(position)
    return child
