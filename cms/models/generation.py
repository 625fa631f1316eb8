"""The site's generation: a number that every write changes (one row).

The anonymous page cache (:mod:`cms.page_cache`) keeps an answer only while
the generation it was made at is still the database's; :mod:`cms.generation`
changes the number in the transaction of every write.

The schedule's moments are indexed here too: the cache asks for the next
``effective`` or ``expires`` still to come, and each is the first entry of
its index past the present.
"""

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from cms.models.meta import Base
from cms.models.node import Node

#: The one row's id.
GENERATION_ROW = 1


class SiteGeneration(Base):
    __tablename__ = "site_generation"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=GENERATION_ROW)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


Index("ix_nodes_effective", Node.__table__.c.effective)
Index("ix_nodes_expires", Node.__table__.c.expires)
