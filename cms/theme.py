"""A site's own theme: templates and static files from a folder of its own.

The setting ``cms.theme_dir`` names a folder (checked at start by
:mod:`cms.settings`) that may hold:

- ``templates/``: any template of ``cms:templates/`` by the same relative
  name (``templates/layout.jinja2``, ``templates/footer.jinja2``…) replaces
  ours; the others stay ours. It is a Pyramid asset override, so that
  ``{% extends "cms:templates/layout.jinja2" %}`` and the views' renderer
  names find the theme's file without knowing there is a theme.
- ``static/``: served at ``/++theme++/…``; its ``theme.css``, when there is
  one, is linked after the site's stylesheet on every page
  (:func:`theme_stylesheet`, for the page frame).

Without the setting nothing of this is configured.
"""

import os

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from cms.urls import site_url

#: Where the theme's static files are served: ``/++theme++/theme.css``.
STATIC_NAME = "++theme++"
#: The stylesheet linked on every page when the theme has it.
STYLESHEET = "theme.css"
#: The registry key of whether the theme has its stylesheet.
STYLESHEET_KEY = "cms.theme_stylesheet"


def theme_stylesheet(request: Request) -> str | None:
    """The URL of the theme's stylesheet, or None when there is none.

    Made by hand: ``request.static_url`` would quote the ``+`` signs.
    """
    if not request.registry.get(STYLESHEET_KEY):
        return None
    return f"{site_url(request)}/{STATIC_NAME}/{STYLESHEET}"


def includeme(config: Configurator) -> None:
    folder = config.get_settings().get("cms.theme_dir") or ""
    config.registry[STYLESHEET_KEY] = False
    if not folder:
        return
    templates = os.path.join(folder, "templates")
    if os.path.isdir(templates):
        # The trailing slashes make it a folder for a folder: each file the
        # theme lacks is still found in ours.
        config.override_asset("cms:templates/", templates + os.sep)
    static = os.path.join(folder, "static")
    if os.path.isdir(static):
        config.add_static_view(
            STATIC_NAME, static, cache_max_age=3600, permission=NO_PERMISSION_REQUIRED
        )
        if os.path.isfile(os.path.join(static, STYLESHEET)):
            config.registry[STYLESHEET_KEY] = True
