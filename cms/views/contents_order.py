"""``{container}/@@contents-order``: move one child up or down the Contents page.

The Up and Down buttons of a row post here, and so does a drop in
``contents.js`` (drag and drop); both go through :func:`cms.services.tree.order`.
"""

from pyramid.httpexceptions import HTTPConflict, HTTPNoContent, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import func, select, tuple_

from cms.contents import back_to_contents, batch_anchor, quoted, selected_children
from cms.flash import flash
from cms.forms import FORM_POST
from cms.models import Node
from cms.permissions import Permission
from cms.security.trimming import viewable_children
from cms.services import tree


def index_among_all(request, container, child):
    """*child*'s index among all the container's children, listed or not.

    ``tree.order`` counts every child; the page never shows these
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
