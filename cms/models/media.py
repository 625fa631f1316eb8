"""File and Image: content whose body is an uploaded blob.

The blob itself lives in the blob store (:mod:`cms.storage`), keyed by its
SHA-256; the row keeps the key, the name it was uploaded with, the content
type judged from its content, and its size. An image also keeps its size in
pixels and its scales (each a blob of its own).
"""

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cms.models.node import Node


class File(Node):
    __tablename__ = "files"

    id: Mapped[int] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE"), primary_key=True
    )
    blob_key: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"polymorphic_identity": "File", "polymorphic_load": "inline"}

    is_container = False


class Image(File):
    __tablename__ = "images"

    id: Mapped[int] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True
    )
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    #: ``{"thumb": {"key", "width", "height", "content_type"}, …}``
    scales: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)

    __mapper_args__ = {"polymorphic_identity": "Image", "polymorphic_load": "inline"}
