"""Content: add, edit and delete nodes, fire workflow transitions, revert.

Editing a published node saves a draft (:mod:`.revisions`); every save and
transition is a revision.
"""

from typing import Any, Protocol

from sqlalchemy.orm import Session

from cms.links import store_by_uid
from cms.models import CONTENT_TYPES, Node
from cms.models.meta import utcnow
from cms.models.tree import TreeError
from cms.permissions import Permission as P
from cms.schedule import SCHEDULE, clean_schedule
from cms.schemas import FIELDS, SNAPSHOT, check_fields, clean_fields
from cms.services import redirects
from cms.services.caller import Caller
from cms.services.errors import Forbidden, Invalid
from cms.services.locks import claim
from cms.services.revisions import (
    get_revision,
    make_live,
    record,
    save_content,
    working_copy,
)
from cms.services.stale import check_if_match
from cms.services.tree import tree_error
from cms.workflow import INITIAL_STATE, PUBLISHED, TRANSITIONS, transitions_from

#: Types whose content is an uploaded file: made with multipart only.
FILE_TYPES = ("File", "Image")

Data = dict[str, Any]


class Upload(Protocol):
    """A file received and stored (:class:`cms.files.Upload`)."""

    filename: str

    def values(self, type_name: str) -> Data: ...


def create(
    dbsession: Session,
    caller: Caller,
    container: Node,
    data: Data,
    upload: Upload | None = None,
) -> Node:
    """Add a child of the type ``data["@type"]`` to *container*; return it.

    *upload* is the file of a File or Image (see :mod:`cms.files`).
    """
    claim(dbsession, [container], tree="add")
    caller.require(P.ADD, container)
    type_name = data.get("@type")
    if not isinstance(type_name, str) or type_name not in CONTENT_TYPES:
        raise Invalid.field("@type", f"One of: {', '.join(CONTENT_TYPES)}.")
    check_fields(
        data,
        {"@type", "id", *SCHEDULE, *(field.name for field in FIELDS[type_name])},
    )
    if not container.is_container:
        raise Invalid.field("@type", f"A {container.type} holds no children.")
    if (type_name in FILE_TYPES) != (upload is not None):
        raise Invalid.field(
            "file",
            "Files and images are uploaded with multipart/form-data."
            if upload is None
            else "Only File and Image take a file.",
        )
    name = data.get("id")
    if name is not None and not isinstance(name, str):
        raise Invalid.field("id", "Must be a string.")
    if upload is not None and not data.get("title"):
        data = {**data, "title": upload.filename}
    values, errors = clean_fields(type_name, data, partial=False)
    schedule, schedule_errors = clean_schedule(data)
    errors += schedule_errors
    file_values = upload.values(type_name) if upload is not None else {}
    if errors:
        raise Invalid(errors)
    keep_links(dbsession, caller, values)
    node = CONTENT_TYPES[type_name](
        **values,
        **file_values,
        **schedule,
        state=INITIAL_STATE,
        owner_id=caller.user_id,
    )
    try:
        container.add(node, name or None)
    except TreeError as error:
        raise tree_error(error) from None
    redirects.forget(dbsession, node.path)
    record(dbsession, caller, node, "Created", [*values, *file_values, *schedule])
    return node


def keep_links(dbsession: Session, caller: Caller, values: Data) -> None:
    """Store the body's links to nodes of the site by uid (see cms.links)."""
    if values.get("body"):
        values["body"] = store_by_uid(dbsession, caller.site_url, values["body"])


def update(
    dbsession: Session,
    caller: Caller,
    node: Node,
    data: Data,
    upload: Upload | None = None,
) -> Node:
    """Change the node's content fields (a draft, when it is published).

    Its schedule changes at once: it is not content (see :mod:`cms.schedule`).
    """
    claim(dbsession, [node])
    caller.require(P.EDIT, node)
    check_if_match(caller, node)
    check_fields(data, {*SCHEDULE, *(field.name for field in FIELDS[node.type])})
    if upload is not None and node.type not in FILE_TYPES:
        raise Invalid.field("file", f"A {node.type} takes no file.")
    values, errors = clean_fields(node.type, data, partial=True)
    schedule, schedule_errors = clean_schedule(data, node)
    errors += schedule_errors
    if errors:
        raise Invalid(errors)
    keep_links(dbsession, caller, values)
    if upload is not None:
        values.update(upload.values(node.type))
    rescheduled = [
        name
        for name in SCHEDULE
        if name in schedule and schedule[name] != getattr(node, name)
    ]
    for name in rescheduled:
        setattr(node, name, schedule[name])
    revision = save_content(dbsession, caller, node, values, "Edited")
    if revision is not None:
        revision.changed = sorted([*revision.changed, *rescheduled])
    elif rescheduled:
        record(
            dbsession,
            caller,
            node,
            "Schedule changed",
            rescheduled,
            working_copy(dbsession, node),
        )
    dbsession.flush()
    return node


def remove(dbsession: Session, caller: Caller, node: Node) -> None:
    """Delete the node and its subtree."""
    claim(dbsession, [node], tree="shape")
    caller.require(P.DELETE, node)
    if node.parent_id is None:
        raise Forbidden("The root stays.")
    check_if_match(caller, node)
    node.delete()


def transition(dbsession: Session, caller: Caller, node: Node, data: Data) -> Node:
    """Fire ``data["transition"]`` on the node."""
    claim(dbsession, [node])
    check_fields(data, {"transition", "comment"}, ("transition",))
    name, comment = data["transition"], data.get("comment", "")
    chosen = TRANSITIONS.get(name) if isinstance(name, str) else None
    if chosen is None or chosen not in transitions_from(node):
        allowed = ", ".join(t.id for t in transitions_from(node))
        raise Invalid.field("transition", f"From {node.state}: {allowed}.")
    if not isinstance(comment, str) or len(comment) > 2000:
        raise Invalid.field("comment", "At most 2000 characters.")
    caller.require(chosen.permission, node)
    # Leaving "published" or becoming it both make the newest content live.
    make_live(dbsession, node)
    if chosen.target == PUBLISHED and node.effective is None:
        # When readers first saw it: what feeds and `sort_on=effective` order by.
        node.effective = utcnow()
    node.state = chosen.target
    record(dbsession, caller, node, comment or chosen.title, ["state"])
    dbsession.flush()
    return node


def revert(dbsession: Session, caller: Caller, node: Node, data: Data) -> Node:
    """Make a new revision equal to revision ``data["version"]``."""
    claim(dbsession, [node])
    caller.require(P.EDIT, node)
    check_fields(data, {"version"}, ("version",))
    number = data["version"]
    revision = None
    # Bounded: a number past the column's range is no version, not an error.
    if type(number) is int and 1 <= number < 2**31:
        revision = get_revision(dbsession, node, number)
    if revision is None:
        raise Invalid.field("version", "No such version of this node.")
    values = {
        name: value
        for name, value in revision.data.items()
        if name in SNAPSHOT[node.type]
    }
    save_content(dbsession, caller, node, values, f"Reverted to version {number}")
    dbsession.flush()
    return node
