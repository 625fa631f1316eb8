"""Browser sessions: a signed cookie naming a row of ``login_sessions``.

The cookie carries a random secret, signed with ``cms.secret``; the table
stores only the secret's SHA-256. Logging in always makes a new session (no
fixation); logging out deletes the row, and changing a password deletes all
of the user's rows, so a copied cookie stops working at once.
"""

import secrets
from datetime import timedelta

from pyramid.request import Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from webob.cookies import SignedCookieProfile

from cms.models import LoginSession, User
from cms.models.meta import utcnow
from cms.security.identity import token_digest
from cms.security.origins import comes_from_elsewhere

COOKIE_NAME = "cms_session"


def cookie_profile(request: Request) -> SignedCookieProfile:
    """Return the signed cookie profile bound to *request*."""
    settings = request.registry.settings
    profile = SignedCookieProfile(
        secret=settings["cms.secret"],
        salt="cms.session",
        cookie_name=COOKIE_NAME,
        secure=settings["cms.secure_cookies"],
        httponly=True,
        samesite="Lax",
        path="/",
    )
    return profile.bind(request)


def cookie_secret(request: Request) -> str | None:
    """Return the session secret from the request's cookie, if it is signed.

    A request sent by a page of another origin has none: the browser adds
    the cookie to it, but that page must neither read what the user may
    see nor act in their name (nor log them out). It may use a bearer token.
    """
    if COOKIE_NAME not in request.cookies or comes_from_elsewhere(request):
        return None
    try:
        value = cookie_profile(request).get_value()
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def load_session(dbsession: Session, secret: str) -> LoginSession | None:
    """Return the live session for *secret* with an active user, or ``None``."""
    return dbsession.scalars(
        select(LoginSession)
        .join(LoginSession.user)
        .where(
            LoginSession.id == token_digest(secret),
            LoginSession.expires > utcnow(),
            User.active.is_(True),
        )
    ).one_or_none()


def start_session(request: Request, user: User) -> list[tuple[str, str]]:
    """Make a new session for *user*; return the headers that set its cookie."""
    end_session(request)
    secret = secrets.token_urlsafe(32)
    max_age = request.registry.settings["cms.session_max_age"]
    request.dbsession.add(
        LoginSession(
            id=token_digest(secret),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            expires=utcnow() + timedelta(seconds=max_age),
        )
    )
    return cookie_profile(request).get_headers(secret)


def end_session(request: Request) -> list[tuple[str, str]]:
    """Delete the request's session, if any; return headers that drop the cookie."""
    secret = cookie_secret(request)
    if secret is not None:
        request.dbsession.execute(
            delete(LoginSession).where(LoginSession.id == token_digest(secret))
        )
    return cookie_profile(request).get_headers(None)


def end_all_sessions(dbsession: Session, user: User) -> None:
    """Delete every session of *user* (after a password change or a lock-out)."""
    dbsession.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
