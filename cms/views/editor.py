"""The editor's pages: the forms that add a node and edit one.

Plain HTML forms that work without JavaScript, on top of the same service
layer as the JSON API (:mod:`cms.services`): every rule is checked there, and
a refusal comes back here as field messages shown next to the fields, with
what the editor typed kept.

Those who may publish get a second button, "Save and publish", that fires
the ``publish`` transition after saving. Each form carries a token, so that
sending the same form twice adds or saves once (see
:func:`cms.forms.already_sent`).
"""

from pyramid.httpexceptions import (
    HTTPConflict,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    HTTPSeeOther,
)
from pyramid.view import view_config, view_defaults

from cms.assets import editor_script_url
from cms.files import size_text
from cms.flash import flash
from cms.forms import (
    already_sent,
    form_data,
    remember_sent,
    sent_again,
    small_number,
    submission_token,
    typed_fields,
)
from cms.models import CONTENT_TYPES, Node
from cms.permissions import Permission
from cms.schedule import SCHEDULE, TITLES, form_value
from cms.schemas import FIELDS
from cms.services import content
from cms.services.errors import Conflict, Invalid, StoreUnavailable
from cms.services.revisions import working_copy
from cms.urls import node_url, site_url
from cms.workflow import PUBLISHED, TRANSITIONS, transitions_from

FORM = "cms:templates/edit/form.jinja2"

#: The value of the ``save`` button that also publishes.
SAVE_AND_PUBLISH = "publish"
SAVED_MEANWHILE = "Someone else saved this page meanwhile."


def form_page(request, node, type_name, values, errors=(), action="@@edit", status=200):
    request.response.status = status
    adding = action == "@@add"
    fields = FIELDS[type_name]
    rich_text = any(field.html for field in fields)
    page = {
        "title": values.get("title") or f"New {type_name}",
        "type_name": type_name,
        "fields": fields,
        "schedule": [
            {"name": name, "title": TITLES[name], "value": form_value(values.get(name))}
            for name in SCHEDULE
        ],
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
        # The stored file is downloadable; a draft's new one is not yet.
        page["current_file_url"] = (
            None if node.has_draft else node_url(request, node.path, "@@download")
        )
    if not adding and node.state == PUBLISHED:
        page["makes_draft"] = True
    if rich_text:
        page["editor_script"] = editor_script_url(request)
        page["chooser"] = chooser(request, node, adding)
    return page


def chooser(request, node, adding):
    """Where the rich-text editor's chooser of pages and images starts.

    It opens on the page's folder: the container a new page is added to, a
    folder itself, else the edited page's parent.
    """
    path = node.path
    if not adding and node.type != "Folder" and path != "/":
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
    return {
        "site": site_url(request),
        "start": node_url(request, path),
        "containers": " ".join(
            sorted(name for name, cls in CONTENT_TYPES.items() if cls.is_container)
        ),
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


def store_failed(request, error):
    """The file field's message when the file store failed (507, 503).

    The form is shown again with it, and ``Retry-After`` when it may pass.
    """
    request.response.headers.update(error.headers())
    return error.messages("file")


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


def flash_saved(request, node, changed=True):
    """Say what saving the edit form did (*changed*: whether it changed anything)."""
    if not wants_publish(request):
        if not changed:
            flash(request, "Nothing changed: there was nothing to save.")
        else:
            flash(request, "Saved as a draft." if node.has_draft else "Saved.")
    elif publish_after_save(request, node):
        flash(request, "Saved and published.")
    elif node.state == PUBLISHED and not node.has_draft:
        flash(request, "Saved. There was nothing new to publish.")
    else:
        flash(request, "Saved, but not published: you may not publish this.", "error")


def edit_refused(request, node, data, errors, status):
    values = {**data, "version": request.POST.get("version", node.version)}
    return form_page(request, node, node.type, values, errors, status=status)


# -- the views --------------------------------------------------------------------


@view_defaults(context=Node, renderer=FORM)
class EditorForms:
    """The add and edit forms, and what they post."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    @view_config(
        name="edit", request_method=("GET", "HEAD"), permission=Permission.EDIT
    )
    def edit_form(self):
        node, request = self.context, self.request
        values = working_copy(request.dbsession, node)
        values["version"] = node.version
        values.update({name: getattr(node, name) for name in SCHEDULE})
        return form_page(request, node, node.type, values)

    @view_config(name="edit", request_method="POST", permission=Permission.EDIT)
    def edit_save(self):
        node, request = self.context, self.request
        try:
            data, upload = form_data(request, node.type)
        except HTTPRequestEntityTooLarge:
            data = typed_fields(request, node.type)
            return edit_refused(request, node, data, too_large(request), 413)
        except Invalid as error:
            data = typed_fields(request, node.type)
            return edit_refused(request, node, data, error.errors, 400)
        except StoreUnavailable as error:
            data = typed_fields(request, node.type)
            errors = store_failed(request, error)
            return edit_refused(request, node, data, errors, error.status)
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
                [{"field": "form", "message": SAVED_MEANWHILE}],
                status=HTTPConflict.code,
            )
            page["theirs"] = theirs
            return page
        before = node.version
        try:
            content.update(request.dbsession, request.caller, node, data, upload)
        except Invalid as error:
            return edit_refused(request, node, data, error.errors, 400)
        except StoreUnavailable as error:
            errors = store_failed(request, error)
            return edit_refused(request, node, data, errors, error.status)
        remember_sent(request, node)
        # Every change writes the node's row (a draft too), which moves its
        # version on: the same version is nothing saved.
        flash_saved(request, node, changed=node.version != before)
        # A draft saved: show it (the page shows what readers still see).
        query = {"version": "draft"} if node.has_draft else None
        return HTTPSeeOther(location=node_url(request, node.path, query=query))

    @view_config(name="add", request_method=("GET", "HEAD"), permission=Permission.ADD)
    def add_form(self):
        container, request = self.context, self.request
        type_name = request.GET.get("type")
        if type_name not in CONTENT_TYPES or not container.is_container:
            raise HTTPNotFound()
        return form_page(request, container, type_name, {}, action="@@add")

    @view_config(name="add", request_method="POST", permission=Permission.ADD)
    def add_save(self):
        container, request = self.context, self.request
        type_name = request.GET.get("type") or request.POST.get("@type")
        if type_name not in CONTENT_TYPES or not container.is_container:
            raise HTTPNotFound()

        def refused(data, errors, status):
            return form_page(
                request,
                container,
                type_name,
                data,
                errors,
                action="@@add",
                status=status,
            )

        try:
            data, upload = form_data(request, type_name)
        except HTTPRequestEntityTooLarge:
            return refused(typed_fields(request, type_name), too_large(request), 413)
        except Invalid as error:
            return refused(typed_fields(request, type_name), error.errors, 400)
        except StoreUnavailable as error:
            errors = store_failed(request, error)
            return refused(typed_fields(request, type_name), errors, error.status)
        sent = already_sent(request)
        if sent is not None:
            return sent_again(
                request,
                sent,
                container,
                "This form was already sent once: here is what it added.",
            )
        data = {
            key: value for key, value in data.items() if value != "" or key == "title"
        }
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
        except StoreUnavailable as error:
            return refused(data, store_failed(request, error), error.status)
        remember_sent(request, node)
        if not wants_publish(request):
            flash(request, f"Added “{node.title}”.")
        elif publish_after_save(request, node):
            flash(request, f"Added and published “{node.title}”.")
        else:
            flash(
                request, f"Added “{node.title}”, but you may not publish it.", "error"
            )
        return HTTPSeeOther(location=node_url(request, node.path))
