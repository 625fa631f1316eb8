"""What the Contents pages of a container share.

Who may use them (:func:`require_manager`), which children an editor
selected, and the batch the editor was on, to go back to it after an action.
The selected names are looked up among the children the caller may view
(:func:`cms.security.trimming.viewable_children`), so a name that is not
listed is answered like a name that does not exist.
"""

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPForbidden,
    HTTPNotFound,
    HTTPSeeOther,
)
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from cms.listing import parse_batch_params
from cms.models import Node
from cms.permissions import Permission
from cms.security.trimming import viewable_children
from cms.urls import node_url


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
