"""What the site managers' pages for users and groups share.

Their addresses (:func:`url`), the status of a refusal, and where to go after
a change. ``@@`` marks the pages that are not a user or a group: no login or
group name can contain ``@``.
"""

from cms.urls import node_url, site_url

ADD, DELETE, MEMBERS = "@@add", "@@delete", "@@members"


def url(request, *segments, query=None):
    """Return the URL of a page of ``/@@users`` or ``/@@groups``."""
    return node_url(request, "/", "/".join(segments), query)


def refusal_status(error):
    """The status a refusal of the service is answered with (409, 400…)."""
    return error.status


def still_a_manager(request, url_if_so):
    """Where to go after a change: a caller who left ``admins`` goes home."""
    if request.identity is not None and request.identity.user.is_admin:
        return url_if_so
    return site_url(request) + "/"
