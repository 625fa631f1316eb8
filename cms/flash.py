"""Flash messages: one line of news for the page after a form is sent.

They travel in a small signed cookie (Pyramid's cookie session), which is
only ever set for someone who has just sent a form; anonymous readers never
get a cookie from a page.
"""

from pyramid.session import SignedCookieSessionFactory

COOKIE_NAME = "cms_flash"


def flash(request, message, kind="info"):
    """Show *message* on the next page this browser gets."""
    request.session.flash({"kind": kind, "text": message})


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
