"""The OpenAPI 3.0 document of the JSON API, built from the code's own tables.

:func:`openapi_document` describes every JSON endpoint: the node at ``/``
and at ``/{node}/`` (any path works the same way) with their views, the
site-wide views at the root (``/@@login``, ``/@@users``…) and the health
checks. Field lengths, content types, roles, transitions and batch sizes are
read from the modules that enforce them, so the document follows the code;
``tests/functional/test_openapi.py`` checks that every JSON view registered
in the application is documented, and ``bin/api-check`` runs schemathesis
against a live site with it.
"""

from cms.openapi.components import _components
from cms.openapi.operations import OPTIONAL_AUTH
from cms.openapi.paths_nodes import _node_paths
from cms.openapi.paths_site import _site_paths
from cms.openapi.variants import open_responses
from cms.urls import node_url, site_url

__all__ = ["openapi_document"]

OPENAPI_VERSION = "3.0.3"

DESCRIPTION = """\
The JSON API of this site. The URL of a node is the node; everything else is
a view of it (`@@name`).

**Paths.** A node's URL is its path in the tree, and canonical URLs end with
`/`. This document shows the root (`/`) and a first-level node (`/{node}/`),
but **every node path `/a/b/c/` works like `/{node}/`**, with the same
views (`/a/b/c/@@workflow`, `/a/b/c/@@history/3`…). Site-wide views
(`/@@login`, `/@@users`, `/@@groups`, `/@@tokens`) answer at the root only.

**JSON.** Send `Accept: application/json` to get JSON (a client that
accepts anything gets the HTML page of the same URL), or prefix any path with
`/++api++` (`/++api++/a/b/`), which answers JSON whatever the `Accept`
header. Writes take `Content-Type: application/json` (files and images:
`multipart/form-data`); another content type is refused with 415, a JSON
body over 1 MB with 413.

**Authentication.** `POST /@@login` with `{"login", "password"}` answers a
token (it expires after the setting `cms.token_max_age`, 30 days by
default); send it as `Authorization: Bearer <token>` (no CSRF token needed). An
invalid, expired or revoked token is refused with 401 on every request.
Browsers use the session cookie of the login form instead, and must send the
CSRF token (`X-CSRF-Token`) with every unsafe request.

**Errors.** `{"error": {"type": "NotFound", "message": "…"}}`, plus
`errors: [{"field", "message"}]` for a 400. Without credentials, a request
that needs a permission anonymous callers lack answers 401 (with
`WWW-Authenticate: Bearer`); with credentials, 403. While the database
cannot be reached, any request may answer 503 (`ServiceUnavailable`) with
`Retry-After`: send it again then. A 500 is always a bug.

**Caching and lost updates.** Every `GET` of a node sends an `ETag`;
`If-None-Match` answers 304. `PATCH`, `DELETE` and `@@move` honour `If-Match`
(412 when the node changed since it was read).

**Listings.** `items` lists the children the caller may view, `b_size` at a
time; follow `batching.next` and `batching.prev`, never build batch URLs.

**Drafts.** Editing a published node changes its draft; the plain URL keeps
showing the published content until `publish` is fired again.
`?version=draft` shows the draft to those who may edit.
"""


TAGS = [
    ("content", "Nodes: read, add, change, delete, move, copy, order."),
    ("navigation", "Breadcrumbs, sections, feeds and the sitemap."),
    ("workflow", "States and transitions."),
    ("sharing", "Local roles."),
    ("history", "Revisions."),
    ("files", "Downloads of files and image scales."),
    ("auth", "Logging in and out; API tokens."),
    ("principals", "Users and groups (admins)."),
    ("site", "The site's settings: title, logo, footer, navigation depth."),
    ("health", "Health checks, metrics and this document."),
]


#: The version of this document (``info.version``): bumped whenever the
#: document changes, with a line in README.md's "API changes"
#: (``tests/functional/test_openapi_version.py`` fails until both are done).
API_VERSION = "1.1.0"


def openapi_document(request):
    """Return the OpenAPI 3.0 document of the JSON API, as a dict."""
    settings = request.registry.settings
    paths = {}
    paths.update(_node_paths("/", "Root"))
    paths.update(_node_paths("/{node}/", "Node"))
    paths.update(_site_paths())
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "cms JSON API",
            "version": API_VERSION,
            "description": DESCRIPTION,
        },
        "externalDocs": {
            "description": "This document for people: its operations listed, to try.",
            "url": node_url(request, "/", "@@api-docs"),
        },
        "servers": [{"url": site_url(request), "description": "This site."}],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "security": OPTIONAL_AUTH,
        "paths": paths,
        "components": _components(settings),
    }
    return open_responses(document)
