"""Who asks for a change: the one thing services know of the request."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cms.services.errors import Forbidden
from cms.urls import site_url


@dataclass(frozen=True)
class Caller:
    """The user making a change, what they may do, and what they saw.

    *permits* answers whether the caller holds a permission on a node,
    through the security policy (roles, inheritance and workflow state, read
    as they are at the time of asking). *if_match* is the version of the node
    the caller last read (an ETag), when they said.
    """

    user_id: int | None
    #: The user's login ("" for anonymous), kept with the revisions they make.
    login: str
    permits: Callable[[str, Any], bool]
    #: The site's base URL: a target may be given as a URL of this site.
    site_url: str
    if_match: str | None = None

    def may(self, permission: str, node: Any) -> bool:
        return bool(self.permits(permission, node))

    def require(self, permission: str, node: Any) -> None:
        """Raise :class:`Forbidden` unless the caller may."""
        if not self.may(permission, node):
            raise Forbidden()


def caller_of(request: Any) -> Caller:
    """Return the :class:`Caller` of a Pyramid request."""
    identity = request.identity
    return Caller(
        user_id=identity.user_id if identity is not None else None,
        login=identity.user.login if identity is not None else "",
        permits=request.has_permission,
        site_url=site_url(request),
        if_match=request.headers.get("If-Match"),
    )
