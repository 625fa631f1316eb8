"""``/@@users``, ``/@@groups`` and ``/@@tokens``: principals over JSON.

Users and groups are for members of ``admins``; any user may read and change
their own profile and password and manage their own tokens. Changing one's
own password takes ``current_password`` too (admins changing their own
included), checked like a login. Anonymous callers get 401 and learn nothing.
"""

from pyramid.httpexceptions import (
    HTTPForbidden,
    HTTPNoContent,
    HTTPNotFound,
)
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from cms.models import ApiToken, Group, Node, User
from cms.permissions import Permission
from cms.schemas import check_fields
from cms.security.guesses import CURRENT, current_password_error, keep_counts
from cms.security.tokens import create_token, serialize_token, token_options
from cms.serializers import serialize_group, serialize_user
from cms.services.errors import Invalid
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
from cms.validation import read_json, small_number
from cms.views.errors import refusal_response

USER_FIELDS = {"login", "password", "email", "fullname", "groups", "active"}
#: What users may change about themselves; the rest is for admins.
SELF_FIELDS = {"password", "email", "fullname"}


@view_defaults(context=Node, site_root=True, renderer="json", accept="application/json")
class Users:
    def __init__(self, context, request):
        self.request = request
        self.dbsession = request.dbsession

    @view_config(
        name="users",
        subpath=0,
        request_method="GET",
        permission=Permission.MANAGE_PRINCIPALS,
    )
    def list(self):
        users = self.dbsession.scalars(select(User).order_by(User.login))
        return {"items": [serialize_user(self.request, user) for user in users]}

    @view_config(
        name="users",
        subpath=0,
        request_method="POST",
        permission=Permission.MANAGE_PRINCIPALS,
    )
    def create(self):
        data = read_json(self.request)
        check_fields(data, USER_FIELDS)
        user = create_user(self.dbsession, data)
        body = serialize_user(self.request, user)
        self.request.response.status = 201
        self.request.response.location = body["@id"]
        return body

    def _target(self):
        """The user named in the URL: the caller, or anyone for an admin."""
        login = self.request.subpath[0]
        identity = self.request.identity
        if not identity.is_admin and login != identity.user.login:
            raise HTTPForbidden()
        user = find_user(self.dbsession, login)
        if user is None:
            raise HTTPNotFound()
        return user

    @view_config(
        name="users",
        subpath=1,
        request_method="GET",
        permission=Permission.AUTHENTICATED,
    )
    def get(self):
        return serialize_user(self.request, self._target())

    @view_config(
        name="users",
        subpath=1,
        request_method="PATCH",
        permission=Permission.AUTHENTICATED,
    )
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

    @view_config(
        name="users",
        subpath=1,
        request_method="DELETE",
        permission=Permission.MANAGE_PRINCIPALS,
    )
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
class Groups:
    def __init__(self, context, request):
        self.request = request
        self.dbsession = request.dbsession

    def _target(self):
        group = find_group(self.dbsession, self.request.subpath[0])
        if group is None:
            raise HTTPNotFound()
        return group

    @view_config(request_method="GET", subpath=0)
    def list(self):
        groups = self.dbsession.scalars(select(Group).order_by(Group.name))
        return {"items": [serialize_group(self.request, group) for group in groups]}

    @view_config(request_method="GET", subpath=1)
    def get(self):
        return serialize_group(self.request, self._target())

    @view_config(request_method="POST", subpath=0)
    def create(self):
        data = read_json(self.request)
        check_fields(data, {"name", "title"})
        group = create_group(self.dbsession, data)
        body = serialize_group(self.request, group)
        self.request.response.status = 201
        self.request.response.location = body["@id"]
        return body

    @view_config(request_method="PATCH", subpath=1)
    def patch(self):
        group = self._target()
        data = read_json(self.request)
        check_fields(data, {"title"})
        return serialize_group(self.request, update_group(self.dbsession, group, data))

    @view_config(request_method="DELETE", subpath=1)
    def delete(self):
        delete_group(self.dbsession, self._target())
        return HTTPNoContent()


@view_defaults(
    context=Node,
    site_root=True,
    name="tokens",
    renderer="json",
    accept="application/json",
    permission=Permission.AUTHENTICATED,
)
class Tokens:
    """The caller's own API tokens: list, make, revoke."""

    def __init__(self, context, request):
        self.request = request
        self.dbsession = request.dbsession
        self.user = request.identity.user if request.identity else None

    @view_config(request_method="GET", subpath=0)
    def list(self):
        tokens = self.dbsession.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == self.user.id)
            .order_by(ApiToken.id)
        )
        return {"items": [serialize_token(token) for token in tokens]}

    @view_config(request_method="POST", subpath=0)
    def create(self):
        data = read_json(self.request)
        check_fields(data, {"title", "expires_in"})
        title, expires_in = token_options(data)
        token, secret = create_token(self.dbsession, self.user, title, expires_in)
        self.request.response.status = 201
        return {**serialize_token(token), "token": secret}

    @view_config(request_method="DELETE", subpath=1)
    def delete(self):
        token_id = self.request.subpath[0]
        token = None
        number = small_number(token_id)
        if number is not None:
            token = self.dbsession.scalars(
                select(ApiToken).where(
                    ApiToken.id == number, ApiToken.user_id == self.user.id
                )
            ).one_or_none()
        if token is None:
            raise HTTPNotFound()
        self.dbsession.delete(token)
        return HTTPNoContent()
