"""Flash messages: one line of news for the page after a form is sent.

They travel in a small signed cookie (Pyramid's cookie session), which is
only ever set for someone who has just sent a form; anonymous readers never
get a cookie from a page.
"""

import json

from pyramid.session import SignedCookieSessionFactory

COOKIE_NAME = "cms_flash"
#: The most the session's JSON may take: signed and base64-encoded, the
#: cookie must stay under the 4 kB browsers keep (Pyramid refuses past it).
SESSION_BUDGET = 2800
#: The shortest a message is cut to before it is dropped.
SHORTEST = 40


def _size(value):
    return len(json.dumps(value, default=str))


def flash(request, message, kind="info"):
    """Show *message* on the next page this browser gets.

    The session also holds the clipboard and the marks of sent forms: a
    message too long for the room left is shortened (and, past the shortest,
    left out) rather than making a cookie the browser would not keep.
    """
    session = request.session
    room = SESSION_BUDGET - _size(dict(session)) - _size({"kind": kind, "text": ""})
    text = str(message)
    while _size(text) > room and len(text) > SHORTEST:
        text = text[: max(SHORTEST, len(text) * 2 // 3) - 1] + "…"
    if _size(text) <= room:
        session.flash({"kind": kind, "text": text})


def messages(request):
    """Return and forget the messages waiting for this browser."""
    if COOKIE_NAME not in request.cookies:
        return []
    return request.session.pop_flash()


def includeme(config):
    settings = config.get_settings()
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["cms.secret"],
            salt="cms.flash",
            cookie_name=COOKIE_NAME,
            secure=settings["cms.secure_cookies"],
            httponly=True,
            samesite="Lax",
            # Flash messages, the clipboard and sent-form marks: an hour idle.
            timeout=3600,
        )
    )
