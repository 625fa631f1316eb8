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
from cms.models.principals import (
    ADMINS,
    ApiToken,
    Group,
    LoginSession,
    LoginThrottle,
    User,
)
from cms.models.sharing import ROLES, LocalRole

configure_mappers()

__all__ = [
    "ADMINS",
    "CONTENT_TYPES",
    "ROLES",
    "ApiToken",
    "Base",
    "Document",
    "Folder",
    "Group",
    "InvalidMove",
    "InvalidName",
    "LocalRole",
    "LoginSession",
    "LoginThrottle",
    "NameTaken",
    "Node",
    "NotAContainer",
    "TreeError",
    "User",
]
