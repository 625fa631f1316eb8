"""What the site managers' pages for users and groups share.

Their addresses (:func:`url`), the status of a refusal, and where to go after
a change. ``@@`` marks the pages that are not a user or a group: no login or
group name can contain ``@``.
"""

from cms.principals import PrincipalConflict
from cms.urls import node_url, site_url

ADD, DELETE, MEMBERS = "@@add", "@@delete", "@@members"


def url(request, *segments, query=None):
    """Return the URL of a page of ``/@@users`` or ``/@@groups``."""
    return node_url(request, "/", "/".join(segments), query)


def refusal_status(error):
    """A refusal of the service: 409 for a name already taken, else 400."""
    return 409 if isinstance(error, PrincipalConflict) else 400


def still_a_manager(request, url_if_so):
    """Where to go after a change: a caller who left ``admins`` goes home."""
    if request.identity is not None and request.identity.user.is_admin:
        return url_if_so
    return site_url(request) + "/"
