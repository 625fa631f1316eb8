"""The data model. Importing this package maps every model."""

from sqlalchemy.orm import configure_mappers

from cms.models.content import CONTENT_TYPES, Document, Folder
from cms.models.meta import Base
from cms.models.node import (
    InvalidMove,
    InvalidName,
    NameTaken,
    Node,
    NotAContainer,
    TreeError,
)

configure_mappers()

__all__ = [
    "CONTENT_TYPES",
    "Base",
    "Document",
    "Folder",
    "InvalidMove",
    "InvalidName",
    "NameTaken",
    "Node",
    "NotAContainer",
    "TreeError",
]
