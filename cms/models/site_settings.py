"""The site's settings: its title, description, logo, footer, navigation depth.

One row (``id`` = 1) of one table, with a column per setting: each is typed
and checked by the database, the row is read whole in one small query per
page, and a missing row simply means the defaults (a new site needs no
migration data). A key/value table would store every value as text and need
the same checks in Python alone.
"""

import uuid

from sqlalchemy import CheckConstraint, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cms.models.meta import Base

#: The one row's id.
SITE_ROW = 1


class SiteSettings(Base):
    __tablename__ = "site_settings"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=SITE_ROW)
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: The uid of an Image shown in the header, or None.
    logo: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    #: Sanitized HTML.
    footer: Mapped[str] = mapped_column(Text, default="")
    navigation_depth: Mapped[int] = mapped_column(Integer, default=2)
