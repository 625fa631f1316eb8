"""The security policy: who is asking, and what they may do here.

Identity comes from ``Authorization: Bearer <token>`` (integrators) or else
from the session cookie (browsers); it is looked up once per request.
Permissions come from the context's ACL (derived from its workflow state, see
:func:`cms.workflow.acl_for`) checked by Pyramid's :class:`ACLHelper` against
the caller's principals: ``system.Everyone``, and for a user
``system.Authenticated``, ``user:<id>``, ``group:<id>``, ``system:admins`` for
admins, and ``role:<name>`` for each role held on that context.
"""

from typing import Any

from pyramid.authorization import (
    ACLAllowed,
    ACLDenied,
    ACLHelper,
    Authenticated,
    Everyone,
)
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import Request, RequestLocalCache
from zope.interface import implementer

from cms.models import Node, User
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


def bearer_token(request: Request) -> tuple[bool, str | None]:
    """Return ``(present, token)`` for the Authorization header."""
    header = request.headers.get("Authorization")
    if header is None:
        return False, None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200 or " " in token:
        return True, None
    return True, token


def load_identity(request: Request) -> Identity | None:
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


def principals_for(identity: Identity | None, context: object) -> list[str]:
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
    def __init__(self) -> None:
        self.identity_cache = RequestLocalCache(load_identity)
        self.helper = ACLHelper()

    def identity(self, request: Request) -> Identity | None:
        return self.identity_cache.get_or_create(request)

    def authenticated_userid(self, request: Request) -> int | None:
        identity = self.identity(request)
        return None if identity is None else identity.user_id

    def permits(
        self, request: Request, context: object, permission: str
    ) -> ACLAllowed | ACLDenied:
        principals = principals_for(self.identity(request), context)
        return self.helper.permits(context, principals, permission)

    def remember(
        self, request: Request, userid: int, user: User | None = None, **kw: Any
    ) -> list[tuple[str, str]]:
        """Start a browser session for *user* (by default the user *userid*, as
        Pyramid's ``remember(request, userid)`` says); return its cookie headers.
        """
        if user is None:
            user = request.dbsession.get(User, userid)
            if user is None:
                raise ValueError(f"There is no user {userid!r} to remember.")
        return start_session(request, user)

    def forget(self, request: Request, **kw: Any) -> list[tuple[str, str]]:
        """End the browser session; return headers that drop its cookie."""
        return end_session(request)
