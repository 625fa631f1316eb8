"""Markers: things done once to a site, remembered so that they stay done.

``initialize_cms_db --demo`` (which ``./bin/serve`` runs at every start)
adds the demo tree once and marks it: demo pages an editor deleted later are
not put back.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cms.models.meta import Base, UTCDateTime, utcnow


class Marker(Base):
    __tablename__ = "markers"

    #: What was done, e.g. "demo".
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
