"""The data model. Importing this package maps every model."""

from sqlalchemy.orm import configure_mappers

from cms.models.content import CONTENT_TYPES, Document, Folder
from cms.models.generation import SiteGeneration
from cms.models.marker import Marker
from cms.models.media import File, Image
from cms.models.meta import Base
from cms.models.node import Node
from cms.models.principals import (
    ADMINS,
    ApiToken,
    Group,
    LoginSession,
    LoginThrottle,
    User,
)
from cms.models.redirect import Redirect
from cms.models.revision import Revision
from cms.models.sharing import ROLES, LocalRole
from cms.models.site_settings import SiteSettings
from cms.models.tree import (
    InvalidMove,
    InvalidName,
    NameTaken,
    NotAContainer,
    TreeError,
)

configure_mappers()

# Every session writes the search index with the content it flushes; the hook
# is registered on import, wherever the models are used (app, scripts, tests).
# And every commit that wrote gives the site a new generation (cms.page_cache).
import cms.generation  # noqa: E402
import cms.search.index  # noqa: E402,F401

__all__ = [
    "ADMINS",
    "CONTENT_TYPES",
    "ROLES",
    "ApiToken",
    "Base",
    "Document",
    "File",
    "Folder",
    "Group",
    "Image",
    "InvalidMove",
    "InvalidName",
    "LocalRole",
    "LoginSession",
    "LoginThrottle",
    "Marker",
    "NameTaken",
    "Node",
    "NotAContainer",
    "Redirect",
    "Revision",
    "SiteGeneration",
    "SiteSettings",
    "TreeError",
    "User",
]
