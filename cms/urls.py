"""URLs of nodes, made from their stored path.

Every URL of a node is built here, from ``node.path``: no lineage walk, no
query. ``cms.public_url``, when set, replaces the request's own host.
"""

from urllib.parse import quote, urlencode


def site_url(request):
    """Return the site's base URL, without a trailing slash."""
    return request.registry.settings["cms.public_url"] or request.application_url


def node_url(request, path, view=None, query=None):
    """Return the URL of the node at *path*, or of its view *view*.

    >>> node_url(request, "/about/", "@@edit", {"b_size": 10})
    'http://127.0.0.1:6543/about/@@edit?b_size=10'
    """
    url = site_url(request) + quote(path)
    if view:
        url += quote(view)
    if query:
        url += "?" + urlencode(query)
    return url

