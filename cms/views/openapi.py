"""``GET /@@openapi.json``: the OpenAPI 3.0 document of the JSON API;
``GET /@@api-docs``: a page that presents it to people.

The page is Swagger UI (``cms/static/vendor/swagger-ui/``, see
:mod:`cms.assets`), started by ``cms/static/api-docs.js`` with the document's
URL from the page: the Content-Security-Policy allows no inline script.
``?variant=python-client`` gives the document as openapi-python-client can
use it (:mod:`cms.openapi.variants`).
"""

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from cms.assets import swagger_ui_url
from cms.models import Node
from cms.openapi import openapi_document
from cms.openapi.variants import VARIANTS, python_client_variant
from cms.services.errors import Invalid
from cms.urls import node_url

API_DOCS = "cms:templates/site/api_docs.jinja2"


@view_config(
    context=Node,
    name="openapi.json",
    site_root=True,
    request_method=("GET", "HEAD"),
    renderer="json",
    permission=NO_PERMISSION_REQUIRED,
)
def openapi_view(root, request):
    unknown = sorted(set(request.GET) - {"variant"})
    if unknown:
        raise Invalid(
            [{"field": name, "message": "Unknown parameter."} for name in unknown]
        )
    variant = request.GET.get("variant")
    if variant is None:
        return openapi_document(request)
    if variant not in VARIANTS:
        raise Invalid.field("variant", f"One of: {', '.join(VARIANTS)}.")
    return python_client_variant(openapi_document(request))


@view_config(
    context=Node,
    name="api-docs",
    site_root=True,
    subpath=0,
    request_method=("GET", "HEAD"),
    renderer=API_DOCS,
    permission=NO_PERMISSION_REQUIRED,
)
def api_docs_view(root, request):
    return {
        "title": "API documentation",
        "openapi_url": node_url(request, "/", "@@openapi.json"),
        "stylesheets": [
            swagger_ui_url(request, "swagger-ui.css"),
            request.static_url("cms:static/api-docs.css"),
        ],
        "scripts": [
            swagger_ui_url(request, "swagger-ui-bundle.js"),
            request.static_url("cms:static/api-docs.js"),
        ],
    }
