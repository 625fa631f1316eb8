"""``/@@users``, ``/@@groups`` and ``/@@tokens``: principals over JSON.

Users and groups are for members of ``admins``; any user may read and change
their own profile and password and manage their own tokens. Changing one's
own password takes ``current_password`` too (admins changing their own
included), checked like a login. Anonymous callers get 401 and learn nothing.
"""

from pyramid.httpexceptions import HTTPForbidden, HTTPNoContent, HTTPNotFound
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from cms.accounts import AccountViews
from cms.models import Group, Node, User
from cms.permissions import Permission
from cms.responses import refusal_response
from cms.schemas import check_fields
from cms.security.guesses import CURRENT, current_password_error, keep_counts
from cms.security.tokens import (
    create_token,
    serialize_token,
    token_options,
    token_scope,
)
from cms.serializers import serialize_group, serialize_user
from cms.services.errors import Invalid
from cms.services.principals import (
    create_group,
    create_user,
    delete_group,
    delete_user,
    update_group,
    update_user,
)
from cms.validation import read_json

USER_FIELDS = {"login", "password", "email", "fullname", "groups", "active"}
#: What users may change about themselves; the rest is for admins.
SELF_FIELDS = {"password", "email", "fullname"}


@view_defaults(
    context=Node,
    site_root=True,
    name="users",
    renderer="json",
    accept="application/json",
    permission=Permission.MANAGE_PRINCIPALS,
)
class Users(AccountViews):
    """Users: for members of ``admins``, and each user's own."""

    @view_config(subpath=0, request_method="GET")
    def list(self):
        users = self.dbsession.scalars(select(User).order_by(User.login))
        return {"items": [serialize_user(self.request, user) for user in users]}

    @view_config(subpath=0, request_method="POST")
    def create(self):
        data = read_json(self.request)
        check_fields(data, USER_FIELDS)
        user = create_user(self.dbsession, data)
        return self.created(serialize_user(self.request, user))

    def _target(self):
        """The user named in the URL: the caller, or anyone for an admin."""
        login = self.request.subpath[0]
        identity = self.request.identity
        if not identity.is_admin and login != identity.user.login:
            raise HTTPForbidden()
        return self.named_user()

    @view_config(subpath=1, request_method="GET", permission=Permission.AUTHENTICATED)
    def get(self):
        return serialize_user(self.request, self._target())

    @view_config(subpath=1, request_method="PATCH", permission=Permission.AUTHENTICATED)
    def patch(self):
        user = self._target()
        data = read_json(self.request)
        allowed = (
            USER_FIELDS - {"login"} if self.request.identity.is_admin else SELF_FIELDS
        )
        check_fields(data, allowed | {CURRENT})
        current = data.pop(CURRENT, None)
        if "password" in data:
            # Checked before anything changes: a wrong one is kept (counted).
            error = current_password_error(self.request, user, current)
            if error:
                return keep_counts(refusal_response(self.request, Invalid([error])))
        update_user(self.dbsession, user, data)
        return serialize_user(self.request, user)

    @view_config(subpath=1, request_method="DELETE")
    def delete(self):
        delete_user(self.dbsession, self._target())
        return HTTPNoContent()


@view_defaults(
    context=Node,
    site_root=True,
    name="groups",
    renderer="json",
    accept="application/json",
    permission=Permission.MANAGE_PRINCIPALS,
)
class Groups(AccountViews):
    @view_config(request_method="GET", subpath=0)
    def list(self):
        groups = self.dbsession.scalars(select(Group).order_by(Group.name))
        return {"items": [serialize_group(self.request, group) for group in groups]}

    @view_config(request_method="GET", subpath=1)
    def get(self):
        return serialize_group(self.request, self.named_group())

    @view_config(request_method="POST", subpath=0)
    def create(self):
        data = read_json(self.request)
        check_fields(data, {"name", "title"})
        group = create_group(self.dbsession, data)
        return self.created(serialize_group(self.request, group))

    @view_config(request_method="PATCH", subpath=1)
    def patch(self):
        group = self.named_group()
        data = read_json(self.request)
        check_fields(data, {"title"})
        return serialize_group(self.request, update_group(self.dbsession, group, data))

    @view_config(request_method="DELETE", subpath=1)
    def delete(self):
        delete_group(self.dbsession, self.named_group())
        return HTTPNoContent()


@view_defaults(
    context=Node,
    site_root=True,
    name="tokens",
    renderer="json",
    accept="application/json",
    permission=Permission.AUTHENTICATED,
)
class Tokens(AccountViews):
    """The caller's own API tokens: list, make, revoke."""

    @view_config(request_method="GET", subpath=0)
    def list(self):
        return {"items": [serialize_token(token) for token in self.own_tokens()]}

    @view_config(request_method="POST", subpath=0)
    def create(self):
        data = read_json(self.request)
        check_fields(data, {"title", "expires_in", "scope"})
        title, expires_in = token_options(data)
        scope = token_scope(data)
        token, secret = create_token(
            self.dbsession, self.user, title, expires_in, scope
        )
        self.request.response.status = 201
        return {**serialize_token(token), "token": secret}

    @view_config(request_method="DELETE", subpath=1)
    def delete(self):
        token = self.own_token(self.request.subpath[0])
        if token is None:
            raise HTTPNotFound()
        self.dbsession.delete(token)
        return HTTPNoContent()
