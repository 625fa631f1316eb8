"""The query parameters that sort and filter a listing and shape a node's JSON."""

from cms.listing import LISTING_SORTS
from cms.models import CONTENT_TYPES
from cms.navigation import MAX_NAVIGATION_DEPTH
from cms.openapi.builders import _query
from cms.shape import (
    EXPANSIONS,
    MAX_FIELDS,
    NODE_AND_SUMMARY_KEYS,
    NODE_KEYS,
    SUMMARY_KEYS,
)


def _names(name, description, names):
    """A comma-separated list of *names* (``fields=title,description``)."""
    return _query(
        name,
        description,
        {
            "type": "array",
            "items": {"type": "string", "enum": ["@id", "@type", *names]},
            "minItems": 1,
            "maxItems": MAX_FIELDS,
        },
        style="form",
        explode=False,
    )


def type_parameter(description="Only nodes of these types (repeatable)."):
    return _query(
        "type",
        description,
        {"type": "array", "items": {"type": "string", "enum": list(CONTENT_TYPES)}},
        style="form",
        explode=True,
    )


def summary_fields_parameter():
    return _names(
        "fields",
        "Keep only these keys in each item (`@id` and `@type` are always kept).",
        [key for key in SUMMARY_KEYS],
    )


def node_parameters():
    """The parameters of a node's GET beyond batching."""
    return [
        _query(
            "sort_on",
            "The order of `items`: `position` (the editors' order, the "
            "default), `title`, `modified`, `created` or `effective`.",
            {"type": "string", "enum": list(LISTING_SORTS)},
        ),
        _query(
            "sort_order",
            "`ascending` (the default for `position` and `title`) or "
            "`descending` (for the dates).",
            {"type": "string", "enum": ["ascending", "descending"]},
        ),
        type_parameter("Only children of these types in `items` (repeatable)."),
        _names(
            "fields",
            "Keep only these keys in the node and in each of its `items` "
            "(`@id` and `@type` are always kept). Without `items`, "
            "`items_total` and `batching`, no children are listed.",
            list(NODE_AND_SUMMARY_KEYS),
        ),
        _query(
            "expand",
            "Embed these under `@components`: `breadcrumbs`, `navigation`, "
            "`workflow` (as their own views answer) and `children` (the "
            "children of the batch `items` lists, each as a node).",
            {
                "type": "array",
                "items": {"type": "string", "enum": list(EXPANSIONS)},
                "minItems": 1,
            },
            style="form",
            explode=False,
        ),
        _names(
            "expand.children.fields",
            "With `expand=children`: keep only these keys in each child.",
            list(NODE_KEYS),
        ),
        _query(
            "expand.navigation.depth",
            "With `expand=navigation`: its levels (default: the site's).",
            {"type": "integer", "minimum": 1, "maximum": MAX_NAVIGATION_DEPTH},
        ),
    ]
