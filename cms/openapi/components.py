"""The components object: parameters, error responses, headers and the
security scheme, around the schemas of :mod:`cms.openapi.schemas`."""

from cms.media import SCALES
from cms.navigation import MAX_NAVIGATION_DEPTH
from cms.openapi.builders import ERRORS, URI, _header, _json, _ref
from cms.openapi.patterns import (
    CURSOR_PATTERN,
    NODE_ETAG_PATTERN,
    NODE_NAME_PATTERN,
    PRINCIPAL_NAME_PATTERN,
)
from cms.openapi.schemas import _schemas


def _node_parameter(example):
    return {
        "name": "node",
        "in": "path",
        "required": True,
        "description": "The node's name. Any path works the same way: "
        "`/a/b/c/` like `/{node}/`, and a client that puts `a/b/c` here "
        "percent-encoded (`a%2Fb%2Fc`, as generated clients do) reaches the "
        "same node.",
        "schema": {"type": "string", "pattern": NODE_NAME_PATTERN},
        "example": example,
    }


def _parameters(settings):
    return {
        "node": _node_parameter("about"),
        "node-to-delete": _node_parameter("old-news"),
        "b_size": {
            "name": "b_size",
            "in": "query",
            "description": "Children per batch.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": settings["cms.batch_size_max"],
                "default": settings["cms.batch_size"],
            },
        },
        "b_after": {
            "name": "b_after",
            "in": "query",
            "description": "Cursor: the batch after this child. Taken from "
            "`batching` links; not with `b_before`.",
            "schema": {"type": "string", "pattern": CURSOR_PATTERN},
        },
        "b_before": {
            "name": "b_before",
            "in": "query",
            "description": "Cursor: the batch before this child. Taken from "
            "`batching` links; not with `b_after`.",
            "schema": {"type": "string", "pattern": CURSOR_PATTERN},
        },
        "depth": {
            "name": "depth",
            "in": "query",
            "description": "Levels of navigation, from the top down to the node "
            "(default: the site settings' `navigation_depth`).",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_NAVIGATION_DEPTH,
            },
        },
        "version": {
            "name": "version",
            "in": "query",
            "description": "`draft`: the draft, for those who may edit (401 or "
            "403 for others).",
            "schema": {"type": "string", "enum": ["draft"]},
        },
        "If-None-Match": {
            "name": "If-None-Match",
            "in": "header",
            "description": "ETags the client holds: 304 when one is current.",
            "schema": {"type": "string"},
        },
        "If-Match": {
            "name": "If-Match",
            "in": "header",
            "description": "The node's ETag as read (or `*`): 412 when the node "
            "has changed since.",
            "schema": {"type": "string"},
        },
        "revision": {
            "name": "version",
            "in": "path",
            "required": True,
            "description": "The revision's number (1: the node's creation).",
            "schema": {"type": "integer", "minimum": 1},
        },
        "scale": {
            "name": "scale",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": list(SCALES)},
        },
        "Range": {
            "name": "Range",
            "in": "header",
            "description": "A byte range, e.g. `bytes=0-1023`.",
            "schema": {"type": "string"},
        },
        "login": {
            "name": "login",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": PRINCIPAL_NAME_PATTERN},
        },
        "group": {
            "name": "name",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": PRINCIPAL_NAME_PATTERN},
        },
        "token": {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        },
    }


def _components(settings):
    error = _json(_ref("Error"))
    responses = {
        name: {"description": description, "content": error}
        for name, description in ERRORS.values()
    }
    responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": _header(
            '`Bearer realm="cms"`, with `error="invalid_token"` when the token '
            "sent is not valid (any more).",
            required=True,
        )
    }
    responses["TooManyRequests"]["headers"] = {
        "Retry-After": _header("Seconds to wait.", {"type": "integer"})
    }
    responses["ServiceUnavailable"]["headers"] = {
        "Retry-After": _header("Seconds to wait.", {"type": "integer"}, required=True)
    }
    responses["NotModified"] = {
        "description": "The client's copy (`If-None-Match`) is current.",
        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
    }
    responses["MovedPermanently"] = {
        "description": "The node has moved: its old URL redirects to the new one.",
        "headers": {"Location": {"$ref": "#/components/headers/Location"}},
    }
    return {
        "schemas": _schemas(),
        "parameters": _parameters(settings),
        "responses": responses,
        "headers": {
            "ETag": _header(
                "The node's tag as represented; changes when the node or what "
                "it shows changes.",
                {"type": "string", "pattern": NODE_ETAG_PATTERN},
                required=True,
            ),
            "LastModified": _header("When the node was last changed.", required=True),
            "Vary": _header(
                "`Accept, Origin`: the same URL answers HTML or JSON, and "
                "carries CORS headers for the origins in `cms.cors_origins` only.",
                {"type": "string", "pattern": "Accept"},
                required=True,
            ),
            "Location": _header("The URL of the resource.", URI, required=True),
            "Link": _header(
                "The `batching` links (`first`, `prev`, `next`) as RFC 8288 "
                'writes them: `<url>; rel="next"`. Absent when `fields` leaves '
                "out the listing."
            ),
        },
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from `POST /@@login` or `POST /@@tokens` "
                "(or `cms-admin`).",
            }
        },
    }
