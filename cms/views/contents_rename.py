"""``{container}/@@contents-rename?item=NAME``: rename one child from the contents.

A small form for the child's short name and title, reached from a row of
the Contents page (:mod:`cms.views.contents_page`; what they share is in
:mod:`cms.contents`). Both changes go through :mod:`cms.services`, and every
message is shown at once; a stale form (the child changed since it was
shown) answers 409 and keeps what was typed.
"""

from pyramid.httpexceptions import HTTPConflict, HTTPForbidden, HTTPNotFound
from pyramid.view import view_config, view_defaults

from cms.contents import (
    back_to_contents,
    batch_query,
    contents_url,
    quoted,
    require_manager,
    selected_children,
)
from cms.flash import flash
from cms.forms import FORM_POST, small_number
from cms.models import Node
from cms.permissions import Permission
from cms.services import content, tree
from cms.services.errors import Conflict, Invalid
from cms.services.revisions import working_copy
from cms.urls import node_url

RENAME = "cms:templates/contents/rename.jinja2"


def renamed_child(request, container):
    names = request.GET.getall("item")
    nodes = selected_children(request, container, names[:1]) if len(names) == 1 else []
    return nodes[0] if nodes else None


def rename_page(request, container, child, values, errors=(), status=200):
    request.response.status = status
    query = batch_query(request)
    return {
        "title": f"Rename {child.title}",
        "child_title": child.title,
        "values": values,
        "errors": {
            (error["field"] if error["field"] in values else "form"): error["message"]
            for error in errors
        },
        "action_url": node_url(
            request, container.path, "@@contents-rename", {"item": child.name, **query}
        ),
        "cancel_url": contents_url(request, container, query),
    }


@view_defaults(
    context=Node,
    name="contents-rename",
    accept="text/html",
    renderer=RENAME,
    permission=Permission.VIEW,
)
class RenamePage:
    def __init__(self, container, request):
        self.container = container
        self.request = request

    @view_config(request_method=("GET", "HEAD"))
    def rename_form(self):
        container, request = self.container, self.request
        require_manager(request, container)
        child = renamed_child(request, container)
        if child is None:
            raise HTTPNotFound("There is no such item here.")
        if not request.has_permission(Permission.EDIT, child):
            raise HTTPForbidden()
        title = working_copy(request.dbsession, child)["title"]
        values = {"id": child.name, "title": title, "version": child.version}
        return rename_page(request, container, child, values)

    @view_config(request_method="POST", header=FORM_POST)
    def rename_save(self):
        container, request = self.container, self.request
        require_manager(request, container)
        child = renamed_child(request, container)
        if child is None:
            # Sent twice (it has its new name already), or gone meanwhile.
            flash(request, "That item is no longer here under that name.", "error")
            return back_to_contents(request, container)
        if not request.has_permission(Permission.EDIT, child):
            raise HTTPForbidden()
        old_name = child.name
        old_title = working_copy(request.dbsession, child)["title"]
        values = {
            "id": request.POST.get("id", old_name).strip(),
            "title": request.POST.get("title", old_title),
            "version": request.POST.get("version", ""),
        }
        version = small_number(values["version"])
        if version is not None and version != child.version:
            message = (
                "Someone else changed this item meanwhile: it is now called "
                f"{quoted(old_title)}, at “{old_name}”. Send again to replace that."
            )
            values["version"] = child.version
            return rename_page(
                request,
                container,
                child,
                values,
                [{"field": "form", "message": message}],
                status=HTTPConflict.code,
            )
        # Both changes are tried, so that the form shows every message at once;
        # an error answer makes pyramid_tm roll back whatever went through.
        errors, status = [], 400
        if values["id"] != old_name:
            try:
                tree.move(
                    request.dbsession, request.caller, child, {"id": values["id"]}
                )
            except Invalid as error:
                errors += error.errors
            except Conflict as error:
                errors += error.messages("id")
                status = HTTPConflict.code
        if values["title"] != old_title:
            try:
                content.update(
                    request.dbsession, request.caller, child, {"title": values["title"]}
                )
            except Invalid as error:
                errors += error.errors
        if errors:
            return rename_page(request, container, child, values, errors, status)
        if values["id"] == old_name and values["title"] == old_title:
            flash(request, f"{quoted(old_title)} is unchanged.")
        elif values["title"] == old_title:
            flash(request, f"{quoted(old_title)} is now at “{values['id']}”.")
        elif child.has_draft:
            flash(request, f"Renamed {quoted(old_title)}; the new title is a draft.")
        else:
            flash(request, f"Renamed {quoted(old_title)} to {quoted(values['title'])}.")
        return back_to_contents(request, container)
