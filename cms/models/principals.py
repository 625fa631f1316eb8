"""Principals and their credentials: users, groups, sessions and API tokens.

Principals are named by id inside the application (``user:7``, ``group:2``)
so that a renamed or re-created account never inherits another's roles; the
JSON API names them by login and group name (``user:alice``).
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.models.meta import Base, UTCDateTime, utcnow

#: The group whose members are managers everywhere and manage principals.
ADMINS = "admins"

memberships = Table(
    "memberships",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")

    @property
    def principal(self) -> str:
        return f"group:{self.id}"

    def __repr__(self) -> str:
        return f"<Group {self.name}>"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    fullname: Mapped[str] = mapped_column(String(200), default="")
    #: An argon2 hash (see :mod:`cms.security.passwords`), never the password.
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )

    groups: Mapped[list[Group]] = relationship(
        secondary=memberships, lazy="selectin", order_by=Group.name
    )

    @property
    def principal(self) -> str:
        return f"user:{self.id}"

    @property
    def is_admin(self) -> bool:
        return any(group.name == ADMINS for group in self.groups)

    def __repr__(self) -> str:
        return f"<User {self.login}>"


class LoginSession(Base):
    """A browser's logged-in session; the cookie holds its secret."""

    __tablename__ = "login_sessions"

    #: SHA-256 of the secret in the cookie: a stolen table opens no session.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    expires: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class ApiToken(Base):
    """A bearer token for integrators; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the token: tokens are long random strings, so a fast hash
    #: is enough, and the lookup is one indexed query.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: ``write``: whatever its user may do; ``read``: every write refused.
    scope: Mapped[str] = mapped_column(
        String(10), default="write", server_default="write"
    )

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class LoginThrottle(Base):
    """Failed logins counted per account and per address, for throttling."""

    __tablename__ = "login_throttle"

    #: ``login:<name>`` or ``addr:<ip>``.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
