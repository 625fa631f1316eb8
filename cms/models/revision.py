"""Revisions: every save and every transition of a node, numbered per node.

A revision keeps a snapshot of the node's content fields (``data``), which
fields the save changed, who made it and when. The node row holds what
readers get (the live content); when a published node is edited, the newest
revision is its draft until ``publish`` makes it live (``Node.has_draft``).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.models.meta import Base, UTCDateTime, utcnow
from cms.models.principals import User


class Revision(Base):
    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"))
    #: 1 for the node's creation, then 2, 3, … in the order they were made.
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The author's login when the revision was made (kept if they go).
    author_login: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    #: The node's content fields after this save.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The names of the fields this save changed.
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)

    author: Mapped[User | None] = relationship(lazy="select")

    __table_args__ = (
        UniqueConstraint("node_id", "version", name="uq_revisions_node_id_version"),
    )
