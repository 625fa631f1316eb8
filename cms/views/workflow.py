"""``@@workflow``: a node's state and the transitions the caller may fire.

As JSON for integrators; a page's workflow buttons post the same name as a
form and get the page back, with a message. A button that would take pages
away from readers (retracting a published section) first shows a page that
says how many, and fires only when that page's button is pressed.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.view import view_config, view_defaults

from cms.flash import flash
from cms.forms import FORM_POST
from cms.models import Node
from cms.permissions import Permission
from cms.security.visibility import public_count
from cms.serializers import workflow_info
from cms.services import content
from cms.services.errors import Invalid
from cms.urls import node_url
from cms.validation import read_json
from cms.workflow import PUBLISHED, STATE_TITLES, TRANSITIONS, transitions_from

CONFIRM = "cms:templates/edit/transition.jinja2"


@view_defaults(
    context=Node,
    name="workflow",
    accept="application/json",
    renderer="json",
    permission=Permission.VIEW,
)
class Workflow:
    def __init__(self, node, request):
        self.node = node
        self.request = request

    @view_config(request_method=("GET", "HEAD"))
    def workflow_view(self):
        node, request = self.node, self.request
        return workflow_info(request, node)

    @view_config(request_method="POST")
    def fire_transition(self):
        node, request = self.node, self.request
        content.transition(request.dbsession, request.caller, node, read_json(request))
        return workflow_info(request, node)


def pages(count):
    """*count* published pages, in words."""
    return f"{count} published page" + ("" if count == 1 else "s")


@view_config(
    context=Node,
    name="workflow",
    request_method="POST",
    accept="text/html",
    header=FORM_POST,
    permission=Permission.VIEW,
)
def workflow_button(node, request):
    name = request.POST.get("transition")
    chosen = TRANSITIONS.get(name) if isinstance(name, str) else None
    if (
        chosen is not None
        and chosen.target != PUBLISHED
        and request.POST.get("confirmed") != "yes"
        and chosen in transitions_from(node)
        and request.has_permission(chosen.permission, node)
    ):
        hidden = public_count(request.dbsession, [node])
        if hidden:
            if node.parent_id is None:
                warning = f"This hides the whole site from readers: {pages(hidden)}."
            elif hidden == 1:
                warning = "Readers will no longer see this page."
            else:
                warning = (
                    f"This hides {pages(hidden)} from readers: this page and "
                    f"{hidden - 1} below it."
                )
            return render_to_response(
                CONFIRM,
                {
                    "heading": f"{chosen.title} “{node.title}”?",
                    "warning": warning,
                    "button": chosen.title,
                    "action_url": node_url(request, node.path, "@@workflow"),
                    "fields": [("transition", chosen.id)],
                    "cancel_url": node_url(request, node.path),
                },
                request=request,
            )
    try:
        content.transition(
            request.dbsession,
            request.caller,
            node,
            {"transition": name},
        )
    except Invalid:
        flash(request, "That change of state is not possible now.", "error")
    else:
        state = STATE_TITLES[node.state].lower()
        flash(request, f"“{node.title}” is now {state}.")
    return HTTPSeeOther(location=node_url(request, node.path))
