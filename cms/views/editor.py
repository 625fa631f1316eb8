"""The editor's pages: add, edit and delete forms, and workflow buttons.

Plain HTML forms that work without JavaScript, on top of the same service
layer as the JSON API (:mod:`cms.services`): every rule is checked there, and
a refusal comes back here as field messages shown next to the fields, with
what the editor typed kept.

Those who may publish get a second button, "Save and publish", that fires
the ``publish`` transition after saving. Each form carries a token, so that
sending the same form twice adds or saves once (see `already_sent`).
"""

import re
import secrets

from pyramid.httpexceptions import (
    HTTPConflict,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    HTTPSeeOther,
)
from pyramid.view import view_config

from cms.files import MULTIPART, read_multipart
from cms.flash import COOKIE_NAME as FLASH_COOKIE
from cms.flash import flash
from cms.headers import CONTENT_SECURITY_POLICY
from cms.models import CONTENT_TYPES, Node
from cms.permissions import Permission
from cms.schemas import FIELDS
from cms.services import content
from cms.services.errors import Conflict, Invalid
from cms.services.revisions import working_copy
from cms.urls import node_url
from cms.validation import FORM_POST, small_number
from cms.workflow import PUBLISHED, STATE_TITLES, TRANSITIONS, transitions_from

FORM = "cms:templates/edit/form.jinja2"

#: The value of the ``save`` button that also publishes.
SAVE_AND_PUBLISH = "publish"
#: How many sent forms a browser's session remembers (see `already_sent`).
REMEMBERED_FORMS = 10
_SESSION_KEY = "sent_forms"
_SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")


def form_page(request, node, type_name, values, errors=(), action="@@edit", status=200):
    request.response.status = status
    adding = action == "@@add"
    fields = FIELDS[type_name]
    rich_text = any(field.html for field in fields)
    page = {
        "title": values.get("title") or f"New {type_name}",
        "type_name": type_name,
        "fields": fields,
        "values": values,
        "errors": {error["field"]: error["message"] for error in errors},
        "action": node_url(request, node.path, action),
        "upload": type_name in content.FILE_TYPES,
        "adding": adding,
        "may_publish": request.has_permission(Permission.PUBLISH, node),
        "submission": submission_token(request),
        "rich_text": rich_text,
        "upload_url": (
            node_url(request, node.path, "@@upload")
            if adding and type_name in content.FILE_TYPES
            else None
        ),
    }
    if not adding and type_name in content.FILE_TYPES:
        page["current_file"] = working_copy(request.dbsession, node)
    if not adding and node.state == PUBLISHED:
        page["makes_draft"] = True
    if rich_text:
        page["style_nonce"] = allow_editor_styles(request)
    return page


def allow_editor_styles(request):
    """Let the rich-text editor add its own ``<style>`` element; return the nonce.

    The site's policy allows styles from our stylesheets only; Trix inserts a
    few rules of its own, marked with this nonce (read from a ``<meta>``).
    """
    nonce = secrets.token_urlsafe(16)
    request.response.headers["Content-Security-Policy"] = (
        f"{CONTENT_SECURITY_POLICY}; style-src 'self' 'nonce-{nonce}'"
    )
    return nonce


# -- double submission ------------------------------------------------------------


def submission_token(request):
    """Return the token that marks one filling-in of a form.

    A form shown again after a refusal keeps its token: sending it again is
    still the same submission.
    """
    token = request.POST.get("submission") if request.method == "POST" else None
    if isinstance(token, str) and _SUBMISSION.fullmatch(token):
        return token
    return secrets.token_urlsafe(16)


def _sent_forms(request):
    if FLASH_COOKIE not in request.cookies:
        return []  # no session yet: do not start one just to look
    sent = request.session.get(_SESSION_KEY)
    return sent if isinstance(sent, list) else []


def already_sent(request):
    """Return the node id a form with this request's token made, or ``None``.

    A browser that sends the same form twice (a double click, the back
    button, a reload that posts again) sends its token twice. The tokens
    live in the browser's signed session cookie (:mod:`cms.flash`), so two
    copies that arrive at the same moment both pass: the script that
    disables the buttons once a form is sent covers that case.
    """
    token = request.POST.get("submission")
    for sent_token, node_id in _sent_forms(request):
        if sent_token == token:
            return node_id
    return None


def remember_sent(request, node):
    """Remember that this request's form token made or changed *node*."""
    token = request.POST.get("submission")
    if not isinstance(token, str) or not _SUBMISSION.fullmatch(token):
        return
    sent = [item for item in _sent_forms(request) if item[0] != token]
    request.session[_SESSION_KEY] = [*sent, [token, node.id]][-REMEMBERED_FORMS:]


def sent_again(request, node_id, fallback, message):
    """Answer a form sent a second time: say so, and show what the first did."""
    node = request.dbsession.get(Node, node_id) if isinstance(node_id, int) else None
    if node is None or not request.has_permission(Permission.VIEW, node):
        node = fallback
    flash(request, message)
    return HTTPSeeOther(location=node_url(request, node.path))


# -- reading the form -------------------------------------------------------------


def form_data(request, type_name):
    """The posted fields this type's form has, and the upload if any."""
    if request.content_type == MULTIPART:
        fields, upload = _read_form_multipart(request)
    else:
        fields, upload = dict(request.POST), None
    names = {field.name for field in FIELDS[type_name]} | {"id"}
    return {key: value for key, value in fields.items() if key in names}, upload


def _read_form_multipart(request):
    """Read a multipart form; a file input left empty sends no file.

    A browser sends an empty part for a file input the editor did not use
    (editing a File without replacing it): that is no upload, not an error.
    """
    try:
        return read_multipart(request)
    except Invalid as error:
        if not _is_empty_file_part(request, error):
            raise
    # The parsed form is cached on the request: read it again without it.
    del request.POST["file"]
    return read_multipart(request)


def _is_empty_file_part(request, error):
    fields = [item["field"] for item in error.errors]
    # An empty part without a file name is parsed as an empty value.
    return fields == ["file"] and request.POST.getall("file") in ([""], [b""])


def typed_fields(request, type_name):
    """Return the text the editor typed, to show the form again after a refusal."""
    names = {field.name for field in FIELDS[type_name]} | {"id"}
    try:
        items = list(request.POST.items())
    except Exception:
        return {}  # an unreadable body has nothing to show
    return {
        key: value for key, value in items if key in names and isinstance(value, str)
    }


def too_large(request):
    """The field error for an upload over ``cms.max_upload_bytes``."""
    limit = request.registry.settings["cms.max_upload_bytes"]
    return [
        {
            "field": "file",
            "message": f"The file is too large: at most {size_text(limit)}.",
        }
    ]


def size_text(size):
    """Return *size* in bytes as a short text (``50 MB``)."""
    for unit, factor in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


# -- publishing while saving ----------------------------------------------------


def wants_publish(request):
    return request.POST.get("save") == SAVE_AND_PUBLISH


def publish_after_save(request, node):
    """Publish the node just saved, if the caller may; return whether it was."""
    publish = TRANSITIONS["publish"]
    if publish not in transitions_from(node) or not request.has_permission(
        publish.permission, node
    ):
        return False
    content.transition(
        request.dbsession, request.caller, node, {"transition": publish.id}
    )
    return True


def flash_saved(request, node):
    """Say what saving the edit form did."""
    if not wants_publish(request):
        flash(request, "Saved as a draft." if node.has_draft else "Saved.")
    elif publish_after_save(request, node):
        flash(request, "Saved and published.")
    elif node.state == PUBLISHED and not node.has_draft:
        flash(request, "Saved. There was nothing new to publish.")
    else:
        flash(request, "Saved, but not published: you may not publish this.", "error")


# -- the views --------------------------------------------------------------------


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
    try:
        data, upload = form_data(request, node.type)
    except HTTPRequestEntityTooLarge:
        data = typed_fields(request, node.type)
        return edit_refused(request, node, data, too_large(request), 413)
    except Invalid as error:
        data = typed_fields(request, node.type)
        return edit_refused(request, node, data, error.errors, 400)
    data.pop("id", None)
    if already_sent(request) == node.id:
        return sent_again(
            request, node.id, node, "This form was already sent and saved once."
        )
    version = small_number(request.POST.get("version"))
    if version is not None and version != node.version:
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
        content.update(request.dbsession, request.caller, node, data, upload)
    except Invalid as error:
        return edit_refused(request, node, data, error.errors, 400)
    remember_sent(request, node)
    flash_saved(request, node)
    return HTTPSeeOther(location=node_url(request, node.path))


def edit_refused(request, node, data, errors, status):
    values = {**data, "version": request.POST.get("version", node.version)}
    return form_page(request, node, node.type, values, errors, status=status)


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

    def refused(data, errors, status):
        return form_page(
            request, container, type_name, data, errors, action="@@add", status=status
        )

    try:
        data, upload = form_data(request, type_name)
    except HTTPRequestEntityTooLarge:
        return refused(typed_fields(request, type_name), too_large(request), 413)
    except Invalid as error:
        return refused(typed_fields(request, type_name), error.errors, 400)
    sent = already_sent(request)
    if sent is not None:
        return sent_again(
            request,
            sent,
            container,
            "This form was already sent once: here is what it added.",
        )
    data = {key: value for key, value in data.items() if value != "" or key == "title"}
    try:
        node = content.create(
            request.dbsession,
            request.caller,
            container,
            {**data, "@type": type_name},
            upload,
        )
    except Invalid as error:
        return refused(data, error.errors, 400)
    except Conflict as error:
        return refused(data, error.messages("id"), 409)
    remember_sent(request, node)
    if not wants_publish(request):
        flash(request, f"Added “{node.title}”.")
    elif publish_after_save(request, node):
        flash(request, f"Added and published “{node.title}”.")
    else:
        flash(request, f"Added “{node.title}”, but you may not publish it.", "error")
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
    content.remove(request.dbsession, request.caller, node)
    flash(request, f"Deleted “{title}”.")
    return HTTPSeeOther(location=node_url(request, parent.path))


@view_config(
    context=Node,
    name="workflow",
    request_method="POST",
    accept="text/html",
    header=FORM_POST,
    permission=Permission.VIEW,
)
def workflow_button(node, request):
    try:
        content.transition(
            request.dbsession,
            request.caller,
            node,
            {"transition": request.POST.get("transition")},
        )
    except Invalid:
        flash(request, "That change of state is not possible now.", "error")
    else:
        state = STATE_TITLES[node.state].lower()
        flash(request, f"“{node.title}” is now {state}.")
    return HTTPSeeOther(location=node_url(request, node.path))
