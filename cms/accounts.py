"""What the views of accounts share: users, groups and API tokens.

:class:`AccountViews` is the base of their views, over JSON
(:mod:`cms.views.principals`) and as pages (:mod:`cms.views.user_pages`,
:mod:`cms.views.group_pages`, :mod:`cms.views.preferences`): the caller, the
user or group a URL names, the caller's own tokens.

For the site managers' pages: their addresses (:func:`url`), the status of a
refusal, and where to go after a change. ``@@`` marks the pages that are not
a user or a group: no login or group name can contain ``@``.
"""

from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select

from cms.forms import small_number
from cms.models import ApiToken
from cms.services.principals import find_group, find_user
from cms.urls import node_url, site_url

ADD, DELETE, MEMBERS = "@@add", "@@delete", "@@members"
#: The page that asks before a user or a group is deleted.
CONFIRM_DELETE = "cms:templates/accounts/delete.jinja2"


def url(request, *segments, query=None):
    """Return the URL of a page of ``/@@users`` or ``/@@groups``."""
    return node_url(request, "/", "/".join(segments), query)


def refusal_status(error):
    """The status a refusal of the service is answered with (409, 400…)."""
    return error.status


def still_a_manager(request, url_if_so):
    """Where to go after a change: a caller who left ``admins`` goes home."""
    if request.identity is not None and request.identity.user.is_admin:
        return url_if_so
    return site_url(request) + "/"


class AccountViews:
    """Base of the views of users, groups and tokens.

    The user or group a URL names is the first segment after the view's name
    (``/@@users/LOGIN``, ``/@@groups/NAME``).
    """

    def __init__(self, context, request):
        self.request = request
        self.dbsession = request.dbsession
        #: The caller's own account (``None`` for anonymous callers).
        self.user = request.identity.user if request.identity else None

    def named_user(self):
        """The user named in the URL, or 404."""
        return _found(find_user(self.dbsession, self.request.subpath[0]))

    def named_group(self):
        """The group named in the URL, or 404."""
        return _found(find_group(self.dbsession, self.request.subpath[0]))

    def created(self, body):
        """Answer 201 with *body*, whose ``@id`` is where it now lives."""
        self.request.response.status = 201
        self.request.response.location = body["@id"]
        return body

    def own_tokens(self):
        """The caller's API tokens, oldest first."""
        return self.dbsession.scalars(self._tokens().order_by(ApiToken.id)).all()

    def own_token(self, token_id):
        """The caller's token numbered *token_id* (text), or ``None``."""
        number = small_number(token_id)
        if number is None:
            return None
        query = self._tokens().where(ApiToken.id == number)
        return self.dbsession.scalars(query).one_or_none()

    def _tokens(self):
        # Only views that ask for a login (Permission.AUTHENTICATED) get here.
        assert self.user is not None
        return select(ApiToken).where(ApiToken.user_id == self.user.id)


def _found(principal):
    if principal is None:
        raise HTTPNotFound()
    return principal
