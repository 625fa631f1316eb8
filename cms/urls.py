"""URLs of nodes, made from their stored path.

Every URL of a node is built here, from ``node.path``: no lineage walk, no
query. ``cms.public_url``, when set, replaces the request's own host.
"""

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from pyramid.request import Request

#: The namespace segment that makes any URL answer JSON (see cms.traversal).
API_PREFIX = "++api++"
#: Where :func:`site_url` keeps its answer for the rest of the request.
_SITE_URL = "cms.site_url"


def site_url(request: Request) -> str:
    """Return the site's base URL, without a trailing slash.

    Worked out once per request: a page builds dozens of URLs.
    """
    url = request.environ.get(_SITE_URL)
    if url is None:
        url = request.registry.settings["cms.public_url"] or request.application_url
        request.environ[_SITE_URL] = url
    return url


def node_url(
    request: Request,
    path: str,
    view: str | None = None,
    query: Mapping[str, object] | None = None,
) -> str:
    """Return the URL of the node at *path*, or of its view *view*.

    >>> node_url(request, "/about/", "@@edit", {"b_size": 10})
    'http://127.0.0.1:6543/about/@@edit?b_size=10'
    """
    url = site_url(request) + quote(path)
    if view:
        url += quote(view, safe="@/")
    if query:
        url += "?" + urlencode(query, doseq=True)
    return url


def came_through_api(request: Request) -> bool:
    """Return whether the request's URL starts with ``/++api++``.

    Read from the raw path, so that it is known before traversal, and even
    when the path is not valid UTF-8.
    """
    path = request.environ.get("PATH_INFO", "")
    return path == f"/{API_PREFIX}" or path.startswith(f"/{API_PREFIX}/")


def link_url(
    request: Request,
    path: str,
    view: str | None = None,
    query: Mapping[str, object] | None = None,
) -> str:
    """Return :func:`node_url`, under ``/++api++`` when the request came so.

    For the links an answer hands a client to follow (batching, Location,
    redirects): an integrator on ``/++api++`` stays there. A node's own
    ``@id`` is its canonical URL, :func:`node_url`.
    """
    url = node_url(request, path, view, query)
    if came_through_api(request):
        base = site_url(request)
        url = f"{base}/{API_PREFIX}{url[len(base) :]}"
    return url


def safe_came_from(request: Request, target: object) -> str:
    """Return *target* if it points inside this site, else the site's root.

    Accepted: a path (``/about/``) or an absolute URL on the site's own
    origin. Refused: other hosts, scheme-relative ``//host`` and ``/\\host``,
    other schemes, and anything with control characters.
    """
    home = site_url(request) + "/"
    if not isinstance(target, str) or not target or len(target) > 2000:
        return home
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return home
    for base in (site_url(request), request.application_url):
        if target == base or target.startswith(base + "/"):
            target = target[len(base) :] or "/"
            break
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return home
    # Percent-encode what a Location header cannot carry; keep what is encoded.
    return site_url(request) + quote(target, safe="/?#&=%:@!$'()*+,;~")
