"""``/@@site-settings``: the site's title, description, logo, footer and depth.

JSON: anyone may ``GET`` them (every page shows them anyway); ``PATCH`` and
the editor's page are for the site's managers, those who may share its root
(the ``manager`` role there, and members of ``admins``). Editing pages is
not enough (an editor of the root gets 403): the settings change every page
of the site at once, as sharing the root does.

The page is a plain HTML form, posted to ``/@@site-settings`` with the CSRF
token; a refusal comes back with its message next to its field and what was
typed kept. The rules are the service's (:mod:`cms.services.site_settings`).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config, view_defaults

from cms.flash import flash
from cms.forms import FORM_POST, by_field, read_form, small_number
from cms.models import Node
from cms.permissions import Permission
from cms.services.errors import Invalid
from cms.services.site_settings import (
    KEYS,
    NAVIGATION_DEPTH,
    serialize_settings,
    update_settings,
)
from cms.urls import node_url
from cms.validation import read_json

PAGE = "cms:templates/site/settings.jinja2"
SAVED = "The site settings are saved."


@view_defaults(context=Node, site_root=True, name="site-settings", subpath=0)
class SiteSettingsViews:
    def __init__(self, context, request):
        self.request = request

    @view_config(
        request_method=("GET", "HEAD"),
        accept="application/json",
        renderer="json",
        permission=NO_PERMISSION_REQUIRED,
    )
    def get(self):
        return serialize_settings(self.request.site_settings)

    @view_config(request_method="PATCH", renderer="json", permission=Permission.SHARE)
    def patch(self):
        data = read_json(self.request)
        return serialize_settings(update_settings(self.request.dbsession, data))

    @view_config(
        request_method=("GET", "HEAD"),
        accept="text/html",
        renderer=PAGE,
        permission=Permission.SHARE,
    )
    @view_config(
        request_method=("GET", "HEAD"), renderer=PAGE, permission=Permission.SHARE
    )
    def page(self, values=None, errors=(), status=200):
        self.request.response.status = status
        if values is None:
            values = serialize_settings(self.request.site_settings)
            values["logo"] = values["logo"] or ""
        return {
            "title": "Site settings",
            "values": values,
            "errors": by_field(errors),
            "depths": NAVIGATION_DEPTH,
            "action": node_url(self.request, "/", "@@site-settings"),
        }

    @view_config(
        request_method="POST",
        header=FORM_POST,
        renderer=PAGE,
        permission=Permission.SHARE,
    )
    def post(self):
        values, errors = read_form(self.request, KEYS)
        if not errors:
            data = {**values, "logo": values["logo"].strip() or None}
            depth = small_number(values["navigation_depth"].strip())
            # Not a number: the service names the field.
            data["navigation_depth"] = (
                values["navigation_depth"] if depth is None else depth
            )
            try:
                update_settings(self.request.dbsession, data)
            except Invalid as error:
                errors = error.errors
        if errors:
            return self.page(values, errors, status=400)
        flash(self.request, SAVED)
        return HTTPSeeOther(location=node_url(self.request, "/", "@@site-settings"))
