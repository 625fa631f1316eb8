"""Changes of the tree's shape: move, rename, copy and order.

Each takes the tree lock first (:mod:`.locks`), so that its checks see the
tree it writes to.
"""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cms.links import PREFIX
from cms.models import Node
from cms.models.copying import insert_copies, load_subtree
from cms.models.meta import utcnow
from cms.models.tree import (
    InvalidMove,
    NameTaken,
    NodeGone,
    NodeMoved,
    NotAContainer,
    TreeError,
)
from cms.permissions import Permission as P
from cms.schemas import check_fields
from cms.search import index
from cms.services import redirects
from cms.services.caller import Caller
from cms.services.errors import Forbidden, Invalid, NameClash, ServiceError
from cms.services.locks import claim, lost_race
from cms.services.revisions import record_new, snapshot
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
    are not copied (sharing is decided anew where the copy lands). Each gets
    its first revision and its index row. The number of statements does not
    depend on the subtree's size (:mod:`cms.models.copying`).
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
    originals = visible_part(caller, load_subtree(dbsession, node))
    try:
        if not target.is_container:
            raise NotAContainer(f"a {target.type} holds no children")
        name = name or target.unique_name(node.name)
        position = target.free_slot(name)
    except TreeError as error:
        raise tree_error(error) from None
    contents = [snapshot(original) for original in originals]
    ids = insert_copies(
        dbsession,
        originals,
        contents,
        target,
        name,
        position,
        {"state": PRIVATE, "owner_id": caller.user_id},
        utcnow(),
    )
    comments = [f"Copied from {original.path}" for original in originals]
    record_new(dbsession, caller, ids, contents, comments)
    copy = dbsession.get_one(Node, ids[0])
    index.copy_rows(dbsession.connection(), node.path, copy.path)
    redirects.forget(dbsession, copy.path, subtree=True)
    return copy


def visible_part(caller: Caller, subtree: list[Node]) -> list[Node]:
    """The nodes of *subtree* (in path order) that the caller may view, with
    every ancestor up to its top: what a copy of it holds."""
    kept: set[int] = set()
    part = []
    for original in subtree:
        if original is not subtree[0] and original.parent_id not in kept:
            continue
        if caller.may(P.VIEW, original):
            kept.add(original.id)
            part.append(original)
    if not part or part[0] is not subtree[0]:
        raise Forbidden()
    return part


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
