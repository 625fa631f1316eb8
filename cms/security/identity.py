"""Who is asking: an :class:`Identity` from a session cookie or a bearer token."""

import hashlib
from dataclasses import dataclass, field

from cms.workflow import ADMIN_PRINCIPAL


def token_digest(secret):
    """Return the SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Identity:
    """An authenticated user, and how they proved it."""

    user: object
    #: ``"cookie"`` (a browser session) or ``"token"`` (an integrator).
    via: str
    session: object = None
    token: object = None
    principals: frozenset = field(init=False)

    def __post_init__(self):
        principals = {self.user.principal}
        principals.update(group.principal for group in self.user.groups)
        if self.is_admin:
            principals.add(ADMIN_PRINCIPAL)
        self.principals = frozenset(principals)

    @property
    def user_id(self):
        return self.user.id

    @property
    def is_admin(self):
        return self.user.is_admin

    @property
    def group_ids(self):
        return [group.id for group in self.user.groups]
