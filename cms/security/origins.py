"""Origins: the site's own, the one a request comes from, and those it trusts.

A browser names the page that made a request in its ``Origin`` header (on
every cross-origin request, and on same-origin ones other than GET and
HEAD). A request from another origin is never authenticated by the session
cookie (:func:`cms.security.sessions.cookie_secret`): a page elsewhere may
call the API with a bearer token only. The origins listed in
``cms.cors_origins`` may read the answers (:mod:`cms.cors`).
"""

from urllib.parse import urlsplit

from pyramid.request import Request

#: The port a scheme implies, which an origin leaves out.
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(text: str) -> str | None:
    """Return *text* as a browser serializes an origin, or ``None``.

    ``HTTPS://Example.org:443`` becomes ``https://example.org``; anything
    but a scheme, a host and a port (a path, a query, ``null``) is no origin.
    """
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_origins(value: object) -> frozenset[str]:
    """Return the origins of the setting ``cms.cors_origins`` (space-separated).

    A typo must not quietly open the API to a host nobody meant, nor leave a
    meant one out: anything that is not an origin stops the start.
    """
    if isinstance(value, frozenset):
        return value
    origins = set()
    for item in str(value or "").split():
        origin = normalize_origin(item)
        if origin is None:
            raise ValueError(
                f"cms.cors_origins: {item!r} is not an origin such as "
                "https://app.example.org (a scheme and a host, no path, no '*')."
            )
        origins.add(origin)
    return frozenset(origins)


def own_origins(request: Request) -> set[str]:
    """The site's own origins: the request's host, and ``cms.public_url``'s."""
    urls = [request.host_url, request.registry.settings.get("cms.public_url")]
    return {
        origin
        for origin in (normalize_origin(url) for url in urls if url)
        if origin is not None
    }


def comes_from_elsewhere(request: Request) -> bool:
    """Whether a browser sent the request from a page of another origin.

    ``Origin: null`` (a sandboxed frame, a page opened from a file) is
    another origin too.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return normalize_origin(origin) not in own_origins(request)
