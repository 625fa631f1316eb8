"""The query parameters of ``@@search``."""

from cms.openapi.builders import DATETIME, _param_ref, _query
from cms.openapi.shape import summary_fields_parameter, type_parameter
from cms.search.params import MAX_DEPTH, MAX_QUERY_LENGTH, MAX_START, ORDERS, SORTS


def search_parameters():
    return [
        _query(
            "q",
            'Words, all of which must match; `word*` is a prefix, `"two '
            'words"` a phrase; any other character is plain text.',
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        ),
        type_parameter(),
        _query(
            "path",
            "Only this subtree (a URL path such as `/about/`).",
            {"type": "string", "pattern": "^/", "maxLength": 2048},
        ),
        _query(
            "depth",
            "With `path` (or the node searched), how many levels below it: "
            "0 is the node alone.",
            {"type": "integer", "minimum": 0, "maximum": MAX_DEPTH},
        ),
        _query("modified_after", "Modified after this time.", DATETIME),
        _query("modified_before", "Modified before this time.", DATETIME),
        _query(
            "effective_after",
            "Took effect after this time (`effective`, else `created`).",
            DATETIME,
        ),
        _query(
            "effective_before",
            "Took effect before this time (`effective`, else `created`).",
            DATETIME,
        ),
        _query(
            "sort_on",
            "`relevance` (the default with `q`), else `modified`.",
            {"type": "string", "enum": list(SORTS)},
        ),
        _query("sort_order", "The order.", {"type": "string", "enum": list(ORDERS)}),
        _param_ref("b_size"),
        _query(
            "b_start",
            "Where the batch starts. Taken from `batching` links.",
            {"type": "integer", "minimum": 0, "maximum": MAX_START},
        ),
        summary_fields_parameter(),
    ]
