"""``@@workflow``: a node's state and the transitions the caller may fire, as JSON."""

from pyramid.view import view_config

from cms.models import Node
from cms.permissions import Permission
from cms.services import content
from cms.validation import read_json
from cms.workflow import STATE_TITLES, transitions_from


def workflow_info(request, node):
    return {
        "state": node.state,
        "title": STATE_TITLES[node.state],
        "transitions": [
            {"id": transition.id, "title": transition.title}
            for transition in transitions_from(node)
            if request.has_permission(transition.permission, node)
        ],
    }


@view_config(
    context=Node,
    name="workflow",
    request_method=("GET", "HEAD"),
    accept="application/json",
    renderer="json",
    permission=Permission.VIEW,
)
def workflow_view(node, request):
    return workflow_info(request, node)


@view_config(
    context=Node,
    name="workflow",
    request_method="POST",
    accept="application/json",
    renderer="json",
    permission=Permission.VIEW,
)
def fire_transition(node, request):
    content.transition(request.dbsession, request.caller, node, read_json(request))
    return workflow_info(request, node)
