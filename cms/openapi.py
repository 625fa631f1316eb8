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

from importlib import metadata

from cms.editing import FILE_TYPES
from cms.media import SCALES
from cms.models import CONTENT_TYPES, ROLES
from cms.models.node import MAX_NAME_LENGTH
from cms.principals import LOGIN_PATTERN
from cms.schemas import FIELDS
from cms.security.passwords import MAX_LENGTH as PASSWORD_MAX
from cms.security.passwords import MIN_LENGTH as PASSWORD_MIN
from cms.security.tokens import MAX_LIFETIME
from cms.urls import site_url
from cms.workflow import STATES, TRANSITIONS

OPENAPI_VERSION = "3.0.3"

#: A node name as a path parameter (a subset of the valid names: see
#: :func:`cms.models.node.is_valid_name`; ``.``/``..`` can never match).
NODE_NAME_PATTERN = rf"^[a-z0-9][a-z0-9_.-]{{0,{MAX_NAME_LENGTH - 1}}}$"
#: A child's name in a body: 1 to 100 of a-z 0-9 - _ ., not starting with . or _.
CHILD_NAME_PATTERN = rf"^[a-z0-9-][a-z0-9_.-]{{0,{MAX_NAME_LENGTH - 1}}}$"
PRINCIPAL_NAME_PATTERN = f"^{LOGIN_PATTERN.pattern}$"
#: The cursor of ``b_after`` / ``b_before`` (:data:`cms.listing.CURSOR_PATTERN`).
CURSOR_PATTERN = r"^-?[0-9]{1,18}\.[0-9]{1,18}$"
#: A node's ETag (:func:`cms.conditional.node_etag`).
NODE_ETAG_PATTERN = r'^"[0-9a-f]{32}-[0-9]+-[0-9a-f]{16}"$'
#: Types made from a JSON body (files and images are uploaded as multipart).
JSON_TYPES = tuple(name for name in CONTENT_TYPES if name not in FILE_TYPES)

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
token; send it as `Authorization: Bearer <token>` (no CSRF token needed). An
invalid, expired or revoked token is refused with 401 on every request.
Browsers use the session cookie of the login form instead, and must send the
CSRF token (`X-CSRF-Token`) with every unsafe request.

**Errors.** `{"error": {"type": "NotFound", "message": "…"}}`, plus
`errors: [{"field", "message"}]` for a 400. Without credentials, a request
that needs a permission anonymous callers lack answers 401 (with
`WWW-Authenticate: Bearer`); with credentials, 403. A 500 is always a bug.

**Caching and lost updates.** Every `GET` of a node sends an `ETag`;
`If-None-Match` answers 304. `PATCH`, `DELETE` and `@@move` honour `If-Match`
(412 when the node changed since it was read).

**Listings.** `items` lists the children the caller may view, `b_size` at a
time; follow `batching.next` and `batching.prev`, never build batch URLs.

**Drafts.** Editing a published node changes its draft; the plain URL keeps
showing the published content until `publish` is fired again.
`?version=draft` shows the draft to those who may edit.
"""


# -- small builders --------------------------------------------------------------


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _response_ref(name):
    return {"$ref": f"#/components/responses/{name}"}


def _param_ref(name):
    return {"$ref": f"#/components/parameters/{name}"}


def _json(schema, example=None):
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _string(max_length=None, **extra):
    schema = {"type": "string", **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def _object(properties, required=(), additional=False, **extra):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if additional is not None:
        schema["additionalProperties"] = additional
    schema.update(extra)
    return schema


URI = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": "string", "format": "date-time", "nullable": True}

#: The error answers, by status: (component name, description).
ERRORS = {
    400: ("BadRequest", "Malformed JSON, an invalid field or query parameter."),
    401: (
        "Unauthorized",
        "No credentials and the request needs a permission anonymous callers "
        "lack, or an invalid, expired or revoked token.",
    ),
    403: ("Forbidden", "The caller may not do this here."),
    404: ("NotFound", "No such node, view or item."),
    409: ("Conflict", "The name is taken."),
    412: ("PreconditionFailed", "`If-Match` does not name the node as it is now."),
    413: (
        "PayloadTooLarge",
        "The body is too large (1 MB of JSON, or the upload limit).",
    ),
    415: ("UnsupportedMediaType", "Wrong `Content-Type` for this write."),
    429: ("TooManyRequests", "Too many failed logins: try again later."),
}


def _responses(success, *errors):
    """Return a responses object: *success* (``{status: response}``) and errors."""
    responses = {str(status): response for status, response in success.items()}
    for status in sorted({401, *errors}):
        responses[str(status)] = _response_ref(ERRORS[status][0])
    return responses


def _header(description, schema=None, required=False):
    header = {"description": description, "schema": schema or {"type": "string"}}
    if required:
        header["required"] = True
    return header


NODE_HEADERS = {
    "ETag": {"$ref": "#/components/headers/ETag"},
    "Last-Modified": {"$ref": "#/components/headers/LastModified"},
    "Vary": {"$ref": "#/components/headers/Vary"},
}


def _operation(operation_id, summary, tags, responses, **extra):
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": list(tags),
        "responses": responses,
    }
    operation.update(extra)
    return operation


def _json_body(schema, required=True, example=None):
    return {"required": required, "content": _json(schema, example)}


# -- components ------------------------------------------------------------------


def _field_schema(field):
    schema = _string(field.max_length, description=field.title)
    if field.required:
        schema["minLength"] = 1
        schema["pattern"] = r"\S"
    return schema


def _create_schema(type_name):
    """The JSON body that adds a child of *type_name*."""
    fields = FIELDS[type_name]
    properties = {
        "@type": {"type": "string", "enum": [type_name]},
        "id": _string(
            MAX_NAME_LENGTH,
            pattern=CHILD_NAME_PATTERN,
            description="The new child's name; made from the title when absent. "
            "Not a reserved name at the root (sitemap.xml, robots.txt, healthz, "
            "readyz, static).",
        ),
    }
    properties.update({field.name: _field_schema(field) for field in fields})
    required = ["@type", *(field.name for field in fields if field.required)]
    return _object(properties, required, title=f"New {type_name}")


def _all_fields():
    """Every content field any type's JSON may write, by name."""
    fields = {}
    for type_fields in FIELDS.values():
        for field in type_fields:
            fields.setdefault(field.name, field)
    return fields


def _upload_schema(required):
    text = {name: _field_schema(field) for name, field in _all_fields().items()}
    text.pop("body", None)
    if required:
        properties = {
            "@type": {"type": "string", "enum": list(FILE_TYPES)},
            "file": {"type": "string", "format": "binary"},
            "id": _string(MAX_NAME_LENGTH, pattern=CHILD_NAME_PATTERN),
            **text,
        }
        properties["title"] = {
            **properties["title"],
            "description": "Default: the file name.",
        }
        properties["title"].pop("minLength", None)
        properties["title"].pop("pattern", None)
        return _object(properties, ("@type", "file"), title="Upload")
    return _object(
        {"file": {"type": "string", "format": "binary"}, **text},
        title="Replacement upload",
        description="Replaces a File's or an Image's content and/or its fields.",
    )


def _schemas():
    states = list(STATES)
    types = list(CONTENT_TYPES)
    summary = _object(
        {
            "@id": URI,
            "@type": {"type": "string", "enum": types},
            "id": _string(MAX_NAME_LENGTH),
            "uid": {"type": "string", "format": "uuid"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "state": {"type": "string", "enum": states},
            "modified": DATETIME,
        },
        ("@id", "@type", "id", "uid", "title", "description", "state", "modified"),
        description="A child as `items` lists it: never a full node.",
    )
    parent = {
        "type": "object",
        "nullable": True,
        "description": "`null` for the root. `@type` and `title` only for "
        "those who may view the parent.",
        "properties": {
            "@id": URI,
            "@type": {"type": "string", "enum": types},
            "title": {"type": "string"},
        },
        "required": ["@id"],
        "additionalProperties": False,
    }
    file_info = _object(
        {
            "download": URI,
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "size": {"type": "integer", "minimum": 0},
        },
        ("download", "filename", "content_type", "size"),
    )
    scale = _object(
        {
            "download": URI,
            "width": {"type": "integer", "minimum": 0},
            "height": {"type": "integer", "minimum": 0},
        },
        ("download", "width", "height"),
    )
    scales = _object(
        {name: _ref("Scale") for name in SCALES},
        description="The scaled versions of an image, by name.",
    )
    batching = _object(
        {"@id": URI, "first": URI, "next": URI, "prev": URI},
        ("@id", "first"),
        description="`next` is absent on the last batch, `prev` on the first.",
    )
    content = {
        "@id": URI,
        "@type": {"type": "string", "enum": types},
        "id": _string(
            MAX_NAME_LENGTH, description="The node's name: empty for the root."
        ),
        "uid": {"type": "string", "format": "uuid"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "body": {"type": "string", "description": "Documents: sanitized HTML."},
        "state": {"type": "string", "enum": states},
        "created": DATETIME,
        "modified": DATETIME,
        "parent": parent,
        "file": _ref("FileInfo"),
        "width": {"type": "integer", "minimum": 0},
        "height": {"type": "integer", "minimum": 0},
        "scales": _ref("Scales"),
    }
    content_required = (
        "@id", "@type", "id", "uid", "title", "description", "state",
        "created", "modified", "parent",
    )  # fmt: skip
    node = _object(
        {
            **content,
            "has_draft": {
                "type": "boolean",
                "description": "Only for those who may edit the node.",
            },
            "items": {"type": "array", "items": _ref("Summary")},
            "items_total": {"type": "integer", "minimum": 0},
            "batching": _ref("Batching"),
        },
        (*content_required, "items", "items_total", "batching"),
        description="A node. `body` for documents; `file` for files and "
        "images; `width`, `height` and `scales` for images.",
    )
    history_entry = {
        "@id": URI,
        "version": {"type": "integer", "minimum": 1},
        "author": {"type": "string", "description": "The author's login."},
        "created": DATETIME,
        "comment": {"type": "string"},
        "changed": {"type": "array", "items": {"type": "string"}},
    }
    revision = _object(
        {**content, **history_entry, "@id": URI},
        (*content_required, "version", "author", "comment", "changed"),
        description="The node as it was at this version (`created`: when the "
        "revision was made).",
    )
    principal_pattern = r"^(user|group):"
    role = {"type": "string", "enum": [*ROLES, "owner"]}
    sharing_entry = _object(
        {
            "principal": _string(pattern=principal_pattern, example="user:alice"),
            "roles": {"type": "array", "items": role},
        },
        ("principal", "roles"),
    )
    token = {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "created": DATETIME,
        "expires": NULLABLE_DATETIME,
        "last_used": NULLABLE_DATETIME,
    }
    token_options = {
        "title": _string(200),
        "expires_in": {
            "type": "integer",
            "minimum": 60,
            "maximum": MAX_LIFETIME,
            "description": "Seconds; without it the token does not expire.",
        },
    }
    profile = {
        "password": _string(PASSWORD_MAX, minLength=PASSWORD_MIN, format="password"),
        "email": _string(
            254,
            description="An email address, or empty.",
            pattern=r"^$|^[^@\s\x00]{1,64}@[^@\s\x00]{1,189}$",
        ),
        "fullname": _string(200),
    }
    admin_fields = {
        "active": {"type": "boolean"},
        "groups": {
            "type": "array",
            "items": _string(64, pattern=PRINCIPAL_NAME_PATTERN),
            "description": "Names of existing groups.",
        },
    }
    schemas = {
        "Error": _object(
            {
                "error": _object(
                    {
                        "type": {"type": "string", "example": "NotFound"},
                        "message": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "items": _ref("FieldError"),
                            "description": "Only for a 400.",
                        },
                    },
                    ("type", "message"),
                )
            },
            ("error",),
        ),
        "FieldError": _object(
            {"field": {"type": "string"}, "message": {"type": "string"}},
            ("field", "message"),
        ),
        "Summary": summary,
        "Batching": batching,
        "FileInfo": file_info,
        "Scale": scale,
        "Scales": scales,
        "Node": node,
        **{f"New{name}": _create_schema(name) for name in JSON_TYPES},
        "NewNode": {
            "oneOf": [_ref(f"New{name}") for name in JSON_TYPES],
            "description": "A child made from JSON: "
            + ", ".join(JSON_TYPES)
            + ". Files and images are uploaded with multipart/form-data.",
        },
        "Upload": _upload_schema(required=True),
        "NodeChanges": _object(
            {name: _field_schema(field) for name, field in _all_fields().items()},
            description="The fields to change. "
            + "; ".join(
                f"{name}: {', '.join(field.name for field in fields)}"
                for name, fields in FIELDS.items()
            )
            + ". A field the node's type does not have is refused (400).",
        ),
        "UploadChanges": _upload_schema(required=False),
        "Breadcrumbs": _object(
            {
                "items": {
                    "type": "array",
                    "items": _object(
                        {"@id": URI, "title": {"type": "string"}}, ("@id", "title")
                    ),
                }
            },
            ("items",),
            description="From the root down to the node: the ancestors the "
            "caller may view.",
        ),
        "Navigation": _object(
            {
                "items": {
                    "type": "array",
                    "items": _object(
                        {
                            "@id": URI,
                            "@type": {"type": "string", "enum": types},
                            "title": {"type": "string"},
                            "current": {"type": "boolean"},
                        },
                        ("@id", "@type", "title", "current"),
                    ),
                }
            },
            ("items",),
            description="The site's sections (the root's children the caller "
            "may view); `current` marks the one in the node's lineage.",
        ),
        "Workflow": _object(
            {
                "state": {"type": "string", "enum": states},
                "title": {"type": "string"},
                "transitions": {
                    "type": "array",
                    "items": _object(
                        {
                            "id": {"type": "string", "enum": list(TRANSITIONS)},
                            "title": {"type": "string"},
                        },
                        ("id", "title"),
                    ),
                    "description": "The transitions the caller may fire.",
                },
            },
            ("state", "title", "transitions"),
        ),
        "Transition": _object(
            {
                "transition": {"type": "string", "enum": list(TRANSITIONS)},
                "comment": _string(2000),
            },
            ("transition",),
        ),
        "SharingEntry": sharing_entry,
        "Sharing": _object(
            {
                "inherit": {"type": "boolean"},
                "entries": {"type": "array", "items": _ref("SharingEntry")},
                "inherited": {
                    "type": "array",
                    "items": _object(
                        {
                            "principal": _string(pattern=principal_pattern),
                            "roles": {"type": "array", "items": role},
                            "from": URI,
                        },
                        ("principal", "roles", "from"),
                    ),
                },
            },
            ("inherit", "entries", "inherited"),
        ),
        "SharingChange": _object(
            {
                "inherit": {"type": "boolean"},
                "entries": {
                    "type": "array",
                    "items": _ref("SharingEntry"),
                    "description": "Replaces the node's own local roles "
                    "(`owner` is implied by who created the node, never granted).",
                },
            },
            ("entries",),
        ),
        "HistoryEntry": _object(history_entry, tuple(history_entry)),
        "History": _object(
            {"items": {"type": "array", "items": _ref("HistoryEntry")}},
            ("items",),
            description="Newest first.",
        ),
        "Revision": revision,
        "Revert": _object({"version": {"type": "integer", "minimum": 1}}, ("version",)),
        "Move": _object(
            {
                "to": _string(
                    2000,
                    description="The path (or site URL) of the new container; "
                    "default: the current one.",
                    example="/about/",
                ),
                "id": _string(MAX_NAME_LENGTH, pattern=CHILD_NAME_PATTERN),
            }
        ),
        "Copy": _object(
            {
                "to": _string(2000, example="/about/"),
                "id": _string(MAX_NAME_LENGTH, pattern=CHILD_NAME_PATTERN),
            },
            ("to",),
        ),
        "Order": _object(
            {
                "id": _string(MAX_NAME_LENGTH, description="The child's name."),
                "position": {"type": "integer", "minimum": 0},
            },
            ("id", "position"),
        ),
        "Login": _object(
            {
                "login": _string(description="Case-insensitive."),
                "password": {"type": "string", "format": "password"},
                **token_options,
            },
            ("login", "password"),
        ),
        "LoginToken": _object(
            {
                "token": {"type": "string"},
                "id": {"type": "integer"},
                "expires": NULLABLE_DATETIME,
            },
            ("token", "id", "expires"),
        ),
        "Token": _object(token, tuple(token)),
        "NewToken": _object(token_options),
        "CreatedToken": _object(
            {**token, "token": {"type": "string"}}, (*token, "token")
        ),
        "Tokens": _object(
            {"items": {"type": "array", "items": _ref("Token")}}, ("items",)
        ),
        "User": _object(
            {
                "@id": URI,
                "login": {"type": "string"},
                "email": {"type": "string"},
                "fullname": {"type": "string"},
                "active": {"type": "boolean"},
                "groups": {"type": "array", "items": {"type": "string"}},
                "created": DATETIME,
            },
            ("@id", "login", "email", "fullname", "active", "groups", "created"),
        ),
        "Users": _object(
            {"items": {"type": "array", "items": _ref("User")}}, ("items",)
        ),
        "NewUser": _object(
            {
                "login": _string(64, pattern=PRINCIPAL_NAME_PATTERN),
                **profile,
                **admin_fields,
            },
            ("login", "password"),
        ),
        "UserChanges": _object(
            {**profile, **admin_fields},
            description="A user may change their own `password`, `email` and "
            "`fullname`; the rest is for admins.",
        ),
        "Group": _object(
            {"@id": URI, "name": {"type": "string"}, "title": {"type": "string"}},
            ("@id", "name", "title"),
        ),
        "Groups": _object(
            {"items": {"type": "array", "items": _ref("Group")}}, ("items",)
        ),
        "NewGroup": _object(
            {
                "name": _string(64, pattern=PRINCIPAL_NAME_PATTERN),
                "title": _string(200),
            },
            ("name",),
        ),
        "GroupChanges": _object({"title": _string(200)}),
        "Health": _object({"status": {"type": "string", "enum": ["ok"]}}, ("status",)),
        "Readiness": _object(
            {
                "status": {"type": "string", "enum": ["ok", "unavailable"]},
                "database": {"type": "string", "enum": ["ok", "unreachable"]},
            },
            ("status", "database"),
        ),
        "OpenAPI": {"type": "object", "description": "This document."},
    }
    return schemas


def _node_parameter(example):
    return {
        "name": "node",
        "in": "path",
        "required": True,
        "description": "The node's name. Any path works the same way: "
        "`/a/b/c/` like `/{node}/`.",
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
        "WWW-Authenticate": _header('`Bearer realm="cms"`', required=True)
    }
    responses["TooManyRequests"]["headers"] = {
        "Retry-After": _header("Seconds to wait.", {"type": "integer"})
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
                "`Accept`: the same URL answers HTML or JSON.",
                {"type": "string", "pattern": "Accept"},
                required=True,
            ),
            "Location": _header("The URL of the resource.", URI, required=True),
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


# -- paths -----------------------------------------------------------------------

#: Anonymous callers may read published content; writes need a token.
OPTIONAL_AUTH = [{}, {"bearer": []}]
BEARER = [{"bearer": []}]
NO_AUTH = []


def _answer(description, schema=None, headers=None, links=None):
    """A response object, with a JSON body of the component *schema*."""
    response = {"description": description}
    if headers:
        response["headers"] = headers
    if schema:
        response["content"] = _json(_ref(schema))
    if links:
        response["links"] = links
    return response


def _op(operation_id, summary, tag, success, errors=(), *, security, **extra):
    """An operation: *success* maps statuses to responses, *errors* are statuses."""
    return _operation(
        operation_id,
        summary,
        [tag],
        _responses(success, *errors),
        security=security,
        **extra,
    )


def _links(operation_ids, parameter, pointer):
    """Links from a created resource to the operations on it."""
    return {
        operation_id[0].upper() + operation_id[1:]: {
            "operationId": operation_id,
            "parameters": {parameter: f"$response.body#/{pointer}"},
        }
        for operation_id in operation_ids
    }


#: What a JSON write may answer besides its success (409: another writer
#: changed the node meanwhile, or a name is taken).
WRITE_ERRORS = (400, 403, 404, 409, 413, 415)
READ_ERRORS = (403, 404)


def _node_paths(prefix, key):
    """The operations on one node: *prefix* is ``/`` (*key* ``Root``) or
    ``/{node}/`` (*key* ``Node``)."""
    is_root = key == "Root"
    params = [] if is_root else [_param_ref("node")]
    where = "the root" if is_root else "a node"
    # A node that moved answers GETs of its old URL with a redirect.
    moved = {} if is_root else {301: _response_ref("MovedPermanently")}
    links = None
    if is_root:
        links = _links(
            ("getNode", "updateNode", "getNodeWorkflow", "getNodeHistory"),
            "node",
            "id",
        )
    # Its own example, lest trying the examples deletes the other ones' node.
    delete_params = [] if is_root else [_param_ref("node-to-delete")]
    node_headers = dict(NODE_HEADERS)
    created_headers = {**node_headers, "Location": _header_ref("Location")}

    def node(description, status=200, links=None):
        headers = created_headers if status == 201 else node_headers
        return {status: _answer(description, "Node", headers, links)}

    def read(name, operation_id, summary, tag, schema, extra_params=()):
        return {
            f"{prefix}@@{name}": {
                "parameters": [*params, *extra_params],
                "get": _op(
                    operation_id,
                    summary,
                    tag,
                    {200: _answer(summary + ".", schema), **moved},
                    READ_ERRORS,
                    security=OPTIONAL_AUTH,
                ),
            }
        }

    def write(operation_id, summary, tag, success, body, example, errors=WRITE_ERRORS):
        return _op(
            operation_id,
            summary,
            tag,
            success,
            errors,
            requestBody=_json_body(_ref(body), example=example),
            security=OPTIONAL_AUTH,
        )

    def json_or_multipart(schema, upload, example):
        return {
            "required": True,
            "content": {
                "application/json": {"schema": _ref(schema), "example": example},
                "multipart/form-data": {"schema": _ref(upload)},
            },
        }

    paths = {
        prefix: {
            "parameters": params,
            "get": _op(
                f"get{key}",
                f"Read {where}: its fields and a batch of its children",
                "content",
                {**node("The node."), **moved, 304: _response_ref("NotModified")},
                (400, *READ_ERRORS),
                parameters=[
                    _param_ref(name)
                    for name in ("b_size", "b_after", "b_before", "version")
                ]
                + [_param_ref("If-None-Match")],
                security=OPTIONAL_AUTH,
            ),
            "post": _op(
                f"addTo{key}",
                f"Add a child to {where} (JSON; multipart for files and images)",
                "content",
                node("The new child.", 201, links),
                WRITE_ERRORS,
                requestBody=json_or_multipart(
                    "NewNode",
                    "Upload",
                    {"@type": "Document", "id": "team", "title": "Our team"},
                ),
                security=OPTIONAL_AUTH,
            ),
            "patch": _op(
                f"update{key}",
                f"Change {where}'s fields (its draft, when it is published)",
                "content",
                node("The node as saved (its draft)."),
                (*WRITE_ERRORS, 412),
                parameters=[_param_ref("If-Match")],
                requestBody=json_or_multipart(
                    "NodeChanges", "UploadChanges", {"title": "A new title"}
                ),
                security=OPTIONAL_AUTH,
            ),
            "delete": _op(
                f"delete{key}",
                "Delete the root: always refused (403)"
                if is_root
                else "Delete a node and its subtree",
                "content",
                {204: _answer("Deleted.")},
                (*READ_ERRORS, 409, 412),
                parameters=[*delete_params, _param_ref("If-Match")],
                security=OPTIONAL_AUTH,
            ),
        },
        **read(
            "breadcrumbs",
            f"get{key}Breadcrumbs",
            "The ancestors the caller may view, from the root down",
            "navigation",
            "Breadcrumbs",
        ),
        **read(
            "navigation",
            f"get{key}Navigation",
            "The site's sections, the current one marked",
            "navigation",
            "Navigation",
        ),
        **read(
            "workflow",
            f"get{key}Workflow",
            "The state and the transitions the caller may fire",
            "workflow",
            "Workflow",
        ),
        **read(
            "sharing",
            f"get{key}Sharing",
            "Local roles: the node's own and those it inherits (managers)",
            "sharing",
            "Sharing",
        ),
        **read(
            "history",
            f"get{key}History",
            "The node's revisions, newest first (editors)",
            "history",
            "History",
        ),
        **read(
            "history/{version}",
            f"get{key}Revision",
            "The node as it was at one revision (editors)",
            "history",
            "Revision",
            [_param_ref("revision")],
        ),
        f"{prefix}@@revert": {
            "parameters": params,
            "post": write(
                f"revert{key}",
                "Make a new revision equal to an old one",
                "history",
                node("The node as saved."),
                "Revert",
                {"version": 1},
            ),
        },
        f"{prefix}@@order": {
            "parameters": params,
            "post": write(
                f"order{key}Child",
                "Move a child to a position among its siblings",
                "content",
                node("The container."),
                "Order",
                {"id": "team", "position": 0},
            ),
        },
    }
    paths[f"{prefix}@@workflow"]["post"] = write(
        f"fire{key}Transition",
        "Fire a transition",
        "workflow",
        {200: _answer("The workflow after it.", "Workflow")},
        "Transition",
        {"transition": "publish"},
    )
    paths[f"{prefix}@@sharing"]["post"] = write(
        f"set{key}Sharing",
        "Replace the node's own local roles (managers)",
        "sharing",
        {200: _answer("The sharing now.", "Sharing")},
        "SharingChange",
        {
            "inherit": True,
            "entries": [{"principal": "user:alice", "roles": ["editor"]}],
        },
    )
    if is_root:
        return paths
    blob_params = [_param_ref("Range"), _param_ref("If-None-Match")]
    paths.update(
        {
            f"{prefix}@@move": {
                "parameters": params,
                "post": write(
                    "moveNode",
                    "Move and/or rename the node; its old URL then redirects (301)",
                    "content",
                    node("The node at its new URL."),
                    "Move",
                    {"to": "/about/"},
                    (*WRITE_ERRORS, 412),
                )
                | {"parameters": [_param_ref("If-Match")]},
            },
            f"{prefix}@@copy": {
                "parameters": params,
                "post": write(
                    "copyNode",
                    "Copy the node and the part of its subtree the caller may view",
                    "content",
                    node("The copy.", 201),
                    "Copy",
                    {"to": "/about/"},
                ),
            },
            f"{prefix}@@download": {
                "parameters": params,
                "get": _op(
                    "downloadFile",
                    "A File's or an Image's content, with its stored content type",
                    "files",
                    _blob_answers(),
                    READ_ERRORS,
                    parameters=blob_params,
                    security=OPTIONAL_AUTH,
                ),
            },
            f"{prefix}@@images/{{scale}}": {
                "parameters": [*params, _param_ref("scale")],
                "get": _op(
                    "getImageScale",
                    "A scaled version of an Image",
                    "files",
                    _blob_answers(),
                    READ_ERRORS,
                    parameters=blob_params,
                    security=OPTIONAL_AUTH,
                ),
            },
        }
    )
    return paths


def _header_ref(name):
    return {"$ref": f"#/components/headers/{name}"}


def _blob_answers():
    binary = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    headers = {
        "ETag": _header("The content's hash.", required=True),
        "Content-Disposition": _header(
            "`inline` for what browsers show safely, else `attachment`.", required=True
        ),
    }
    return {
        200: {"description": "The content.", "headers": headers, "content": binary},
        206: {"description": "The requested range.", "content": binary},
        301: _response_ref("MovedPermanently"),
        304: {"description": "The client's copy is current."},
        416: {
            "description": "The range is not satisfiable (a plain-text answer).",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
    }


def _site_paths():
    def created(description, schema, links):
        return {
            201: _answer(
                description, schema, {"Location": _header_ref("Location")}, links
            )
        }

    def ok(description, schema):
        return {200: _answer(description, schema)}

    def admin_json_write(operation_id, summary, success, body, example, errors):
        return _op(
            operation_id,
            summary,
            "principals",
            success,
            errors,
            requestBody=_json_body(_ref(body), example=example),
            security=BEARER,
        )

    deleted = {204: _answer("Deleted.")}
    user_links = _links(("getUser", "updateUser", "deleteUser"), "login", "login")
    group_links = _links(("getGroup", "updateGroup", "deleteGroup"), "name", "name")
    return {
        "/@@login": {
            "post": _op(
                "login",
                "Log in: get an API token",
                "auth",
                {
                    201: _answer(
                        "A new token: its secret shown this once.", "LoginToken"
                    )
                },
                (400, 413, 415, 429),
                description="A failed login answers 401 with one message for "
                "every cause. Repeated failures for one account or address are "
                "slowed down, then answered 429. (Browsers post the login form "
                "instead, and get a session cookie and a 303.)",
                requestBody=_json_body(
                    _ref("Login"), example={"login": "admin", "password": "…"}
                ),
                security=NO_AUTH,
            ),
        },
        "/@@logout": {
            "post": _op(
                "logout",
                "Log out: revoke the token sent (or end the browser session)",
                "auth",
                {
                    204: _answer("Logged out."),
                    303: _answer("A browser's session ended: to the site."),
                },
                security=OPTIONAL_AUTH,
            ),
        },
        "/@@tokens": {
            "get": _op(
                "listTokens",
                "The caller's API tokens (never their secret)",
                "auth",
                ok("Tokens.", "Tokens"),
                security=BEARER,
            ),
            "post": _op(
                "createToken",
                "Make an API token for the caller",
                "auth",
                {
                    201: _answer(
                        "The token; its secret shown this once.",
                        "CreatedToken",
                        links=_links(("deleteToken",), "id", "id"),
                    )
                },
                (400, 413, 415),
                requestBody=_json_body(_ref("NewToken"), example={"title": "CI"}),
                security=BEARER,
            ),
        },
        "/@@tokens/{id}": {
            "parameters": [_param_ref("token")],
            "delete": _op(
                "deleteToken",
                "Revoke one of the caller's tokens",
                "auth",
                deleted,
                (404,),
                security=BEARER,
            ),
        },
        "/@@users": {
            "get": _op(
                "listUsers",
                "Every user (admins)",
                "principals",
                ok("Users.", "Users"),
                (403,),
                security=BEARER,
            ),
            "post": admin_json_write(
                "createUser",
                "Add a user (admins)",
                created("The new user.", "User", user_links),
                "NewUser",
                {"login": "alice", "password": "…", "groups": ["staff"]},
                (400, 403, 409, 413, 415),
            ),
        },
        "/@@users/{login}": {
            "parameters": [_param_ref("login")],
            "get": _op(
                "getUser",
                "A user (admins, or the user themselves)",
                "principals",
                ok("The user.", "User"),
                READ_ERRORS,
                security=BEARER,
            ),
            "patch": admin_json_write(
                "updateUser",
                "Change a user (admins; a user their own password, email, fullname)",
                ok("The user.", "User"),
                "UserChanges",
                {"fullname": "Alice"},
                (400, *READ_ERRORS, 413, 415),
            ),
            "delete": _op(
                "deleteUser",
                "Delete a user (admins; the last active admin stays)",
                "principals",
                deleted,
                (400, *READ_ERRORS),
                security=BEARER,
            ),
        },
        "/@@groups": {
            "get": _op(
                "listGroups",
                "Every group (admins)",
                "principals",
                ok("Groups.", "Groups"),
                (403,),
                security=BEARER,
            ),
            "post": admin_json_write(
                "createGroup",
                "Add a group (admins); members are set on the users",
                created("The new group.", "Group", group_links),
                "NewGroup",
                {"name": "staff", "title": "Staff"},
                (400, 403, 409, 413, 415),
            ),
        },
        "/@@groups/{name}": {
            "parameters": [_param_ref("group")],
            "get": _op(
                "getGroup",
                "A group (admins)",
                "principals",
                ok("The group.", "Group"),
                READ_ERRORS,
                security=BEARER,
            ),
            "patch": admin_json_write(
                "updateGroup",
                "Change a group's title (admins)",
                ok("The group.", "Group"),
                "GroupChanges",
                {"title": "Staff"},
                (400, *READ_ERRORS, 413, 415),
            ),
            "delete": _op(
                "deleteGroup",
                "Delete a group (admins; `admins` stays)",
                "principals",
                deleted,
                (400, *READ_ERRORS),
                security=BEARER,
            ),
        },
        "/healthz": {
            "get": _op(
                "healthz",
                "The process answers",
                "health",
                ok("Alive.", "Health"),
                security=NO_AUTH,
            ),
        },
        "/readyz": {
            "get": _op(
                "readyz",
                "The database answers too",
                "health",
                {
                    **ok("Ready.", "Readiness"),
                    503: _answer("The database does not answer.", "Readiness"),
                },
                security=NO_AUTH,
            ),
        },
        "/@@openapi.json": {
            "get": _op(
                "openapi",
                "This document",
                "health",
                ok("The OpenAPI document.", "OpenAPI"),
                security=NO_AUTH,
            ),
        },
    }


TAGS = [
    ("content", "Nodes: read, add, change, delete, move, copy, order."),
    ("navigation", "Breadcrumbs and sections."),
    ("workflow", "States and transitions."),
    ("sharing", "Local roles."),
    ("history", "Revisions."),
    ("files", "Downloads of files and image scales."),
    ("auth", "Logging in and out; API tokens."),
    ("principals", "Users and groups (admins)."),
    ("health", "Health checks and this document."),
]


def _version():
    try:
        return metadata.version("cms")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "0"


def openapi_document(request):
    """Return the OpenAPI 3.0 document of the JSON API, as a dict."""
    settings = request.registry.settings
    paths = {}
    paths.update(_node_paths("/", "Root"))
    paths.update(_node_paths("/{node}/", "Node"))
    paths.update(_site_paths())
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "cms JSON API",
            "version": _version(),
            "description": DESCRIPTION,
        },
        "servers": [{"url": site_url(request), "description": "This site."}],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "security": OPTIONAL_AUTH,
        "paths": paths,
        "components": _components(settings),
    }
