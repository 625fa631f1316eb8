"""Old URLs of moved nodes: where to send a request for a missing path.

Asked only when nothing lives at the path (the redirects themselves are kept
by :mod:`cms.services.redirects`). The longest recorded prefix of
the path wins: ``/old/a/b/@@edit`` follows a redirect from ``/old/`` to
wherever that node is now, with ``a/b/@@edit`` kept. One query.
"""

from urllib.parse import quote

from pyramid.traversal import split_path_info

from cms.models import Node
from cms.models.tree import is_valid_name
from cms.permissions import Permission
from cms.services.redirects import longest_redirect
from cms.traversal import MAX_DEPTH
from cms.urls import came_through_api, link_url


def find_redirect(request):
    """Return the URL the request's path has moved to, or ``None``.

    Only paths below the deepest node that exists are looked up: a redirect
    from a path where a node lives now is shadowed by it (and following it
    would loop).
    """
    segments = split_path_info(request.path_info)
    if came_through_api(request):
        segments = segments[1:]
    context = getattr(request, "context", None)
    existing = context.path if isinstance(context, Node) else "/"
    prefixes, path = [], "/"
    for segment in segments[:MAX_DEPTH]:
        if not is_valid_name(segment):
            break
        path = f"{path}{segment}/"
        if len(path) > len(existing):
            prefixes.append(path)
    found = longest_redirect(request.dbsession, prefixes)
    if found is None:
        return None
    # Where a node went is only told to those who may see it there.
    if not request.has_permission(Permission.VIEW, found.node):
        return None
    rest = segments[found.path.count("/") - 1 :]
    url = link_url(request, found.node.path) + "/".join(
        quote(segment, safe="@") for segment in rest
    )
    if rest and request.path_info.endswith("/"):
        url += "/"
    if request.query_string:
        url += "?" + request.query_string
    return url
