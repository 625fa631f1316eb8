"""The component schemas: node, error, users, groups, tokens, workflow,
sharing, history and the health checks."""

from cms.media import SCALES
from cms.models import CONTENT_TYPES, ROLES
from cms.models.tree import MAX_NAME_LENGTH
from cms.openapi.builders import (
    DATETIME,
    NULLABLE_DATETIME,
    URI,
    _object,
    _ref,
    _string,
)
from cms.openapi.fields import (
    JSON_TYPES,
    _all_fields,
    _create_schema,
    _field_schema,
    _upload_schema,
)
from cms.openapi.patterns import CHILD_NAME_PATTERN, PRINCIPAL_NAME_PATTERN
from cms.schemas import FIELDS
from cms.security.passwords import MAX_LENGTH as PASSWORD_MAX
from cms.security.passwords import MIN_LENGTH as PASSWORD_MIN
from cms.security.tokens import MAX_LIFETIME
from cms.workflow import STATES, TRANSITIONS


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
            },
            description="`to`, `id` or both.",
            minProperties=1,
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
                "expires_in": {
                    **token_options["expires_in"],
                    "description": (
                        "Seconds; without it, `cms.token_max_age` (30 days)."
                    ),
                },
            },
            ("login", "password"),
        ),
        "LoginToken": _object(
            {
                "token": {"type": "string"},
                "id": {"type": "integer"},
                "expires": DATETIME,
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
            {
                **profile,
                "current_password": _string(
                    format="password", description="Checked like a login."
                ),
                **admin_fields,
            },
            description="A user may change their own `password` (with "
            "`current_password`), `email` and `fullname`; the rest is for "
            "admins, who change another user's password without it.",
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
