"""The editor's pages: add, edit and delete forms, and workflow buttons.

Plain HTML forms that work without JavaScript, on top of the same service
layer as the JSON API (:mod:`cms.editing`): every rule is checked there, and
a refusal comes back here as field messages shown next to the fields, with
what the editor typed kept.
"""

from pyramid.httpexceptions import HTTPConflict, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from cms import editing
from cms.files import MULTIPART, read_multipart
from cms.flash import flash
from cms.models import CONTENT_TYPES, Node
from cms.revisions import working_copy
from cms.schemas import FIELDS
from cms.security.permissions import Permission
from cms.urls import node_url
from cms.validation import Invalid

FORM = "cms:templates/edit/form.jinja2"


def form_page(request, node, type_name, values, errors=(), action="@@edit", status=200):
    request.response.status = status
    return {
        "title": values.get("title") or f"New {type_name}",
        "type_name": type_name,
        "fields": FIELDS[type_name],
        "values": values,
        "errors": {error["field"]: error["message"] for error in errors},
        "action": node_url(request, node.path, action),
        "upload": type_name in editing.FILE_TYPES,
        "adding": action == "@@add",
    }


def form_data(request, type_name):
    """The posted fields this type's form has, and the upload if any."""
    if request.content_type == MULTIPART:
        fields, upload = read_multipart(request)
    else:
        fields, upload = dict(request.POST), None
    names = {field.name for field in FIELDS[type_name]} | {"id"}
    return {key: value for key, value in fields.items() if key in names}, upload


@view_config(
    context=Node,
    name="edit",
    request_method=("GET", "HEAD"),
    renderer=FORM,
    permission=Permission.EDIT,
)
def edit_form(node, request):
    values = working_copy(request.dbsession, node)
    values["version"] = node.version
    return form_page(request, node, node.type, values)


@view_config(
    context=Node,
    name="edit",
    request_method="POST",
    renderer=FORM,
    permission=Permission.EDIT,
)
def edit_save(node, request):
    data, upload = form_data(request, node.type)
    data.pop("id", None)
    version = request.POST.get("version", "")
    if version.isdigit() and int(version) != node.version:
        # Someone saved since this form was opened: show both, lose neither.
        theirs = working_copy(request.dbsession, node)
        page = form_page(
            request,
            node,
            node.type,
            {**data, "version": node.version},
            [{"field": "form", "message": "Someone else saved this page meanwhile."}],
            status=HTTPConflict.code,
        )
        page["theirs"] = theirs
        return page
    try:
        editing.update(request, node, data, upload)
    except Invalid as error:
        return form_page(request, node, node.type, data, error.errors, status=400)
    flash(request, "Saved as a draft." if node.has_draft else "Saved.")
    return HTTPSeeOther(location=node_url(request, node.path))


@view_config(
    context=Node,
    name="add",
    request_method=("GET", "HEAD"),
    renderer=FORM,
    permission=Permission.ADD,
)
def add_form(container, request):
    type_name = request.GET.get("type")
    if type_name not in CONTENT_TYPES or not container.is_container:
        raise HTTPNotFound()
    return form_page(request, container, type_name, {}, action="@@add")


@view_config(
    context=Node,
    name="add",
    request_method="POST",
    renderer=FORM,
    permission=Permission.ADD,
)
def add_save(container, request):
    type_name = request.GET.get("type") or request.POST.get("@type")
    if type_name not in CONTENT_TYPES or not container.is_container:
        raise HTTPNotFound()
    data, upload = form_data(request, type_name)
    data = {key: value for key, value in data.items() if value != "" or key == "title"}
    try:
        node = editing.create(request, container, {**data, "@type": type_name}, upload)
    except Invalid as error:
        return form_page(
            request,
            container,
            type_name,
            data,
            error.errors,
            action="@@add",
            status=400,
        )
    except HTTPConflict as error:
        errors = [{"field": "id", "message": str(error)}]
        return form_page(
            request, container, type_name, data, errors, action="@@add", status=409
        )
    flash(request, f"Added “{node.title}”.")
    return HTTPSeeOther(location=node_url(request, node.path))


@view_config(
    context=Node,
    name="delete",
    request_method=("GET", "HEAD"),
    renderer="cms:templates/edit/delete.jinja2",
    permission=Permission.DELETE,
)
def delete_confirm(node, request):
    return {"title": node.title, "path": node.path}


@view_config(
    context=Node,
    name="delete",
    request_method="POST",
    accept="text/html",
    permission=Permission.DELETE,
)
def delete_node(node, request):
    parent, title = node.__parent__, node.title
    editing.remove(request, node)
    flash(request, f"Deleted “{title}”.")
    return HTTPSeeOther(location=node_url(request, parent.path))


@view_config(
    context=Node,
    name="workflow",
    request_method="POST",
    accept="text/html",
    header="Content-Type:application/x-www-form-urlencoded",
    permission=Permission.VIEW,
)
def workflow_button(node, request):
    try:
        editing.transition(
            request, node, {"transition": request.POST.get("transition")}
        )
    except Invalid:
        flash(request, "That change of state is not possible now.", "error")
    else:
        flash(request, f"The page is now {node.state}.")
    return HTTPSeeOther(location=node_url(request, node.path))
