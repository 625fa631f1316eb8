"""Content types: Folder and Document.

They map onto ``nodes`` by SQLAlchemy inheritance. Each keeps its body in a
table of its own, ``folders`` and ``documents`` (joined-table: a column
``nodes.body`` would collide with ``documents.body`` in a Document's join),
loaded inline so that a query for nodes still costs one statement whatever
their types.
"""

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from cms.models.media import File, Image
from cms.models.node import Node


class Folder(Node):
    """A container of other nodes."""

    __tablename__ = "folders"

    id: Mapped[int] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), primary_key=True
    )
    #: HTML shown above the listing (the home page's own text).
    body: Mapped[str] = mapped_column(Text, default="")

    __mapper_args__ = {"polymorphic_identity": "Folder", "polymorphic_load": "inline"}

    is_container = True


class Document(Node):
    """A page with an HTML body; it may hold children too."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), primary_key=True
    )
    #: HTML shown as the page's main text.
    body: Mapped[str] = mapped_column(Text, default="")

    __mapper_args__ = {"polymorphic_identity": "Document", "polymorphic_load": "inline"}

    is_container = True


#: Content types by their ``@type`` name.
CONTENT_TYPES: dict[str, type[Node]] = {
    # The class's own name: Node's ``__name__`` property (a node's URL
    # segment) is for instances, and type checkers take it for this one.
    cls.__name__: cls  # type: ignore[misc]
    for cls in (Folder, Document, File, Image)
}
