"""The exception views: every error a request meets, answered for its caller.

The answers themselves, a page or JSON, are made by :mod:`cms.responses`.
Errors raised before any view (looking up who is asking, traversal) and
while pyramid_tm commits after it come here too: the former through
Pyramid's exception view tween, the latter because pyramid_tm hands a failed
commit to the exception views.
"""

import logging
import re

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPClientError,
    HTTPConflict,
    HTTPInternalServerError,
    HTTPMovedPermanently,
    HTTPNotFound,
    HTTPServerError,
    HTTPServiceUnavailable,
)
from pyramid.view import exception_view_config, forbidden_view_config
from sqlalchemy.orm.exc import StaleDataError

from cms.db import SAFE_METHODS
from cms.outage import (
    MESSAGE,
    NOT_SAVED,
    RETRY_AFTER,
    database_unreachable,
    log_unreachable,
)
from cms.page import bare_frame
from cms.redirects import find_redirect
from cms.responses import (
    error_response,
    forbidden_response,
    refusal_response,
    wants_json,
)
from cms.services.errors import ServiceError
from cms.urls import site_url

log = logging.getLogger(__name__)


@exception_view_config(HTTPNotFound)
def not_found(exc, request):
    if request.method in ("GET", "HEAD") and getattr(request, "root", None) is not None:
        moved_to = find_redirect(request)
        if moved_to is not None:
            return HTTPMovedPermanently(location=moved_to)
    # Pyramid's own detail is the path or a predicate name: say it plainly.
    return error_response(
        request,
        exc,
        "There is nothing at this address.",
        page={"search": search_instead(request)},
    )


#: A last segment's file extension (``.html``), which no page's text holds.
EXTENSION = re.compile(r"\.[^\W\d_]{2,5}$")
#: Words of a URL segment: runs of letters and digits.
WORD = re.compile(r"[^\W_]+")
#: No more words than a reader would type.
MAX_WORDS = 10


def search_instead(request):
    """The search a 404 page offers: the words of the address's last segment.

    ``/news/old-storry`` offers a search for ``old storry``, whose results
    (or their absence) the reader may correct.
    """
    segments = [part for part in request.path_info.split("/") if part]
    last = EXTENSION.sub("", segments[-1]) if segments else ""
    words = WORD.findall(last)[:MAX_WORDS]
    return {"action": f"{site_url(request)}/@@search", "words": " ".join(words)}


@exception_view_config(HTTPClientError)
@exception_view_config(HTTPServerError)
def http_error(exc, request):
    return error_response(request, exc, errors=getattr(exc, "errors", None))


@forbidden_view_config()
def forbidden(exc, request):
    return forbidden_response(request, exc)


@exception_view_config(BadCSRFToken)
@exception_view_config(BadCSRFOrigin)
def bad_csrf(exc, request):
    return error_response(
        request,
        exc,
        "This request lacks a valid security token: reload the page and try again.",
    )


@exception_view_config(ServiceError)
def refused(exc, request):
    return refusal_response(request, exc)


@exception_view_config(StaleDataError)
def changed_meanwhile(exc, request):
    # Another writer changed the row between our read and our write.
    return error_response(
        request, HTTPConflict(), "The node changed meanwhile: read it again and retry."
    )


@exception_view_config(UnicodeDecodeError)
def undecodable_url(exc, request):
    # The path or the query string (WebOb decodes both lazily).
    return error_response(request, HTTPBadRequest(), "The URL is not valid UTF-8.")


def database_away(exc, request):
    """503 and Retry-After: the database cannot be reached right now.

    The page asks the database nothing (not even who is logged in).
    """
    log_unreachable(request, exc)
    error = HTTPServiceUnavailable(headers={"Retry-After": str(RETRY_AFTER)})
    message = MESSAGE
    if request.method not in SAFE_METHODS and not wants_json(request):
        # A form was sent: its text is still in the browser, one step back.
        message = f"{MESSAGE} {NOT_SAVED}"
    return error_response(request, error, message, frame=bare_frame(request))


@exception_view_config(Exception)
def unexpected_error(exc, request):
    if database_unreachable(exc):
        return database_away(exc, request)
    # Anything else is a bug: log it with its traceback, show no details.
    log.error(
        "unexpected error on %s %s", request.method, request.path_qs, exc_info=exc
    )
    return error_response(
        request, HTTPInternalServerError(), "Something went wrong on our side."
    )
