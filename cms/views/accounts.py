"""The site managers' pages for users and groups: ``/@@users`` and ``/@@groups``.

Plain HTML forms beside the JSON views of :mod:`cms.views.principals`, on the
same service layer (:mod:`cms.services.principals`): every rule (a taken login, a bad
e-mail address, keeping one active admin…) is checked there, and a refusal
comes back here as a message next to its field, with what was typed kept
(never a password).

Pages (members of ``admins`` only, at the site root only):

- ``/@@users`` the users, searched with ``q`` and paged with ``page``;
- ``/@@users/@@add`` a new user; ``/@@users/LOGIN`` one user;
  ``/@@users/LOGIN/@@delete`` asks before deleting;
- ``/@@groups`` the groups and their member counts; ``/@@groups/@@add``;
  ``/@@groups/NAME`` its title and members (``/@@groups/NAME/@@members``
  adds and removes); ``/@@groups/NAME/@@delete``.

``@@`` marks the pages that are not a user or a group: no login or group
name can contain ``@``.
"""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.security import remember
from pyramid.view import view_config, view_defaults
from sqlalchemy import func, or_, select

from cms.flash import flash
from cms.models import Group, Node, User
from cms.models.principals import memberships
from cms.permissions import Permission
from cms.security.guesses import current_password_refusal
from cms.services.errors import ServiceError
from cms.services.principals import (
    create_group,
    create_user,
    delete_group,
    delete_user,
    find_group,
    find_user,
    update_group,
    update_user,
)
from cms.urls import node_url, site_url
from cms.validation import FORM_POST

#: Users shown on one page of ``/@@users``.
PAGE_SIZE = 50
#: The longest search text looked for.
MAX_QUERY = 200
NUL_MESSAGE = "Text may not contain NUL characters."
NO_SUCH_USER = "There is no user by this login."
ADD, DELETE, MEMBERS = "@@add", "@@delete", "@@members"


def url(request, *segments, query=None):
    """Return the URL of a page of ``/@@users`` or ``/@@groups``."""
    return node_url(request, "/", "/".join(segments), query)


def read_form(request, names, lists=()):
    """Return ``(values, errors)``: the posted *names* ('' when absent).

    Fields in *lists* are lists (checkboxes). Text holding a NUL character is
    refused here: no database stores it faithfully.
    """
    post = request.POST
    values, errors = {}, []
    for name in names:
        value = post.getall(name) if name in lists else post.get(name, "")
        values[name] = value
        if any("\x00" in item for item in (value if name in lists else [value])):
            errors.append({"field": name, "message": NUL_MESSAGE})
    return values, errors


def by_field(errors):
    return {error["field"]: error["message"] for error in errors}


def refusal_status(error):
    return error.status


def still_a_manager(request, url_if_so):
    """Where to go after a change: a caller who left ``admins`` goes home."""
    if request.identity is not None and request.identity.user.is_admin:
        return url_if_so
    return site_url(request) + "/"


def all_group_names(dbsession):
    return list(dbsession.scalars(select(Group.name).order_by(Group.name)))


def page_number(request):
    """The ``page`` asked for: a whole number from 1, else 400."""
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 7) or int(raw) < 1:
        raise HTTPBadRequest("The page number is not valid.")
    return int(raw)


@view_defaults(
    context=Node,
    site_root=True,
    name="users",
    accept="text/html",
    permission=Permission.MANAGE_PRINCIPALS,
)
class UserPages:
    """``/@@users`` and the pages below it."""

    FORM = "cms:templates/accounts/user_form.jinja2"

    def __init__(self, context, request):
        self.request = request
        self.dbsession = request.dbsession

    def _user(self):
        user = find_user(self.dbsession, self.request.subpath[0])
        if user is None:
            raise HTTPNotFound()
        return user

    @view_config(
        request_method=("GET", "HEAD"),
        subpath=0,
        renderer="cms:templates/accounts/users.jinja2",
    )
    def listing(self):
        text = self.request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY]
        query = select(User)
        if text:
            query = query.where(
                or_(
                    User.login.icontains(text, autoescape=True),
                    User.fullname.icontains(text, autoescape=True),
                    User.email.icontains(text, autoescape=True),
                )
            )
        total = self.dbsession.scalar(
            select(func.count()).select_from(query.subquery())
        )
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page_number(self.request), pages)
        users = self.dbsession.scalars(
            query.order_by(User.login).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        ).all()

        def page_url(number):
            query = {"q": text} if text else {}
            if number > 1:
                query["page"] = number
            return url(self.request, "@@users", query=query or None)

        return {
            "title": "Users",
            "users": users,
            "q": text,
            "total": total,
            "page": page,
            "pages": pages,
            "prev_url": page_url(page - 1) if page > 1 else None,
            "next_url": page_url(page + 1) if page < pages else None,
            "add_url": url(self.request, "@@users", ADD),
        }

    def form_page(self, values, errors=(), user=None, status=200):
        self.request.response.status = status
        login = user.login if user else None
        return {
            "title": f"User {login}" if user else "Add a user",
            "adding": user is None,
            # One's own new password takes the current one, as everywhere.
            "own": user is not None and user.id == self.request.identity.user.id,
            "values": values,
            "errors": by_field(errors),
            "all_groups": all_group_names(self.dbsession),
            "action": url(self.request, "@@users", login or ADD),
            "delete_url": url(self.request, "@@users", login, DELETE) if user else None,
            "list_url": url(self.request, "@@users"),
        }

    @view_config(request_method=("GET", "HEAD"), subpath=1, renderer=FORM)
    def form(self):
        if self.request.subpath[0] == ADD:
            values = {"login": "", "fullname": "", "email": "", "groups": []}
            return self.form_page({**values, "active": True})
        user = self._user()
        values = {
            "login": user.login,
            "fullname": user.fullname,
            "email": user.email,
            "groups": [group.name for group in user.groups],
            "active": user.active,
        }
        return self.form_page(values, user=user)

    @view_config(request_method="POST", header=FORM_POST, subpath=1, renderer=FORM)
    def save(self):
        adding = self.request.subpath[0] == ADD
        user = None if adding else self._user()
        names = ["fullname", "email", "groups", "password", "current_password"]
        values, errors = read_form(self.request, ["login", *names], lists={"groups"})
        values["active"] = "active" in self.request.POST
        password, current = values.pop("password"), values.pop("current_password")
        if adding:
            values["login"] = values["login"].strip()
        else:
            values["login"] = user.login
        if errors:
            return self.form_page(values, errors, user, status=400)
        data = {key: value for key, value in values.items() if key != "login"}
        if password or adding:
            data["password"] = password
        refusal = (
            password
            and not adding
            and current_password_refusal(self.request, user, current)
        )
        if refusal:
            status, error = refusal
            return self.form_page(values, [error], user, status)
        try:
            if adding:
                user = create_user(self.dbsession, {**data, "login": values["login"]})
            else:
                update_user(self.dbsession, user, data)
        except ServiceError as error:
            return self.form_page(values, error.errors, user, refusal_status(error))
        headers = self._keep_own_session(user, "password" in data)
        flash(self.request, f"Added user {user.login}." if adding else "Saved.")
        location = still_a_manager(self.request, url(self.request, "@@users"))
        return HTTPSeeOther(location=location, headers=headers)

    def _keep_own_session(self, user, new_password):
        """A new password ends the user's sessions: start the caller a new one."""
        identity = self.request.identity
        if (
            new_password
            and user.active
            and identity.via == "cookie"
            and identity.user.id == user.id
        ):
            return remember(self.request, user.id, user=user)
        return None

    @view_config(
        request_method=("GET", "HEAD"),
        subpath=2,
        renderer="cms:templates/accounts/delete.jinja2",
    )
    def delete_confirm(self):
        if self.request.subpath[1] != DELETE:
            raise HTTPNotFound()
        user = self._user()
        return {
            "title": f"Delete user {user.login}",
            "what": f"the user {user.login}",
            "warning": "Their sessions and API tokens end with them.",
            "cancel_url": url(self.request, "@@users", user.login),
        }

    @view_config(request_method="POST", header=FORM_POST, subpath=2)
    def delete(self):
        if self.request.subpath[1] != DELETE:
            raise HTTPNotFound()
        user = self._user()
        login = user.login
        try:
            delete_user(self.dbsession, user)
        except ServiceError as error:
            flash(self.request, error.errors[0]["message"], "error")
            return HTTPSeeOther(location=url(self.request, "@@users", login))
        flash(self.request, f"Deleted user {login}.")
        return HTTPSeeOther(location=url(self.request, "@@users"))


@view_defaults(
    context=Node,
    site_root=True,
    name="groups",
    accept="text/html",
    permission=Permission.MANAGE_PRINCIPALS,
)
class GroupPages:
    """``/@@groups`` and the pages below it."""

    ADD_FORM = "cms:templates/accounts/group_add.jinja2"
    GROUP = "cms:templates/accounts/group.jinja2"

    def __init__(self, context, request):
        self.request = request
        self.dbsession = request.dbsession

    def _group(self):
        group = find_group(self.dbsession, self.request.subpath[0])
        if group is None:
            raise HTTPNotFound()
        return group

    @view_config(
        request_method=("GET", "HEAD"),
        subpath=0,
        renderer="cms:templates/accounts/groups.jinja2",
    )
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
        return self.group_page(self._group())

    @view_config(request_method="POST", header=FORM_POST, subpath=1, renderer=GROUP)
    def save(self):
        if self.request.subpath[0] == ADD:
            self.request.override_renderer = self.ADD_FORM
            return self.create()
        group = self._group()
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

    @view_config(
        request_method=("GET", "HEAD"),
        subpath=2,
        renderer="cms:templates/accounts/delete.jinja2",
    )
    def delete_confirm(self):
        if self.request.subpath[1] != DELETE:
            raise HTTPNotFound()
        group = self._group()
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
            return self.delete(self._group())
        if action == MEMBERS:
            return self.change_members(self._group())
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
