"""Who is asking: an :class:`Identity` from a session cookie or a bearer token."""

import hashlib
from dataclasses import dataclass, field

from cms.models import ApiToken, LoginSession, User
from cms.workflow import ADMIN_PRINCIPAL


def token_digest(secret: str) -> str:
    """Return the SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Identity:
    """An authenticated user, and how they proved it."""

    user: User
    #: ``"cookie"`` (a browser session) or ``"token"`` (an integrator).
    via: str
    session: LoginSession | None = None
    token: ApiToken | None = None
    principals: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        principals = {self.user.principal}
        principals.update(group.principal for group in self.user.groups)
        if self.is_admin:
            principals.add(ADMIN_PRINCIPAL)
        self.principals = frozenset(principals)

    @property
    def user_id(self) -> int:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def group_ids(self) -> list[int]:
        return [group.id for group in self.user.groups]
