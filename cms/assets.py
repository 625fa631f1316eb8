"""The bundled rich-text editor: its hashed file, served to be kept a year.

``npm run build:editor`` writes ``cms/static/vendor/editor/editor.<hash>.js``
and a ``manifest.json`` naming it; the name is read here once, at startup.
A new build is a new name, so browsers may keep a file for as long as they
like: the page always names the current one.
"""

import json

from pyramid.config import Configurator
from pyramid.path import AssetResolver
from pyramid.security import NO_PERMISSION_REQUIRED

EDITOR_ASSETS = "cms:static/vendor/editor/"
MANIFEST = "cms:static/vendor/editor/manifest.json"
#: Where the hashed files are served.
EDITOR_STATIC = "static-editor"
ONE_YEAR = 365 * 24 * 3600


def editor_files() -> dict[str, str]:
    """The manifest: each logical name (``editor.js``) and its hashed file."""
    with AssetResolver().resolve(MANIFEST).stream() as manifest:
        return json.load(manifest)


def includeme(config: Configurator) -> None:
    config.registry["cms.editor_files"] = editor_files()
    config.add_static_view(
        EDITOR_STATIC,
        EDITOR_ASSETS,
        cache_max_age=ONE_YEAR,
        permission=NO_PERMISSION_REQUIRED,
    )


def editor_script_url(request) -> str:
    name = request.registry["cms.editor_files"]["editor.js"]
    return request.static_url(EDITOR_ASSETS + name)
