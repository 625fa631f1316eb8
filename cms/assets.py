"""Third-party browser files, served to be kept a year: their URLs change with them.

The rich-text editor: ``npm run build:editor`` writes
``cms/static/vendor/editor/editor.<hash>.js`` and a ``manifest.json`` naming
it; the name is read here once, at startup. A new build is a new name.

Swagger UI, for ``/@@api-docs``: ``npm run build:api-docs`` copies its files
into ``cms/static/vendor/swagger-ui/`` with a ``manifest.json`` giving the
package's version, which is part of the URL they are served at
(``/static-swagger-ui/5.36.0/swagger-ui.css``): another version, other URLs.

Browsers may keep these files for as long as they like: a page always names
the current ones.
"""

import json

from pyramid.config import Configurator
from pyramid.path import AssetResolver
from pyramid.security import NO_PERMISSION_REQUIRED

EDITOR_ASSETS = "cms:static/vendor/editor/"
MANIFEST = "cms:static/vendor/editor/manifest.json"
#: Where the hashed files are served.
EDITOR_STATIC = "static-editor"
SWAGGER_UI_ASSETS = "cms:static/vendor/swagger-ui/"
SWAGGER_UI_MANIFEST = "cms:static/vendor/swagger-ui/manifest.json"
#: Where Swagger UI's files are served, under a folder named by its version.
SWAGGER_UI_STATIC = "static-swagger-ui"
ONE_YEAR = 365 * 24 * 3600


def _manifest(spec: str) -> dict:
    with AssetResolver().resolve(spec).stream() as manifest:
        return json.load(manifest)


def editor_files() -> dict[str, str]:
    """The manifest: each logical name (``editor.js``) and its hashed file."""
    return _manifest(MANIFEST)


def swagger_ui_version() -> str:
    """The version of Swagger UI whose files are in the package."""
    return str(_manifest(SWAGGER_UI_MANIFEST)["version"])


def swagger_ui_static_name() -> str:
    """The URL path Swagger UI's files are served under: it names the version."""
    return f"{SWAGGER_UI_STATIC}/{swagger_ui_version()}"


def includeme(config: Configurator) -> None:
    config.registry["cms.editor_files"] = editor_files()
    config.add_static_view(
        EDITOR_STATIC,
        EDITOR_ASSETS,
        cache_max_age=ONE_YEAR,
        permission=NO_PERMISSION_REQUIRED,
    )
    config.add_static_view(
        swagger_ui_static_name(),
        SWAGGER_UI_ASSETS,
        cache_max_age=ONE_YEAR,
        permission=NO_PERMISSION_REQUIRED,
    )


def editor_script_url(request) -> str:
    name = request.registry["cms.editor_files"]["editor.js"]
    return request.static_url(EDITOR_ASSETS + name)


def swagger_ui_url(request, name: str) -> str:
    """The URL of one of Swagger UI's files (``swagger-ui.css``…)."""
    return request.static_url(SWAGGER_UI_ASSETS + name)
