"""How an answer is made for each audience: a page in the site's layout, or JSON.

JSON errors have the contract's shape: ``{"error": {"type": "NotFound",
"message": "…"}}``, plus ``errors`` (field-level messages) for a 400. A
caller without permission is asked to log in, or told no
(:func:`forbidden_response`); a service's refusal is answered with its
status (:func:`refusal_response`). A write through the JSON API is answered
with the node as it now is (:func:`node_response`).
"""

from pyramid.exceptions import PredicateMismatch
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPForbidden,
    HTTPInsufficientStorage,
    HTTPNotFound,
    HTTPPreconditionFailed,
    HTTPSeeOther,
    HTTPServiceUnavailable,
    HTTPUnauthorized,
)
from pyramid.renderers import render_to_response

from cms.conditional import node_etag
from cms.listing import children_batch
from cms.page import FRAME
from cms.security.trimming import viewable_children
from cms.serializers import serialize_node
from cms.services.errors import Forbidden
from cms.urls import came_through_api, link_url, node_url

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
    507: "Insufficient storage",
}


def wants_json(request):
    """Return whether the client wants JSON rather than a page.

    It does when it came through ``/++api++``. A request with credentials in
    its Authorization header (a bearer token, or one the site refuses as not
    one) or a JSON body is an integrator's: JSON unless its Accept header
    prefers HTML (``*/*`` does not). Anyone else gets JSON only when their
    Accept header prefers it.
    """
    if came_through_api(request):
        return True
    integrator = (
        request.content_type == "application/json"
        or "HTTP_AUTHORIZATION" in request.environ
    )
    order = ["application/json", "text/html"]
    if not integrator:
        order.reverse()
    offers = request.accept.acceptable_offers(order)
    if not offers:
        return integrator
    return offers[0][0] == "application/json"


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


def error_response(request, exc, message=None, errors=None, frame=None, page=None):
    """Return the response for the HTTP error *exc*, as JSON or as a page.

    A page gets the usual frame unless *frame* is given (see
    :func:`cms.page.bare_frame`), and *page*'s values besides (such as the
    search a 404 page offers); JSON never shows them.
    """
    status = exc.status_int
    message = message or exc.detail or exc.explanation or TITLES.get(status, exc.title)
    if wants_json(request):
        response = json_error(request, exc, message, errors)
    else:
        values = {
            "status": status,
            "title": TITLES.get(status, exc.title),
            "message": message,
            "errors": errors or [],
            **(page or {}),
        }
        if frame is not None:
            values[FRAME] = frame
        response = render_to_response(
            "cms:templates/errors/error.jinja2", values, request=request
        )
    response.status = exc.status
    # Keep the headers the error carries (Allow, WWW-Authenticate, Location…).
    for name in ("Allow", "WWW-Authenticate", "Retry-After"):
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


def json_error(request, exc, message, errors=None):
    """Return the contract's JSON error for *exc*, its status not yet set."""
    body = {"type": error_type(exc), "message": message}
    if errors:
        body["errors"] = errors
    return render_to_response("json", {"error": body}, request=request)


def forbidden_response(request, exc):
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


#: The HTTP error a service's refusal is answered with, by status.
SERVICE_STATUSES = {
    error.code: error
    for error in (
        HTTPBadRequest,
        HTTPForbidden,
        HTTPNotFound,
        HTTPConflict,
        HTTPPreconditionFailed,
        HTTPServiceUnavailable,
        HTTPInsufficientStorage,
    )
}


def refusal_response(request, exc):
    """Return the response for a service's refusal (cms.services.errors)."""
    http = SERVICE_STATUSES[exc.status](headers=exc.headers())
    if isinstance(exc, Forbidden) and request.identity is None:
        # As for a view's permission: anonymous callers are asked to log in.
        return forbidden_response(request, http)
    # Field errors go with a 400 only (the contract's error shape).
    errors = exc.errors if http.code == 400 else None
    return error_response(request, http, exc.message, errors=errors or None)


def node_response(request, node, status=200, draft=True):
    """Answer with the node (its draft, for editors) and its ETag."""
    request.dbsession.flush()
    size = request.registry.settings["cms.batch_size"]
    batch = children_batch(
        request.dbsession, node, size, where=viewable_children(request, node)
    )
    data = serialize_node(request, node, batch, draft=draft)
    response = render_to_response("json", data, request=request)
    response.status = status
    response.headers["ETag"] = node_etag(node, data)
    response.last_modified = node.modified
    if status == 201:
        response.location = link_url(request, node.path)
    return response
