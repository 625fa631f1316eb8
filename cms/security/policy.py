"""The security policy: who is asking, and what they may do here.

Identity comes from ``Authorization: Bearer <token>`` (integrators) or else
from the session cookie (browsers); it is looked up once per request.
Permissions come from the context's ACL (derived from its workflow state, see
:func:`cms.workflow.acl_for`) checked by Pyramid's :class:`ACLHelper` against
the caller's principals: ``system.Everyone``, and for a user
``system.Authenticated``, ``user:<id>``, ``group:<id>``, ``system:admins`` for
admins, and ``role:<name>`` for each role held on that context.
"""

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import RequestLocalCache
from zope.interface import implementer

from cms.models import Node
from cms.security.identity import Identity
from cms.security.roles import roles_on
from cms.security.sessions import (
    cookie_secret,
    end_session,
    load_session,
    start_session,
)
from cms.security.tokens import load_token

#: Set in the environ when the request carried credentials that are not valid.
BAD_CREDENTIALS = "cms.bad_credentials"


def bearer_token(request):
    """Return ``(present, token)`` for the Authorization header."""
    header = request.headers.get("Authorization")
    if header is None:
        return False, None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200 or " " in token:
        return True, None
    return True, token


def load_identity(request):
    """Return the request's :class:`Identity`, or ``None`` for anonymous."""
    present, token = bearer_token(request)
    if present:
        row = load_token(request.dbsession, token) if token else None
        if row is None:
            request.environ[BAD_CREDENTIALS] = (
                "The token is missing, invalid or revoked."
            )
            return None
        return Identity(user=row.user, via="token", token=row)
    secret = cookie_secret(request)
    if secret is None:
        return None
    session = load_session(request.dbsession, secret)
    if session is None:
        return None
    return Identity(user=session.user, via="cookie", session=session)


def principals_for(identity, context):
    """Return the principals of *identity* on *context*."""
    principals = [Everyone]
    if identity is not None:
        principals.append(Authenticated)
        principals.extend(identity.principals)
        if isinstance(context, Node):
            principals.extend(f"role:{role}" for role in roles_on(context, identity))
    return principals


@implementer(ISecurityPolicy)
class SecurityPolicy:
    def __init__(self):
        self.identity_cache = RequestLocalCache(load_identity)
        self.helper = ACLHelper()

    def identity(self, request):
        return self.identity_cache.get_or_create(request)

    def authenticated_userid(self, request):
        identity = self.identity(request)
        return None if identity is None else identity.user_id

    def permits(self, request, context, permission):
        principals = principals_for(self.identity(request), context)
        return self.helper.permits(context, principals, permission)

    def remember(self, request, userid, user=None, **kw):
        """Start a browser session for *user*; return its cookie headers."""
        return start_session(request, user)

    def forget(self, request, **kw):
        """End the browser session; return headers that drop its cookie."""
        return end_session(request)
