"""The site managers' pages for users: ``/@@users`` and the pages below it.

Plain HTML forms beside the JSON views of :mod:`cms.views.principals`, on the
same service layer (:mod:`cms.services.principals`): every rule (a taken login, a bad
e-mail address, keeping one active admin…) is checked there, and a refusal
comes back here as a message next to its field, with what was typed kept
(never a password).

Pages (members of ``admins`` only, at the site root only):

- ``/@@users`` the users, searched with ``q`` and paged with ``page``;
- ``/@@users/@@add`` a new user; ``/@@users/LOGIN`` one user;
  ``/@@users/LOGIN/@@delete`` asks before deleting.

The groups' pages are :mod:`cms.views.group_pages`; what both share is in
:mod:`cms.accounts`.
"""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.security import remember
from pyramid.view import view_config, view_defaults
from sqlalchemy import func, or_, select

from cms.accounts import (
    ADD,
    CONFIRM_DELETE,
    DELETE,
    AccountViews,
    refusal_status,
    still_a_manager,
    url,
)
from cms.flash import flash
from cms.forms import FORM_POST, by_field, read_form
from cms.models import Group, Node, User
from cms.permissions import Permission
from cms.security.guesses import current_password_refusal
from cms.services.errors import ServiceError
from cms.services.principals import (
    create_user,
    delete_user,
    update_user,
)

#: Users shown on one page of ``/@@users``.
PAGE_SIZE = 50
#: The longest search text looked for.
MAX_QUERY = 200


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
class UserPages(AccountViews):
    """``/@@users`` and the pages below it."""

    LIST = "cms:templates/accounts/users.jinja2"
    FORM = "cms:templates/accounts/user_form.jinja2"

    @view_config(request_method=("GET", "HEAD"), subpath=0, renderer=LIST)
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
        user = self.named_user()
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
        user = None if adding else self.named_user()
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

    @view_config(request_method=("GET", "HEAD"), subpath=2, renderer=CONFIRM_DELETE)
    def delete_confirm(self):
        if self.request.subpath[1] != DELETE:
            raise HTTPNotFound()
        user = self.named_user()
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
        user = self.named_user()
        login = user.login
        try:
            delete_user(self.dbsession, user)
        except ServiceError as error:
            flash(self.request, error.errors[0]["message"], "error")
            return HTTPSeeOther(location=url(self.request, "@@users", login))
        flash(self.request, f"Deleted user {login}.")
        return HTTPSeeOther(location=url(self.request, "@@users"))
