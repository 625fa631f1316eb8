"""The bulk actions of the Contents page: copy, cut, paste, publish, retract, delete.

The page (``{container}/@@contents``, :mod:`cms.views.contents_page`) lists
a container's children with a checkbox each, and its form posts here: an
editor selects several to copy, cut, paste, publish, retract or delete (a
page lists them first; confirming posts to ``@@contents-delete``). Renaming
one is :mod:`cms.views.contents_rename`, moving one up or down (buttons, or
drag and drop) :mod:`cms.views.contents_order`; what these pages share is in
:mod:`cms.contents`.

Every change goes through :mod:`cms.services`. A bulk action acts on each item
inside a SAVEPOINT of its own: an item the service refuses stays exactly as it
was, the others are done, and the flash message names what was not done and
why.
"""

from pyramid.httpexceptions import (
    HTTPBadRequest,
)
from pyramid.renderers import render_to_response
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from cms import clipboard
from cms.contents import (
    back_to_contents,
    batch_query,
    contents_url,
    posted_names,
    quoted,
    require_manager,
    selected_children,
)
from cms.flash import flash
from cms.forms import FORM_POST
from cms.models import Node
from cms.permissions import Permission
from cms.security.visibility import public_count
from cms.services import content, tree
from cms.services.errors import (
    ChangedMeanwhile,
    Forbidden,
    Gone,
    Invalid,
    NameClash,
    ServiceError,
)
from cms.traversal import load_node
from cms.urls import node_url
from cms.views.workflow import CONFIRM as CONFIRM_TRANSITION
from cms.views.workflow import pages
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


# -- one item at a time -------------------------------------------------------


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
        except (Gone, ChangedMeanwhile):
            raise  # replayed as a whole: see cms.services.locks
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


# -- bulk actions -------------------------------------------------------------


@view_defaults(
    context=Node,
    request_method="POST",
    accept="text/html",
    header=FORM_POST,
    permission=Permission.VIEW,
)
class BulkActions:
    """The Contents page's form, and the page that confirms a delete."""

    def __init__(self, container, request):
        self.container = container
        self.request = request

    @view_config(name="contents")
    def contents_action(self):
        container, request = self.container, self.request
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
        elif (
            action == "retract"
            and request.POST.get("confirmed") != "yes"
            and (hidden := public_count(request.dbsession, nodes))
        ):
            # Ask first: readers lose these pages.
            return render_to_response(
                CONFIRM_TRANSITION,
                retract_confirmation(request, container, nodes, hidden),
                request=request,
            )
        else:
            transition(request, action, nodes)
        return back_to_contents(request, container)

    @view_config(name="contents-delete")
    def delete_selected(self):
        container, request = self.container, self.request
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


def retract_confirmation(request, container, nodes, hidden):
    """The page that says what readers lose; it posts the retraction again."""
    query = batch_query(request)
    count = len(nodes)
    return {
        "heading": f"Retract {count} {'item' if count == 1 else 'items'} "
        f"in “{container.title}”?",
        "warning": f"This hides {pages(hidden)} from readers: the selected "
        "items and what is published below them.",
        "button": "Retract",
        "action_url": contents_url(request, container, query),
        "fields": [("action", "retract"), *(("ids", node.name) for node in nodes)],
        "cancel_url": contents_url(request, container, query),
    }


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
        "hidden": public_count(request.dbsession, nodes),
    }
