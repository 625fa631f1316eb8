"""What a node's page tells search engines and link previews about itself.

``<meta name="description">``, ``<link rel="canonical">`` and the OpenGraph
properties (``og:title``, ``og:image``…), built by the node's view with the
rest of its page (so that its ETag covers them) and only rendered by the
layout.

Every URL is absolute and names the node's plain URL: a page asked for with
a query (``?version=draft``, a batch) says which page it is a view of. An
image shown here is one the caller may see: the node's own (its page is
being served to them), or the site's logo as the header shows it, which is
absent for a caller who may not view it (see
:func:`cms.services.site_settings.logo_image`).
"""

from typing import Any

from pyramid.request import Request

from cms.models import Image, Node
from cms.urls import node_url

#: The scales an image's page offers to link previews, largest first.
PREVIEW_SCALES = ("large", "preview", "thumb")


def page_meta(
    request: Request, node: Node, data: dict[str, Any], site: dict[str, Any]
) -> dict[str, Any]:
    """The meta data of *node*'s page.

    *data* is the node as the page shows it (:func:`cms.serializers.
    serialize_node`); *site* the site's part of the page frame
    (:func:`cms.page.site_frame`).
    """
    canonical = node_url(request, node.path)
    description = data.get("description") or site["description"]
    return {
        "description": description,
        "canonical": canonical,
        "og": {
            "title": data["title"],
            "description": description,
            "url": canonical,
            "type": "website" if node.path == "/" else "article",
            "site_name": site["title"],
            "image": _image(node, data, site),
        },
    }


def _image(
    node: Node, data: dict[str, Any], site: dict[str, Any]
) -> dict[str, Any] | None:
    """``{"url", "width", "height"}``: the image's own, else the logo, or None."""
    if isinstance(node, Image):
        scales = data.get("scales") or {}
        for name in PREVIEW_SCALES:
            if name in scales:
                scale = scales[name]
                return {
                    "url": scale["download"],
                    "width": scale["width"],
                    "height": scale["height"],
                }
        if "file" in data:
            # Too small to be scaled: the original is the preview.
            return {
                "url": data["file"]["download"],
                "width": data.get("width"),
                "height": data.get("height"),
            }
    logo = site.get("logo")
    if logo:
        return {"url": logo["src"], "width": logo["width"], "height": logo["height"]}
    return None
