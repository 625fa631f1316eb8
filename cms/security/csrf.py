"""CSRF protection for requests authenticated by the session cookie.

The token lives in the session's row, so it dies with the session. Bearer
requests and anonymous ones carry no ambient credentials and are exempt;
every unsafe request authenticated by the cookie must send the token, in the
form field ``csrf_token`` or the header ``X-CSRF-Token``.
"""

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.interfaces import ICSRFStoragePolicy
from pyramid.request import Request
from pyramid.util import strings_differ
from zope.interface import implementer

from cms.models import LoginSession


def _session(request: Request) -> LoginSession | None:
    identity = request.identity
    return identity.session if identity is not None else None


@implementer(ICSRFStoragePolicy)
class SessionRowCSRFStoragePolicy:
    def new_csrf_token(self, request: Request) -> str:
        return self.get_csrf_token(request)

    def get_csrf_token(self, request: Request) -> str:
        session = _session(request)
        return session.csrf_token if session is not None else ""

    def check_csrf_token(self, request: Request, supplied_token: str | None) -> bool:
        expected = self.get_csrf_token(request)
        return bool(expected) and not strings_differ(
            expected.encode(), (supplied_token or "").encode()
        )


def needs_csrf_check(request: Request) -> bool:
    """Only requests authenticated by the cookie need the token.

    Reading the token from the form parses the body first: a multipart body
    without its boundary is a 400 here, not a parser crash.
    """
    identity = request.identity
    if identity is None or identity.via != "cookie":
        return False
    if request.content_type == "multipart/form-data" and "boundary=" not in (
        request.headers.get("Content-Type", "")
    ):
        raise HTTPBadRequest("The multipart form has no boundary.")
    return True
