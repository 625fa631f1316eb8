"""Redirects: where a node used to be, so that old URLs keep working.

When a node moves or is renamed, its old path is recorded against the node
(not against its new path): the old URL, and every URL below it, answers 301
to wherever the node is now, however often it moves again. A node that comes
to live at an old path wins over the redirect, which is only looked at when
nothing is found.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.models.meta import Base, UTCDateTime, utcnow
from cms.models.node import Node
from cms.models.tree import PATH_TYPE


class Redirect(Base):
    __tablename__ = "redirects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The path the node had (ending with "/").
    path: Mapped[str] = mapped_column(PATH_TYPE, unique=True)
    node_id: Mapped[int] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), index=True
    )
    created: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )

    node: Mapped[Node] = relationship(lazy="joined", innerjoin=True)
