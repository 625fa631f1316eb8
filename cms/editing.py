"""The service layer that changes the tree: every write goes through here.

The JSON API and the editor's forms both call these functions, so each rule
lives once: the permission checks, field validation (400 with field errors),
name conflicts (409), lost updates (412), revisions and drafts, redirects
after moves, and the tree lock that keeps changes of the tree's shape from
crossing (a node deleted or moved meanwhile: 404 or 409). A function either
finishes or raises an HTTP error; the request's transaction then commits or
rolls back as a whole, so a failure half-way leaves nothing changed.
"""

from pyramid.httpexceptions import HTTPConflict, HTTPForbidden, HTTPNotFound
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from cms.conditional import check_if_match
from cms.models import CONTENT_TYPES, Node, Redirect
from cms.models.node import (
    InvalidMove,
    NameTaken,
    NodeGone,
    NodeMoved,
    NotAContainer,
    TreeError,
    subtree_bounds,
)
from cms.models.treelock import hold_tree
from cms.revisions import get_revision, make_live, record, save_content, snapshot
from cms.schemas import FIELDS, SNAPSHOT, clean_fields
from cms.security.permissions import Permission as P
from cms.traversal import load_node
from cms.urls import site_url
from cms.validation import Invalid, check_fields
from cms.workflow import INITIAL_STATE, PRIVATE, TRANSITIONS, transitions_from

#: Types whose content is an uploaded file: made with multipart only.
FILE_TYPES = ("File", "Image")


def require(request, permission, node):
    if not request.has_permission(permission, node):
        raise HTTPForbidden()


def _field_error(field, message):
    return Invalid([{"field": field, "message": message}])


class NameClash(HTTPConflict):
    """A sibling already has the name (409)."""


def _tree_error(error, field="id"):
    if isinstance(error, NodeGone):
        return HTTPNotFound(str(error))
    if isinstance(error, NodeMoved):
        return HTTPConflict(str(error))
    if isinstance(error, NameTaken):
        return NameClash(str(error))
    if isinstance(error, InvalidMove | NotAContainer):
        return _field_error("to", str(error))
    return _field_error(field, str(error))


def _hold(request, nodes, shared=False):
    """Take the tree lock before anything is checked (see cms.models.treelock).

    The checks then see the tree that the change will be written to; a node
    the request loaded that was deleted or moved meanwhile is a 404 or 409.
    """
    try:
        hold_tree(request.dbsession, nodes, shared=shared)
    except TreeError as error:
        raise _tree_error(error) from None


# -- create, update, delete ----------------------------------------------------


def create(request, container, data, upload=None):
    """Add a child of the type ``data["@type"]`` to *container*; return it.

    *upload* is the file of a File or Image (see :mod:`cms.uploads`).
    """
    _hold(request, [container], shared=True)
    require(request, P.ADD, container)
    type_name = data.get("@type")
    if not isinstance(type_name, str) or type_name not in CONTENT_TYPES:
        raise _field_error("@type", f"One of: {', '.join(CONTENT_TYPES)}.")
    check_fields(data, {"@type", "id", *(field.name for field in FIELDS[type_name])})
    if not container.is_container:
        raise _field_error("@type", f"A {container.type} holds no children.")
    if (type_name in FILE_TYPES) != (upload is not None):
        raise _field_error(
            "file",
            "Files and images are uploaded with multipart/form-data."
            if upload is None
            else "Only File and Image take a file.",
        )
    name = data.get("id")
    if name is not None and not isinstance(name, str):
        raise _field_error("id", "Must be a string.")
    if upload is not None and not data.get("title"):
        data = {**data, "title": upload.filename}
    values, errors = clean_fields(type_name, data, partial=False)
    file_values = upload.values(type_name) if upload is not None else {}
    if errors:
        raise Invalid(errors)
    identity = request.identity
    node = CONTENT_TYPES[type_name](
        **values,
        **file_values,
        state=INITIAL_STATE,
        owner_id=identity.user_id if identity else None,
    )
    try:
        container.add(node, name or None)
    except TreeError as error:
        raise _tree_error(error) from None
    _forget_redirect(request, node.path)
    record(request, node, "Created", [*values, *file_values])
    return node


def update(request, node, data, upload=None):
    """Change the node's content fields (a draft, when it is published)."""
    require(request, P.EDIT, node)
    check_if_match(request, node)
    check_fields(data, {field.name for field in FIELDS[node.type]})
    if upload is not None and node.type not in FILE_TYPES:
        raise _field_error("file", f"A {node.type} takes no file.")
    values, errors = clean_fields(node.type, data, partial=True)
    if errors:
        raise Invalid(errors)
    if upload is not None:
        values.update(upload.values(node.type))
    save_content(request, node, values, "Edited")
    request.dbsession.flush()
    return node


def remove(request, node):
    """Delete the node and its subtree."""
    _hold(request, [node])
    require(request, P.DELETE, node)
    if node.parent_id is None:
        raise HTTPForbidden("The root stays.")
    check_if_match(request, node)
    node.delete()


# -- moving, copying, ordering ---------------------------------------------------


def resolve_target(request, to):
    """Return the node at the path (or site URL) *to*, or raise 400."""
    if not isinstance(to, str) or not to:
        raise _field_error("to", "The path of the target, like /about/.")
    base = site_url(request)
    if to.startswith(base + "/"):
        to = to[len(base) :]
    if not to.startswith("/") or len(to) > 2000:
        raise _field_error("to", "The path of the target, like /about/.")
    target = load_node(request.dbsession, to)
    if target is None:
        raise _field_error("to", "There is no node at this path.")
    return target


def move(request, node, data):
    """Move and/or rename the node; its old URL then redirects to the new one."""
    _hold(request, [node])
    require(request, P.EDIT, node)
    check_if_match(request, node)
    check_fields(data, {"to", "id"})
    if "to" not in data and "id" not in data:
        raise Invalid(
            [
                {"field": "to", "message": "Required unless id is given."},
                {"field": "id", "message": "Required unless to is given."},
            ],
            "Say where the item goes (to), what it is called (id), or both.",
        )
    if node.parent_id is None:
        raise _field_error("to", "The root cannot move.")
    target = resolve_target(request, data["to"]) if "to" in data else node.__parent__
    require(request, P.ADD, target)
    name = data.get("id", node.name)
    if not isinstance(name, str):
        raise _field_error("id", "Must be a string.")
    old_path = node.path
    try:
        node.move(target, name)
    except TreeError as error:
        raise _tree_error(error) from None
    if node.path != old_path:
        _forget_redirect(request, old_path)
        request.dbsession.add(Redirect(path=old_path, node_id=node.id))
        # What used to redirect to where the node now is, no longer does.
        _forget_redirect(request, node.path, subtree=True)
    return node


def copy(request, node, data):
    """Copy the node and the part of its subtree the caller may view.

    Copies get new uids, start private, and belong to the caller; local roles
    are not copied (sharing is decided anew where the copy lands).
    """
    _hold(request, [node], shared=True)
    check_fields(data, {"to", "id"})
    target = resolve_target(request, data.get("to"))
    require(request, P.ADD, target)
    name = data.get("id")
    if name is not None and not isinstance(name, str):
        raise _field_error("id", "Must be a string.")
    if target.path.startswith(node.path):
        raise _field_error("to", "An item cannot be copied into itself.")
    low, high = subtree_bounds(node.path)
    originals = request.dbsession.scalars(
        select(Node)
        .where(Node.path >= low, Node.path < high)
        .options(selectinload(Node.local_roles))
        .order_by(Node.path)
    ).all()
    identity = request.identity
    copies = {}
    for original in originals:
        parent = target if original is node else copies.get(original.parent_id)
        if parent is None or not request.has_permission(P.VIEW, original):
            continue
        clone = type(original)(
            **snapshot(original),
            state=PRIVATE,
            owner_id=identity.user_id if identity else None,
        )
        try:
            if original is node:
                parent.add(clone, name or parent.unique_name(node.name))
            else:
                parent.add(clone, original.name)
        except TreeError as error:
            raise _tree_error(error) from None
        if original is not node:
            # add() appends; the copy keeps the editors' order instead.
            clone.position = original.position
        record(request, clone, f"Copied from {original.path}", list(snapshot(clone)))
        copies[original.id] = clone
    _forget_redirect(request, copies[node.id].path, subtree=True)
    return copies[node.id]


def order(request, container, data):
    """Put the child ``data["id"]`` at ``data["position"]`` among its siblings."""
    require(request, P.EDIT, container)
    check_fields(data, {"id", "position"}, ("id", "position"))
    position = data["position"]
    if type(position) is not int or position < 0:
        raise _field_error("position", "A whole number from 0.")
    name = data["id"]
    try:
        child = container[name] if isinstance(name, str) else None
    except KeyError:
        child = None
    if child is None:
        raise _field_error("id", "No such child here.")
    child.set_position(position)
    return child


# -- workflow and history --------------------------------------------------------


def transition(request, node, data):
    """Fire ``data["transition"]`` on the node."""
    check_fields(data, {"transition", "comment"}, ("transition",))
    name, comment = data["transition"], data.get("comment", "")
    chosen = TRANSITIONS.get(name) if isinstance(name, str) else None
    if chosen is None or chosen not in transitions_from(node):
        allowed = ", ".join(t.id for t in transitions_from(node))
        raise _field_error("transition", f"From {node.state}: {allowed}.")
    if not isinstance(comment, str) or len(comment) > 2000:
        raise _field_error("comment", "At most 2000 characters.")
    require(request, chosen.permission, node)
    # Leaving "published" or becoming it both make the newest content live.
    make_live(request, node)
    node.state = chosen.target
    record(request, node, comment or chosen.title, ["state"])
    request.dbsession.flush()
    return node


def revert(request, node, data):
    """Make a new revision equal to revision ``data["version"]``."""
    require(request, P.EDIT, node)
    check_fields(data, {"version"}, ("version",))
    number = data["version"]
    revision = None
    # Bounded: a number past the column's range is no version, not an error.
    if type(number) is int and 1 <= number < 2**31:
        revision = get_revision(request.dbsession, node, number)
    if revision is None:
        raise _field_error("version", "No such version of this node.")
    values = {
        name: value
        for name, value in revision.data.items()
        if name in SNAPSHOT[node.type]
    }
    save_content(request, node, values, f"Reverted to version {number}")
    request.dbsession.flush()
    return node


def _forget_redirect(request, path, subtree=False):
    """Drop redirects from *path* (and below it): something lives there now."""
    query = delete(Redirect)
    if subtree:
        low, high = subtree_bounds(path)
        query = query.where(Redirect.path >= low, Redirect.path < high)
    else:
        query = query.where(Redirect.path == path)
    request.dbsession.execute(query.execution_options(synchronize_session=False))
