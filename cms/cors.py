"""CORS: the origins in ``cms.cors_origins`` may call the JSON API from a page.

Such a page sends a bearer token; the session cookie never counts across
origins (:mod:`cms.security.origins`), so no answer ever says
``Access-Control-Allow-Credentials``. A listed origin is named back in
``Access-Control-Allow-Origin`` (never ``*``); any other origin gets no CORS
header at all, and the browser keeps the answer from its page.

A preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) is answered by a tween above the
transaction and the exception views: whatever the URL, before traversal,
with no look-up of who is asking and no database row read.
"""

from pyramid.events import NewResponse
from pyramid.httpexceptions import HTTPForbidden
from pyramid.response import Response
from pyramid.tweens import EXCVIEW, INGRESS

from cms.observability.context import name_view
from cms.responses import json_error
from cms.security.origins import normalize_origin

ALLOW_METHODS = "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match, Accept"
#: Response headers a page may read besides the always-safe ones.
EXPOSE_HEADERS = "ETag, Location, Link, Retry-After, WWW-Authenticate, X-Request-ID"
#: Seconds a browser may keep a preflight's answer.
MAX_AGE = "600"


def allowed_origin(request):
    """Return the request's ``Origin`` when it is listed, else ``None``."""
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    if normalize_origin(origin) in request.registry.settings["cms.cors_origins"]:
        return origin
    return None


def is_preflight(request):
    return (
        request.method == "OPTIONS"
        and "Origin" in request.headers
        and "Access-Control-Request-Method" in request.headers
    )


def preflight(request):
    """204 with what a listed origin may send; 403 (JSON) to any other."""
    origin = allowed_origin(request)
    if origin is None:
        response = json_error(
            request,
            HTTPForbidden(),
            "This origin may not call the API from a browser.",
        )
        response.status = 403
        return response
    response = Response(status=204)
    response.headers.update(
        {
            "Access-Control-Allow-Methods": ALLOW_METHODS,
            "Access-Control-Allow-Headers": ALLOW_HEADERS,
            "Access-Control-Max-Age": MAX_AGE,
        }
    )
    return response


def preflight_tween_factory(handler, registry):
    def preflight_tween(request):
        if is_preflight(request):
            name_view("preflight")
            return preflight(request)
        return handler(request)

    return preflight_tween


def cors_headers(event):
    """Name a listed origin back; tell caches that answers differ by origin.

    Every answer may: a listed origin's carries CORS headers, and a request
    from another origin is not authenticated by the cookie.
    """
    request, response = event.request, event.response
    vary = list(response.vary or ())
    if "Origin" not in vary:
        response.vary = [*vary, "Origin"]
    origin = allowed_origin(request)
    if origin is None:
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    if not is_preflight(request):
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS


def includeme(config):
    # Above pyramid_tm (over the exception views, as it is): no transaction.
    config.add_tween(
        "cms.cors.preflight_tween_factory",
        under=INGRESS,
        over=("pyramid_tm.tm_tween_factory", EXCVIEW),
    )
    config.add_subscriber(cors_headers, NewResponse)
