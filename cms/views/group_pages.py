"""The site managers' pages for groups: ``/@@groups`` and the pages below it.

Plain HTML forms beside the JSON views of :mod:`cms.views.principals`, on the
same service layer (:mod:`cms.services.principals`), as the users' pages are
(:mod:`cms.views.user_pages`); what both share is in :mod:`cms.accounts`.

Pages (members of ``admins`` only, at the site root only):

- ``/@@groups`` the groups and their member counts; ``/@@groups/@@add``;
- ``/@@groups/NAME`` its title and members (``/@@groups/NAME/@@members``
  adds and removes); ``/@@groups/NAME/@@delete``.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config, view_defaults
from sqlalchemy import func, select

from cms.accounts import (
    ADD,
    CONFIRM_DELETE,
    DELETE,
    MEMBERS,
    AccountViews,
    refusal_status,
    still_a_manager,
    url,
)
from cms.flash import flash
from cms.forms import FORM_POST, by_field, read_form
from cms.models import Group, Node, User
from cms.models.principals import memberships
from cms.permissions import Permission
from cms.services.errors import ServiceError
from cms.services.principals import (
    create_group,
    delete_group,
    find_user,
    update_group,
    update_user,
)

NO_SUCH_USER = "There is no user by this login."


@view_defaults(
    context=Node,
    site_root=True,
    name="groups",
    accept="text/html",
    permission=Permission.MANAGE_PRINCIPALS,
)
class GroupPages(AccountViews):
    """``/@@groups`` and the pages below it."""

    LIST = "cms:templates/accounts/groups.jinja2"
    ADD_FORM = "cms:templates/accounts/group_add.jinja2"
    GROUP = "cms:templates/accounts/group.jinja2"

    @view_config(request_method=("GET", "HEAD"), subpath=0, renderer=LIST)
    def listing(self):
        rows = self.dbsession.execute(
            select(Group, func.count(memberships.c.user_id))
            .outerjoin(memberships, memberships.c.group_id == Group.id)
            .group_by(Group.id)
            .order_by(Group.name)
        ).all()
        return {
            "title": "Groups",
            "groups": [{"group": group, "members": count} for group, count in rows],
            "add_url": url(self.request, "@@groups", ADD),
        }

    def add_page(self, values, errors=(), status=200):
        self.request.response.status = status
        return {
            "title": "Add a group",
            "values": values,
            "errors": by_field(errors),
            "action": url(self.request, "@@groups", ADD),
            "list_url": url(self.request, "@@groups"),
        }

    def group_page(self, group, values=None, errors=(), status=200):
        self.request.response.status = status
        members = self.dbsession.scalars(
            select(User)
            .join(memberships, memberships.c.user_id == User.id)
            .where(memberships.c.group_id == group.id)
            .order_by(User.login)
        ).all()
        base = url(self.request, "@@groups", group.name)
        return {
            "title": f"Group {group.name}",
            "group": group,
            "values": {"title": group.title, "member": "", **(values or {})},
            "errors": by_field(errors),
            "members": members,
            "action": base,
            "members_url": f"{base}/{MEMBERS}",
            "delete_url": f"{base}/{DELETE}",
            "list_url": url(self.request, "@@groups"),
        }

    @view_config(request_method=("GET", "HEAD"), subpath=1, renderer=GROUP)
    def page(self):
        if self.request.subpath[0] == ADD:
            self.request.override_renderer = self.ADD_FORM
            return self.add_page({"name": "", "title": ""})
        return self.group_page(self.named_group())

    @view_config(request_method="POST", header=FORM_POST, subpath=1, renderer=GROUP)
    def save(self):
        if self.request.subpath[0] == ADD:
            self.request.override_renderer = self.ADD_FORM
            return self.create()
        group = self.named_group()
        values, errors = read_form(self.request, ["title"])
        if not errors:
            try:
                update_group(self.dbsession, group, values)
            except ServiceError as error:
                errors = error.errors
        if errors:
            return self.group_page(group, values, errors, status=400)
        flash(self.request, "Saved.")
        return HTTPSeeOther(location=url(self.request, "@@groups"))

    def create(self):
        values, errors = read_form(self.request, ["name", "title"])
        values["name"] = values["name"].strip()
        if errors:
            return self.add_page(values, errors, status=400)
        try:
            group = create_group(self.dbsession, values)
        except ServiceError as error:
            return self.add_page(values, error.errors, refusal_status(error))
        flash(self.request, f"Added group {group.name}.")
        return HTTPSeeOther(location=url(self.request, "@@groups", group.name))

    @view_config(request_method=("GET", "HEAD"), subpath=2, renderer=CONFIRM_DELETE)
    def delete_confirm(self):
        if self.request.subpath[1] != DELETE:
            raise HTTPNotFound()
        group = self.named_group()
        return {
            "title": f"Delete group {group.name}",
            "what": f"the group {group.name}",
            "warning": "Its members stay; the roles given to the group end.",
            "cancel_url": url(self.request, "@@groups", group.name),
        }

    @view_config(request_method="POST", header=FORM_POST, subpath=2, renderer=GROUP)
    def post_below(self):
        action = self.request.subpath[1]
        if action == DELETE:
            return self.delete(self.named_group())
        if action == MEMBERS:
            return self.change_members(self.named_group())
        raise HTTPNotFound()

    def delete(self, group):
        name = group.name
        try:
            delete_group(self.dbsession, group)
        except ServiceError as error:
            flash(self.request, error.errors[0]["message"], "error")
            return HTTPSeeOther(location=url(self.request, "@@groups", name))
        flash(self.request, f"Deleted group {name}.")
        return HTTPSeeOther(location=url(self.request, "@@groups"))

    def change_members(self, group):
        """Add the member named in ``member``, or remove the one in ``remove``.

        Membership is a user's ``groups``: :func:`update_user` checks it (the
        last active admin stays in ``admins``).
        """
        here = url(self.request, "@@groups", group.name)
        values, errors = read_form(self.request, ["member", "remove"])
        if errors:
            return self.group_page(group, values, errors, status=400)
        if values["remove"]:
            user = find_user(self.dbsession, values["remove"])
            if user is None or group not in user.groups:
                flash(self.request, f"{values['remove']} is not a member.", "error")
                return HTTPSeeOther(location=here)
            names = [g.name for g in user.groups if g.id != group.id]
            done = f"Removed {user.login} from the group."
        else:
            login = values["member"].strip().lower()
            user = find_user(self.dbsession, login)
            if user is None:
                error = {"field": "member", "message": NO_SUCH_USER}
                return self.group_page(group, values, [error], status=400)
            if group in user.groups:
                flash(self.request, f"{user.login} is already a member.")
                return HTTPSeeOther(location=here)
            names = [g.name for g in user.groups] + [group.name]
            done = f"Added {user.login} to the group."
        try:
            update_user(self.dbsession, user, {"groups": names})
        except ServiceError as error:
            flash(self.request, error.errors[0]["message"], "error")
            return HTTPSeeOther(location=here)
        flash(self.request, done)
        return HTTPSeeOther(location=still_a_manager(self.request, here))
