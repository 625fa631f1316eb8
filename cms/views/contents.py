"""The Contents view of a container: its children, and what editors do to them.

``{container}/@@contents`` lists the children the caller may view, in the
editors' order and in the same keyset batches as the JSON ``items``. From
there an editor selects several to copy, cut, paste, publish, retract or
delete (a page lists them first; confirming posts to ``@@contents-delete``),
renames one (``@@contents-rename``, :mod:`cms.views.rename`) and moves one up or down
(``@@contents-order``; drag and drop in ``contents.js`` posts to the JSON
``@@order`` instead).

Every change goes through :mod:`cms.services`. A bulk action acts on each item
inside a SAVEPOINT of its own: an item the service refuses stays exactly as it
was, the others are done, and the flash message names what was not done and
why. The selected names are looked up among the children the caller may view
(:func:`cms.security.trimming.viewable_children`), so a name that is not
listed is answered like a name that does not exist.
"""

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPForbidden,
    HTTPNoContent,
    HTTPNotFound,
    HTTPSeeOther,
)
from pyramid.renderers import render_to_response
from pyramid.view import view_config
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from cms import clipboard
from cms.flash import flash
from cms.listing import children_batch, parse_batch_params
from cms.models import File, Node
from cms.permissions import Permission
from cms.security.trimming import viewable_children
from cms.services import content, tree
from cms.services.errors import Forbidden, Invalid, NameClash, ServiceError
from cms.traversal import load_node
from cms.urls import node_url
from cms.validation import FORM_POST
from cms.workflow import STATE_TITLES

#: Bulk actions: the past tense for messages, the verb for refusals.
ACTIONS = {
    "copy": ("Copied", "copied"),
    "cut": ("Cut", "cut"),
    "paste": ("Pasted", "pasted"),
    "publish": ("Published", "published"),
    "retract": ("Retracted", "retracted"),
    "delete": ("Deleted", "deleted"),
}
#: Refusals listed one by one in the flash; the rest are counted.
MAX_LISTED_REFUSALS = 3


# -- helpers ------------------------------------------------------------------


def require_manager(request, container):
    """The page is for those who may edit the container or add to it."""
    if not container.is_container:
        raise HTTPNotFound()
    if not (
        request.has_permission(Permission.EDIT, container)
        or request.has_permission(Permission.ADD, container)
    ):
        raise HTTPForbidden()


def batch_query(request):
    """The batch the editor was looking at (checked), to come back to it."""
    parse_batch_params(request)
    return {
        key: request.GET[key]
        for key in ("b_size", "b_after", "b_before")
        if key in request.GET
    }


def contents_url(request, container, query=None):
    return node_url(request, container.path, "@@contents", query or None)


def back_to_contents(request, container, anchor=None):
    """Back to the batch the editor was on; *anchor* from :func:`batch_anchor`."""
    query = batch_query(request)
    if anchor is not None:
        # A reorder moves rows across batch ends: keep the batch's place in
        # the list rather than its first row, or a row shows on two batches.
        key, index = anchor
        del query[key]
        offset = index - 1 if key == "b_after" else index
        row = None
        if offset >= 0:
            row = request.dbsession.execute(
                select(Node.position, Node.id)
                .where(
                    Node.parent_id == container.id,
                    viewable_children(request, container),
                )
                .order_by(Node.position, Node.id)
                .offset(offset)
                .limit(1)
            ).first()
        if row is not None:
            query[key] = f"{row.position}.{row.id}"
    return HTTPSeeOther(location=contents_url(request, container, query))


def batch_anchor(request, container):
    """``(cursor name, index)``: where the editor's batch starts (or ends).

    The index counts the listed children before the batch (``b_after``) or
    up to its end (``b_before``); ``None`` on the first batch.
    """
    query = batch_query(request)
    for key in ("b_after", "b_before"):
        if key in query:
            position, row_id = (int(part) for part in query[key].rsplit(".", 1))
            cursor = tuple_(Node.position, Node.id)
            bound = (position, row_id)
            where = cursor <= bound if key == "b_after" else cursor < bound
            index = request.dbsession.scalar(
                select(func.count())
                .select_from(Node)
                .where(
                    Node.parent_id == container.id,
                    viewable_children(request, container),
                    where,
                )
            )
            return key, index
    return None


def posted_names(request):
    """The names of the selected children, each once, in the order sent."""
    names = list(dict.fromkeys(request.POST.getall("ids")))
    if len(names) > request.registry.settings["cms.batch_size_max"]:
        raise HTTPBadRequest("Too many items selected at once.")
    return names


def selected_children(request, container, names):
    """The children called *names* that the caller may view, in order."""
    if not names:
        return []
    return list(
        request.dbsession.scalars(
            select(Node)
            .where(
                Node.parent_id == container.id,
                Node.name.in_(names),
                viewable_children(request, container),
            )
            .options(selectinload(Node.local_roles))
            .order_by(Node.position, Node.id)
        )
    )


def quoted(title, limit=80):
    """A title for a message, shortened: messages travel in a small cookie."""
    return f"“{title if len(title) <= limit else title[: limit - 1] + '…'}”"


def reason(error, forbidden):
    """Why the service refused, as the end of a sentence."""
    if isinstance(error, Invalid):
        text = "; ".join(item["message"] for item in error.errors)
    elif isinstance(error, Forbidden):
        text = forbidden
    elif isinstance(error, NameClash):
        text = f"{error.message}; rename one of them first"
    else:
        text = error.message
    text = str(text).rstrip(".")
    first = text.split(" ", 1)[0]
    if len(first) == 1 or first[1:].islower():
        # "An item cannot…" reads on after a colon as "an item cannot…".
        text = text[:1].lower() + text[1:]
    return text


def each(request, items, act, forbidden):
    """Call ``act(node)`` for each ``(node, title)``; return done and refused.

    Each call runs in a SAVEPOINT: a refusal leaves that item untouched.
    """
    done, refused = [], []
    for node, title in items:
        try:
            with request.dbsession.begin_nested():
                act(node)
        except ServiceError as error:
            refused.append((title, reason(error, forbidden)))
        else:
            done.append(title)
    return done, refused


def report(request, action, done, refused):
    """Flash what was done and, one by one, what was not and why."""
    past, participle = ACTIONS[action]
    if len(done) == 1:
        flash(request, f"{past} {quoted(done[0])}.")
    elif done:
        flash(request, f"{past} {len(done)} items.")
    for title, why in refused[:MAX_LISTED_REFUSALS]:
        flash(request, f"{quoted(title)} was not {participle}: {why}.", "error")
    if len(refused) > MAX_LISTED_REFUSALS:
        more = len(refused) - MAX_LISTED_REFUSALS
        flash(request, f"{more} more items were not {participle} either.", "error")


# -- the page -----------------------------------------------------------------


def file_sizes(dbsession, rows):
    """``{id: size}`` for the files and images among *rows* (one query)."""
    ids = [row.id for row in rows if row.type in ("File", "Image")]
    if not ids:
        return {}
    query = select(File.id, File.size).where(File.id.in_(ids))
    return dict(dbsession.execute(query).all())


@view_config(
    context=Node,
    name="contents",
    request_method=("GET", "HEAD"),
    accept="text/html",
    renderer="cms:templates/contents/listing.jinja2",
    permission=Permission.VIEW,
)
def contents_page(container, request):
    require_manager(request, container)
    size, after, before = parse_batch_params(request)
    dbsession = request.dbsession
    batch = children_batch(
        dbsession,
        container,
        size,
        after,
        before,
        viewable_children(request, container),
    )
    may_order = request.has_permission(Permission.EDIT, container)
    sizes = file_sizes(dbsession, batch.items)
    query = batch_query(request)
    rows = [
        {
            "id": row.name,
            "title": row.title,
            "url": node_url(request, row.path),
            "type": row.type,
            "state": row.state,
            "state_title": STATE_TITLES[row.state],
            "modified": row.modified,
            "size": sizes.get(row.id),
            "rename_url": node_url(
                request,
                container.path,
                "@@contents-rename",
                {"item": row.name, **query},
            ),
        }
        for row in batch.items
    ]
    held = clipboard.get(request)
    return {
        "title": container.title,
        "rows": rows,
        "total": batch.total,
        "batching": batch.batching(request, container.path, "@@contents"),
        "action_url": contents_url(request, container, query),
        "order_url": node_url(request, container.path, "@@contents-order", query),
        "may_order": may_order,
        "may_paste": held is not None
        and request.has_permission(Permission.ADD, container),
        "clipboard": held,
    }


# -- bulk actions -------------------------------------------------------------


@view_config(
    context=Node,
    name="contents",
    request_method="POST",
    accept="text/html",
    header=FORM_POST,
    permission=Permission.VIEW,
)
def contents_action(container, request):
    require_manager(request, container)
    action = request.POST.get("action")
    if action not in ACTIONS:
        raise HTTPBadRequest("Choose what to do: copy, cut, paste, delete…")
    if action == "paste":
        paste(request, container)
        return back_to_contents(request, container)
    names = posted_names(request)
    if not names:
        flash(request, "Select one or more items first.", "error")
        return back_to_contents(request, container)
    nodes = selected_children(request, container, names)
    if not nodes:
        flash(request, "The selected items are no longer here.", "error")
    elif action == "delete":
        # Ask first: the page lists what would go, and posts to delete it.
        return render_to_response(
            "cms:templates/contents/delete.jinja2",
            delete_confirmation(request, container, nodes),
            request=request,
        )
    elif action in ("copy", "cut"):
        hold(request, action, nodes)
    else:
        transition(request, action, nodes)
    return back_to_contents(request, container)


def transition(request, action, nodes):
    """Publish or retract each node that may be."""

    def fire(node):
        state = STATE_TITLES[node.state].lower()
        try:
            content.transition(
                request.dbsession, request.caller, node, {"transition": action}
            )
        except Invalid:
            message = f"not possible while it is {state}"
            raise Invalid([{"field": "transition", "message": message}]) from None

    items = [(node, node.title) for node in nodes]
    done, refused = each(request, items, fire, f"you may not {action} it")
    report(request, action, done, refused)


def hold(request, action, nodes):
    """Put the nodes on the clipboard to copy or cut them."""
    refused = []
    if action == "cut":
        # Cutting is the first half of a move: it needs edit on each node.
        allowed = [n for n in nodes if request.has_permission(Permission.EDIT, n)]
        refused = [(n.title, "you may not move it") for n in nodes if n not in allowed]
        nodes = allowed
    if nodes:
        try:
            clipboard.put(request, action, nodes)
        except clipboard.TooManyItems:
            flash(request, "That is too many items to hold at once.", "error")
            return
    report(request, action, [node.title for node in nodes], refused)


def paste(request, container):
    """Copy or move what the clipboard holds into *container*."""
    held = clipboard.get(request)
    if held is None:
        flash(request, "There is nothing to paste.", "error")
        return
    if not request.has_permission(Permission.ADD, container):
        flash(request, "You may not add items here.", "error")
        return
    items, refused, here = [], [], []
    for path, node_id in held.entries:
        node = load_node(request.dbsession, path)
        if (
            node is None
            or node.id != node_id
            or not request.has_permission(Permission.VIEW, node)
        ):
            refused.append((path, "it is no longer there"))
        elif held.mode == "cut" and node.parent_id == container.id:
            refused.append((node.title, "it is here already"))
            here.append(node)
        else:
            items.append((node, node.title))
    target = {"to": container.path}
    if held.mode == "copy":
        done, failed = each(
            request,
            items,
            lambda node: tree.copy(request.dbsession, request.caller, node, target),
            "you may not copy it",
        )
    else:
        moved = set()

        def move_here(node):
            tree.move(request.dbsession, request.caller, node, target)
            moved.add(node.id)

        done, failed = each(request, items, move_here, "you may not move it")
        # A cut is pasted once. What could not move stays where it was, and
        # on the clipboard to be pasted elsewhere; what is gone is forgotten.
        kept = here + [node for node, _ in items if node.id not in moved]
        if kept:
            clipboard.put(request, "cut", kept)
        else:
            clipboard.clear(request)
    report(request, "paste", done, refused + failed)


# -- delete, after asking -----------------------------------------------------


def delete_confirmation(request, container, nodes):
    """The page that lists what would be deleted; it posts to delete them."""
    query = batch_query(request)
    parents = set(
        request.dbsession.scalars(
            select(Node.parent_id)
            .where(Node.parent_id.in_([node.id for node in nodes]))
            .distinct()
        )
    )
    return {
        "title": f"Delete items in {container.title}?",
        "container_title": container.title,
        "items": [
            {
                "id": node.name,
                "title": node.title,
                "type": node.type,
                "url": node_url(request, node.path),
                "has_children": node.id in parents,
                "may_delete": request.has_permission(Permission.DELETE, node),
            }
            for node in nodes
        ],
        "action_url": node_url(request, container.path, "@@contents-delete", query),
        "cancel_url": contents_url(request, container, query),
    }


@view_config(
    context=Node,
    name="contents-delete",
    request_method="POST",
    accept="text/html",
    header=FORM_POST,
    permission=Permission.VIEW,
)
def delete_selected(container, request):
    require_manager(request, container)
    names = posted_names(request)
    nodes = selected_children(request, container, names)
    if not nodes:
        # Sent twice, or deleted by someone else meanwhile: nothing to do.
        flash(request, "The selected items are no longer here.", "error")
        return back_to_contents(request, container)
    done, refused = each(
        request,
        [(node, node.title) for node in nodes],
        lambda node: content.remove(request.dbsession, request.caller, node),
        "you may not delete it",
    )
    report(request, "delete", done, refused)
    return back_to_contents(request, container)


# -- up and down ----------------------------------------------------------------


def index_among_all(request, container, child):
    """*child*'s index among all the container's children, listed or not.

    ``editing.order`` counts every child; the page never shows these
    numbers, which would tell how many hidden children lie between two rows.
    """
    nodes = Node.__table__
    return request.dbsession.scalar(
        select(func.count()).where(
            nodes.c.parent_id == container.id,
            tuple_(nodes.c.position, nodes.c.id) < (child.position, child.id),
        )
    )


def neighbour(request, container, child, direction):
    """The listed child above (or below) *child*, or ``None``."""
    key, own = tuple_(Node.position, Node.id), tuple_(child.position, child.id)
    query = select(Node).where(
        Node.parent_id == container.id, viewable_children(request, container)
    )
    if direction == "up":
        query = query.where(key < own).order_by(Node.position.desc(), Node.id.desc())
    else:
        query = query.where(key > own).order_by(Node.position, Node.id)
    return request.dbsession.scalars(query.limit(1)).first()


@view_config(
    context=Node,
    name="contents-order",
    request_method="POST",
    accept="text/html",
    header=FORM_POST,
    permission=Permission.EDIT,
)
def move_up_or_down(container, request):
    """Up and Down buttons, and drops from ``contents.js`` (``move`` onto ``onto``).

    A drop puts the row where the row it was dropped on is (after it going
    down, before it going up). The script asks with ``X-Requested-With``
    and gets 204, or 409 with the reason as text; a form gets the page back.
    """
    if not container.is_container:
        raise HTTPNotFound()
    if "onto" in request.POST:
        names = [request.POST.get("move"), request.POST.get("onto")]
    else:
        direction = "up" if "up" in request.POST else "down"
        names = [request.POST.get(direction)]
    names = [name for name in names if name]
    found = {node.name: node for node in selected_children(request, container, names)}
    if not names or len(found) != len(set(names)):
        return order_answer(request, container, "That item is no longer here.")
    child = found[names[0]]
    if len(names) == 2:
        target = found[names[1]]
        text = f"Moved {quoted(child.title)}."
    else:
        target = neighbour(request, container, child, direction)
        if target is None:
            where = "first" if direction == "up" else "last"
            text = f"{quoted(child.title)} is {where} already."
            return order_answer(request, container, text, kind="info")
        text = f"Moved {quoted(child.title)} {direction}."
    anchor = batch_anchor(request, container)
    index = index_among_all(request, container, target)
    tree.order(
        request.dbsession,
        request.caller,
        container,
        {"id": child.name, "position": index},
    )
    return order_answer(request, container, text, "info", done=True, anchor=anchor)


def order_answer(request, container, text, kind="error", done=False, anchor=None):
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        if done:
            return HTTPNoContent()
        return HTTPConflict(text, content_type="text/plain", body=text)
    flash(request, text, kind)
    return back_to_contents(request, container, anchor)
