"""``GET /@@openapi.json``: the OpenAPI 3.0 document of the JSON API."""

from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from cms.models import Node
from cms.openapi import openapi_document


@view_config(
    context=Node,
    name="openapi.json",
    site_root=True,
    request_method=("GET", "HEAD"),
    renderer="json",
    permission=NO_PERMISSION_REQUIRED,
)
def openapi_view(root, request):
    return openapi_document(request)
