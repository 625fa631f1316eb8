"""The editor's toolbar: what the caller may do to the page in front of them.

Built from the same permissions the views check; readers get ``None`` and
see no toolbar at all. It shows on a node's own pages alone (:data:`TABS`):
an add form, the preferences or a search are no place for the buttons of
the folder they happen to be shown in. Transitions and Delete act on the
node as readers see it, so they are offered on its page only, not beside a
form whose changes are not saved yet.
"""

from cms.models import Node
from cms.models.meta import utcnow
from cms.permissions import Permission as P
from cms.schedule import note
from cms.schemas import FIELDS
from cms.urls import node_url
from cms.workflow import STATE_TITLES, transitions_from

#: The views of a node that are its own pages, and show the toolbar: the
#: node's page and the pages its toolbar leads to.
TABS = frozenset({"", "edit", "contents", "sharing", "history", "upload"})


def toolbar(request, context):
    """Return the toolbar for *context*, or ``None`` for readers.

    ``None`` too on pages that are not the node's own (:data:`TABS`).
    """
    if not isinstance(context, Node) or request.identity is None:
        return None
    view = getattr(request, "view_name", "")
    if view not in TABS:
        return None
    on_page = view == ""
    may = {
        p: request.has_permission(p, context)
        for p in (P.EDIT, P.ADD, P.DELETE, P.SHARE)
    }
    transitions = [
        {"id": t.id, "title": t.title}
        for t in transitions_from(context)
        if on_page and request.has_permission(t.permission, context)
    ]
    if not any(may.values()) and not transitions:
        return None
    path = context.path
    addable = list(FIELDS) if context.is_container and may[P.ADD] else []
    return {
        "state": context.state,
        "state_title": STATE_TITLES[context.state],
        "schedule": note(context, utcnow()),
        "has_draft": context.has_draft and may[P.EDIT],
        "draft_url": (
            node_url(request, path, query={"version": "draft"})
            if context.has_draft and may[P.EDIT]
            else None
        ),
        "transitions": transitions,
        "workflow_url": node_url(request, path, "@@workflow"),
        "edit_url": node_url(request, path, "@@edit") if may[P.EDIT] else None,
        "delete_url": (
            node_url(request, path, "@@delete")
            if on_page and may[P.DELETE] and context.parent_id is not None
            else None
        ),
        "contents_url": (
            node_url(request, path, "@@contents")
            if context.is_container and (may[P.EDIT] or may[P.ADD])
            else None
        ),
        "upload_url": (
            node_url(request, path, "@@upload")
            if context.is_container and may[P.ADD]
            else None
        ),
        "sharing_url": node_url(request, path, "@@sharing") if may[P.SHARE] else None,
        "history_url": node_url(request, path, "@@history") if may[P.EDIT] else None,
        "add": [
            {"type": name, "url": node_url(request, path, "@@add", {"type": name})}
            for name in addable
        ],
    }
