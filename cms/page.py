"""What every page shows around its content: header, navigation, toolbar, breadcrumbs.

The header and footer show the site's settings (its title, logo, footer):
one query per page (``request.site_settings``), two more when there is a
logo.

The frame is built in Python, before anything is rendered, so that a view
can put it in its ETag (a renamed ancestor changes the breadcrumbs, hence
the tag) and templates only render data they are given. Views with an ETag
build it themselves (:func:`page_frame`); every other page gets it from the
:class:`~pyramid.events.BeforeRender` subscriber below.

It needs nothing but the request: an error page for a URL that could not
even be traversed (``request.context`` unset) still has a frame. A page
made while the database cannot be reached has a frame that asks it nothing
(:func:`bare_frame`).
"""

from typing import Any

from pyramid.config import Configurator
from pyramid.csrf import get_csrf_token
from pyramid.events import BeforeRender
from pyramid.request import Request
from sqlalchemy.exc import SQLAlchemyError

from cms.flash import messages
from cms.models import Node
from cms.navigation import navigation
from cms.permissions import Permission as P
from cms.serializers import breadcrumbs, feed_url
from cms.services.site_settings import logo_image
from cms.theme import theme_stylesheet
from cms.toolbar import toolbar
from cms.urls import site_url

#: The key under which templates find the frame.
FRAME = "frame"
#: What the header and footer show when the site's settings cannot be read.
NAMELESS_SITE = {"title": "", "description": "", "logo": None, "footer": ""}


def page_frame(request: Request, context: object = None) -> dict[str, Any]:
    """Return the frame of a page about *context* (a node, or anything)."""
    node = context if isinstance(context, Node) else None
    root = node.lineage()[-1] if node is not None else None
    identity = request.identity
    user = None
    if identity is not None:
        user = {
            "name": identity.user.fullname or identity.user.login,
            # Users and groups are managed at the root, which is in every
            # loaded lineage: no query.
            "manages_principals": root is not None
            and bool(request.has_permission(P.MANAGE_PRINCIPALS, root)),
            # The site is its root's managers' (cms.views.site_settings).
            "manages_site": root is not None
            and bool(request.has_permission(P.SHARE, root)),
        }
    return {
        "site_url": site_url(request),
        "theme_css": theme_stylesheet(request),
        "site": site_frame(request),
        "user": user,
        "csrf_token": get_csrf_token(request) if identity is not None else None,
        "toolbar": toolbar(request, node) if node is not None else None,
        "breadcrumbs": breadcrumbs(request, node) if node is not None else [],
        # One query, whatever the depth.
        "navigation": _navigation(request, node),
        "feed_url": feed_url(request, node) if node is not None else None,
        # Taken from the session now: a page with a message differs from
        # the same page without one (its ETag too).
        "messages": messages(request),
    }


def site_frame(request: Request) -> dict[str, Any]:
    """What the header and footer show of the site's settings."""
    try:
        settings = request.site_settings
    except SQLAlchemyError:
        # An error page after the database failed the request: it still
        # shows, without the site's name.
        return dict(NAMELESS_SITE)
    return {
        "title": settings["title"],
        "description": settings["description"],
        "logo": logo_image(request, settings["logo"]),
        # Sanitized when it was saved.
        "footer": settings["footer"],
    }


def bare_frame(request: Request) -> dict[str, Any]:
    """Return the frame of a page made without the database: nobody known.

    Who is asking is looked up in the database, so the page shows no user
    (nor a "Log in" link, wrong for someone logged in), toolbar or
    breadcrumbs; waiting messages stay for the next page.
    """
    return {
        "site_url": site_url(request),
        # A file of the theme's, not the database's.
        "theme_css": theme_stylesheet(request),
        # The settings are in the database too: a page without a name.
        "site": dict(NAMELESS_SITE),
        "user": None,
        "user_unknown": True,
        "csrf_token": None,
        "toolbar": None,
        "breadcrumbs": [],
        "navigation": None,
        "feed_url": None,
        "messages": [],
    }


def _navigation(request: Request, node: Node | None) -> dict[str, Any] | None:
    if node is None:
        return None
    return navigation(request, node, request.site_settings["navigation_depth"])


def add_frame(event: BeforeRender) -> None:
    """Give a page template its frame, unless its view built one already."""
    renderer = event.get("renderer_name") or ""
    given = event.rendering_val
    if not renderer.endswith(".jinja2") or (isinstance(given, dict) and FRAME in given):
        return
    request = event["request"]
    if request is not None:
        event[FRAME] = page_frame(request, getattr(request, "context", None))


def includeme(config: Configurator) -> None:
    config.add_subscriber(add_frame, BeforeRender)
