"""The site's settings: what they hold, how they are checked and read.

``title`` (the header and every ``<title>``), ``description``, ``logo`` (the
uid of an Image, or None), ``footer`` (sanitized HTML) and
``navigation_depth``. They live in one row (:class:`cms.models.SiteSettings`);
a site that never saved them has :data:`DEFAULTS`. Nothing here names the
product: a new site is called :data:`DEFAULT_TITLE` until its managers name
it, and its footer is empty.

Pages read them through ``request.site_settings``: one small query, once per
request, and only for the pages that show them (JSON views of nodes never
do).
"""

import uuid

from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from cms.models import Image, Node, SiteSettings
from cms.models.site_settings import SITE_ROW
from cms.permissions import Permission
from cms.schemas import Field, check_fields
from cms.services.errors import FieldErrors, Invalid
from cms.traversal import load_node
from cms.urls import node_url

#: What a site is called until its managers name it.
DEFAULT_TITLE = "My site"
NAVIGATION_DEPTH = (1, 10)

DEFAULTS = {
    "title": DEFAULT_TITLE,
    "description": "",
    "logo": None,
    "footer": "",
    "navigation_depth": 2,
}
#: Every key is public: anyone may read them, as every page shows them.
KEYS = tuple(DEFAULTS)
_TABLE = SiteSettings.__table__
_READ = select(*(_TABLE.c[key] for key in KEYS)).where(_TABLE.c.id == bindparam("id"))

TEXTS = (
    Field("title", "Title", 200),
    Field("description", "Description", 2000, multiline=True),
    Field("footer", "Footer", 100_000, html=True, multiline=True),
)


def read_settings(dbsession: Session) -> dict:
    """Return the settings (one query): the saved ones, or the defaults.

    A plain row, not an entity: every page reads them, and the ORM's
    loading would cost more than the query.
    """
    row = dbsession.execute(_READ, {"id": SITE_ROW}).first()
    if row is None:
        return dict(DEFAULTS)
    return dict(row._mapping)


def update_settings(dbsession: Session, data: dict) -> dict:
    """Check and save the keys in *data*; return all the settings.

    Unknown keys and bad values raise :class:`Invalid` naming each field;
    nothing is saved then.
    """
    check_fields(data, KEYS)
    values: dict = {}
    errors: FieldErrors = []
    for field in TEXTS:
        if field.name in data:
            value = field.clean(data[field.name], errors)
            if value is not None:
                values[field.name] = value
    if "navigation_depth" in data:
        depth = data["navigation_depth"]
        low, high = NAVIGATION_DEPTH
        if (
            isinstance(depth, int)
            and not isinstance(depth, bool)
            and low <= depth <= high
        ):
            values["navigation_depth"] = depth
        else:
            message = f"A whole number from {low} to {high}."
            errors.append({"field": "navigation_depth", "message": message})
    if "logo" in data:
        logo = _logo(dbsession, data["logo"])
        if logo is False:
            message = "The uid of an image of this site, or null."
            errors.append({"field": "logo", "message": message})
        else:
            values["logo"] = logo
    if errors:
        raise Invalid(errors)
    row = dbsession.get(SiteSettings, SITE_ROW)
    if row is None:
        row = SiteSettings(id=SITE_ROW, **DEFAULTS)
        dbsession.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    dbsession.flush()
    return {key: getattr(row, key) for key in KEYS}


def _logo(dbsession: Session, value: object) -> uuid.UUID | bool | None:
    """The uid of the image *value* names, None for none, False if neither."""
    if value is None or value == "":
        return None
    try:
        uid = uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        uid = None
    if uid is None:
        return False
    found = dbsession.scalar(select(Image.id).where(Image.uid == uid))
    return uid if found is not None else False


def serialize_settings(settings: dict) -> dict:
    return {**settings, "logo": str(settings["logo"]) if settings["logo"] else None}


def logo_image(request: Request, uid: uuid.UUID | None) -> dict | None:
    """``{"src", "width", "height"}`` of the logo, if the caller may see it.

    Two queries, only on a site with a logo: the image's path, then the
    image with its lineage, whose permissions decide.
    """
    if uid is None:
        return None
    dbsession = request.dbsession
    path = dbsession.scalar(select(Node.path).where(Node.uid == uid))
    image = load_node(dbsession, path) if path is not None else None
    if not isinstance(image, Image) or not request.has_permission(
        Permission.VIEW, image
    ):
        return None
    thumb = (image.scales or {}).get("thumb")
    if thumb:
        src = node_url(request, image.path, "@@images/thumb")
        return {"src": src, "width": thumb["width"], "height": thumb["height"]}
    src = node_url(request, image.path, "@@download")
    return {"src": src, "width": image.width, "height": image.height}


def _request_settings(request: Request) -> dict:
    return read_settings(request.dbsession)


def includeme(config: Configurator) -> None:
    config.add_request_method(_request_settings, "site_settings", reify=True)
