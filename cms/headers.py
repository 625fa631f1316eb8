"""Headers that every response carries: caching, content negotiation, security."""

from pyramid.events import NewResponse

from cms.security.sessions import COOKIE_NAME
from cms.shared_cache import SHARED_MAX_AGE

#: Scripts, styles and frames come from this site alone.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)


#: Statuses of anonymous answers that shared caches may keep (revalidated).
CACHEABLE = frozenset({200, 203, 204, 300, 301, 304, 404, 410})


def has_credentials(request):
    """Whether the request carried a session cookie or a token (no lookup)."""
    return COOKIE_NAME in request.cookies or "Authorization" in request.headers


def set_headers(event):
    request, response = event.request, event.response
    # One URL answers HTML or JSON by this header: a shared cache must
    # never hand JSON to a browser or HTML to a client.
    vary = list(response.vary or ())
    if "Accept" not in vary:
        response.vary = [*vary, "Accept"]
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    # pyramid_tm's instruction to commit a 4xx answer is for us alone.
    headers.pop("X-TM", None)
    route = getattr(request, "matched_route", None)
    if route is not None and route.name.startswith("__static"):
        # The same stylesheet for everyone: its own caching stands.
        return
    if has_credentials(request):
        # A view may ask for less caching still (a secret shown once).
        if headers.get("Cache-Control") != "no-store":
            headers["Cache-Control"] = "private, no-cache"
    elif (
        request.method in ("GET", "HEAD")
        and response.status_int in CACHEABLE
        and "Cache-Control" not in headers
    ):
        cache_control = "public, max-age=0, must-revalidate"
        # Shared caches may keep the site's pages a while (cms.shared_cache);
        # never the answers of routes (health checks, metrics).
        shared = request.environ.get(SHARED_MAX_AGE)
        if shared and route is None:
            cache_control += f", s-maxage={shared}"
        headers["Cache-Control"] = cache_control


def includeme(config):
    config.add_subscriber(set_headers, NewResponse)
