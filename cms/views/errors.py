"""Error answers for each audience: a page in the site's layout, or JSON.

JSON errors have the contract's shape: ``{"error": {"type": "NotFound",
"message": "…"}}``, plus ``errors`` (field-level messages) for a 400.
"""

import logging

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken, PredicateMismatch
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPClientError,
    HTTPConflict,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPMovedPermanently,
    HTTPNotFound,
    HTTPPreconditionFailed,
    HTTPSeeOther,
    HTTPServerError,
    HTTPUnauthorized,
)
from pyramid.renderers import render_to_response
from pyramid.view import exception_view_config, forbidden_view_config
from sqlalchemy.orm.exc import StaleDataError

from cms.redirects import find_redirect
from cms.services.errors import Forbidden, ServiceError
from cms.urls import came_through_api, node_url

log = logging.getLogger(__name__)

#: Friendly titles for the statuses a reader may meet.
TITLES = {
    400: "Bad request",
    401: "Log in required",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Too large",
    414: "Address too long",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


def wants_json(request):
    """Return whether the client wants JSON rather than a page.

    It does when it came through ``/++api++``. A request with a bearer token
    or a JSON body is an integrator's: JSON unless its Accept header prefers
    HTML (``*/*`` does not). Anyone else gets JSON only when their Accept
    header prefers it.
    """
    if came_through_api(request):
        return True
    integrator = request.content_type == "application/json" or _has_bearer(request)
    order = ["application/json", "text/html"]
    if not integrator:
        order.reverse()
    offers = request.accept.acceptable_offers(order)
    if not offers:
        return integrator
    return offers[0][0] == "application/json"


def _has_bearer(request):
    scheme = request.environ.get("HTTP_AUTHORIZATION", "").lstrip()[:7]
    return scheme.lower() == "bearer "


def error_type(exc):
    """Return the error's ``type``: Pyramid's name for it (``NotFound``).

    Our own subclasses (a 400 with field errors) take their Pyramid base's,
    and so does a view found under another predicate (``PredicateMismatch``):
    for the client there is no such view.
    """
    for cls in type(exc).__mro__:
        if cls is PredicateMismatch:
            continue
        if cls.__module__ in ("pyramid.httpexceptions", "pyramid.exceptions"):
            return cls.__name__.removeprefix("HTTP")
    return type(exc).__name__


def error_response(request, exc, message=None, errors=None):
    """Return the response for the HTTP error *exc*, as JSON or as a page."""
    status = exc.status_int
    message = message or exc.detail or exc.explanation or TITLES.get(status, exc.title)
    if wants_json(request):
        body = {"type": error_type(exc), "message": message}
        if errors:
            body["errors"] = errors
        response = render_to_response("json", {"error": body}, request=request)
    else:
        response = render_to_response(
            "cms:templates/errors/error.jinja2",
            {
                "status": status,
                "title": TITLES.get(status, exc.title),
                "message": message,
                "errors": errors or [],
            },
            request=request,
        )
    response.status = exc.status
    # Keep the headers the error carries (Allow, WWW-Authenticate, Location…).
    for name in ("Allow", "WWW-Authenticate", "Retry-After"):
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


@exception_view_config(HTTPNotFound)
def not_found(exc, request):
    if request.method in ("GET", "HEAD") and getattr(request, "root", None) is not None:
        moved_to = find_redirect(request)
        if moved_to is not None:
            return HTTPMovedPermanently(location=moved_to)
    # Pyramid's own detail is the path or a predicate name: say it plainly.
    return error_response(request, exc, "There is nothing at this address.")


@exception_view_config(HTTPClientError)
@exception_view_config(HTTPServerError)
def http_error(exc, request):
    return error_response(request, exc, errors=getattr(exc, "errors", None))


@forbidden_view_config()
def forbidden(exc, request):
    """No permission: 401 or the login page for anonymous callers, else 403."""
    if request.identity is not None:
        return error_response(request, exc, "You may not do this here.")
    if wants_json(request):
        return error_response(
            request,
            HTTPUnauthorized(headers={"WWW-Authenticate": 'Bearer realm="cms"'}),
            "Log in first: send Authorization: Bearer <token>.",
        )
    login = node_url(request, "/", "@@login", {"came_from": request.url})
    return HTTPSeeOther(location=login)


@exception_view_config(BadCSRFToken)
@exception_view_config(BadCSRFOrigin)
def bad_csrf(exc, request):
    return error_response(
        request,
        exc,
        "This request lacks a valid security token: reload the page and try again.",
    )


#: The HTTP error a service's refusal is answered with, by status.
SERVICE_STATUSES = {
    error.code: error
    for error in (
        HTTPBadRequest,
        HTTPForbidden,
        HTTPNotFound,
        HTTPConflict,
        HTTPPreconditionFailed,
    )
}


def refusal_response(request, exc):
    """Return the response for a service's refusal (cms.services.errors)."""
    http = SERVICE_STATUSES[exc.status]()
    if isinstance(exc, Forbidden) and request.identity is None:
        # As for a view's permission: anonymous callers are asked to log in.
        return forbidden(http, request)
    # Field errors go with a 400 only (the contract's error shape).
    errors = exc.errors if http.code == 400 else None
    return error_response(request, http, exc.message, errors=errors or None)


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


@exception_view_config(Exception)
def unexpected_error(exc, request):
    # A 500 is always a bug: log it with its traceback, show no details.
    log.error(
        "unexpected error on %s %s", request.method, request.path_qs, exc_info=exc
    )
    return error_response(
        request, HTTPInternalServerError(), "Something went wrong on our side."
    )
