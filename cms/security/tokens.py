"""API tokens for integrators: ``Authorization: Bearer <token>``.

A token is 32 random bytes, shown once when it is made; only its SHA-256 is
stored. ``last_used`` is written at most once a minute, so reading with a
token does not turn every GET into a write.
"""

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from pyramid.events import NewRequest
from sqlalchemy import or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cms.models import ApiToken, User
from cms.models.meta import utcnow
from cms.outage import database_unreachable
from cms.security.identity import token_digest
from cms.services.errors import Forbidden, Invalid

log = logging.getLogger(__name__)

#: Tokens carry a prefix so that a leaked one is easy to recognise.
PREFIX = "cms_"
#: How stale ``last_used`` may get before it is written again.
LAST_USED_RESOLUTION = timedelta(minutes=1)


#: What a token may do: ``read`` tokens are refused every write.
SCOPES = ("write", "read")
#: The methods that read: all a ``read`` token may send.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The longest a token may live (one year).
MAX_LIFETIME = 365 * 24 * 3600


def token_options(
    data: dict[str, Any], default_title: str = ""
) -> tuple[str, int | None]:
    """Return ``(title, expires_in)`` from a request body, or raise 400."""
    title, expires_in = data.get("title", default_title), data.get("expires_in")
    errors = []
    if not isinstance(title, str) or len(title) > 200:
        errors.append({"field": "title", "message": "At most 200 characters."})
    if expires_in is not None and (
        type(expires_in) is not int or not 60 <= expires_in <= MAX_LIFETIME
    ):
        errors.append(
            {"field": "expires_in", "message": "Seconds, from 60 to one year."}
        )
    if errors:
        raise Invalid(errors)
    return title, expires_in


def token_scope(data: dict[str, Any]) -> str:
    """Return the ``scope`` a request body asks for (default ``write``), or 400."""
    scope = data.get("scope", "write")
    if scope not in SCOPES:
        raise Invalid.field("scope", "read or write.")
    return scope


def create_token(
    dbsession: Session,
    user: User,
    title: str = "",
    expires_in: int | None = None,
    scope: str = "write",
) -> tuple[ApiToken, str]:
    """Make a token for *user*; return ``(row, secret)``: the secret is not stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(seconds=expires_in) if expires_in else None
    token = ApiToken(
        user_id=user.id,
        token_hash=token_digest(secret),
        title=title,
        expires=expires,
        scope=scope,
    )
    dbsession.add(token)
    dbsession.flush()
    return token, secret


def load_token(dbsession: Session, secret: str) -> ApiToken | None:
    """Return the live token for *secret* of an active user, or ``None``."""
    now = utcnow()
    token = dbsession.scalars(
        select(ApiToken)
        .join(ApiToken.user)
        .where(
            ApiToken.token_hash == token_digest(secret),
            or_(ApiToken.expires.is_(None), ApiToken.expires > now),
            User.active.is_(True),
        )
    ).one_or_none()
    if token is not None and (
        token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION
    ):
        note_use(dbsession, token, now)
    return token


def note_use(dbsession: Session, token: ApiToken, now: datetime) -> None:
    """Write ``last_used``, unless the database will not take a write now.

    A token mostly reads: its request's transaction began as a reader, and
    on SQLite another writer may hold the lock when it comes to write (a
    reader's snapshot cannot become a writer's then). The time is a hint
    for people, never worth failing a read: its SAVEPOINT is given up, and
    a later request writes it.
    """
    try:
        with dbsession.begin_nested():
            token.last_used = now
    except OperationalError as error:
        if not database_unreachable(error):
            raise
        log.info("last use of token %s not written: %s", token.id, error.orig)


def serialize_token(token: ApiToken) -> dict[str, Any]:
    """Return what the API shows of a token: never its secret or hash."""
    return {
        "id": token.id,
        "title": token.title,
        "created": token.created,
        "expires": token.expires,
        "last_used": token.last_used,
        "scope": token.scope,
    }


def refuse_writes_of_read_tokens(event: NewRequest) -> None:
    """Answer 403 at once to a write sent with a ``read`` token."""
    request = event.request
    if request.method in READ_METHODS or "HTTP_AUTHORIZATION" not in request.environ:
        return
    identity = request.identity
    token = identity.token if identity is not None else None
    if token is not None and token.scope == "read":
        raise Forbidden("This token may only read: it was made for reading.")
