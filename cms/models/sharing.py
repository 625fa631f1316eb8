"""Local roles: a role granted to a user or a group on one node.

A grant holds on the node and, by inheritance, on its subtree, down to any
node that blocks inheritance (``Node.inherit_roles``). Exactly one of
``user_id`` and ``group_id`` is set; deleting the principal deletes its grants.
"""

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.models.meta import Base
from cms.models.principals import Group, User

#: Roles that may be granted on a node; ``owner`` is implied, never granted.
ROLES = ("reader", "contributor", "editor", "manager")


class LocalRole(Base):
    __tablename__ = "local_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[int] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    # Role checks need only the ids; names are loaded for @@sharing alone.
    user: Mapped[User | None] = relationship(lazy="select")
    group: Mapped[Group | None] = relationship(lazy="select")

    __table_args__ = (
        CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)", name="one_principal"
        ),
        CheckConstraint(
            "role IN ('reader', 'contributor', 'editor', 'manager')", name="known_role"
        ),
    )

    @property
    def principal(self) -> str:
        """The internal principal: ``user:<id>`` or ``group:<id>``."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"group:{self.group_id}"

    @property
    def principal_name(self) -> str:
        """The principal as the API names it: ``user:alice``, ``group:staff``."""
        # The foreign key (and the check constraint) guarantee the row.
        if self.user_id is not None:
            assert self.user is not None
            return f"user:{self.user.login}"
        assert self.group is not None
        return f"group:{self.group.name}"
