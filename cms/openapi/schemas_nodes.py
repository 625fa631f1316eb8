"""The component schemas of nodes and their views: the node and its
children, new nodes and their changes, navigation, workflow, sharing, history,
move, copy and order."""

from cms.media import SCALES
from cms.models import CONTENT_TYPES, ROLES
from cms.models.tree import MAX_NAME_LENGTH
from cms.openapi.builders import DATETIME, URI, _object, _ref, _string
from cms.openapi.fields import (
    JSON_TYPES,
    SCHEDULE_SCHEMAS,
    _all_fields,
    _create_schema,
    _field_schema,
    _upload_schema,
)
from cms.openapi.patterns import CHILD_NAME_PATTERN
from cms.schedule import SCHEDULE
from cms.schemas import FIELDS
from cms.workflow import STATES, TRANSITIONS


def _node_schemas():
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
            **SCHEDULE_SCHEMAS,
            "file": _ref("FileSummary"),
            "image": _ref("Scales"),
        },
        ("@id", "@type"),
        description="A child as `items` lists it: never a full node. Every "
        "key but `file` (files and images) and `image` (images: their "
        "scales) is there unless `fields` leaves it out.",
    )
    search_result = {
        **summary,
        "properties": {
            **summary["properties"],
            "snippet": {
                "type": "string",
                "description": "Text around the match: HTML with the matched "
                "words in `<mark>`, everything else escaped.",
            },
        },
        "description": "A node found: its summary and a snippet (unless "
        "`fields` leaves them out).",
    }
    search_results = _object(
        {
            "@id": URI,
            "items": {"type": "array", "items": _ref("SearchResult")},
            "items_total": {"type": "integer", "minimum": 0},
            "batching": _ref("Batching"),
        },
        ("@id", "items", "items_total", "batching"),
        description="The nodes the caller may view that match, best first "
        "(or in `sort_on` order), `b_size` at a time.",
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
    file_summary = _object(
        {
            "download": URI,
            "content_type": {"type": "string"},
            "size": {"type": "integer", "minimum": 0},
        },
        ("download", "content_type", "size"),
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
        "body": {
            "type": "string",
            "description": "Folders and documents: sanitized HTML.",
        },
        "state": {"type": "string", "enum": states},
        "created": DATETIME,
        "modified": DATETIME,
        **SCHEDULE_SCHEMAS,
        "parent": parent,
        "file": _ref("FileInfo"),
        "width": {"type": "integer", "minimum": 0},
        "height": {"type": "integer", "minimum": 0},
        "scales": _ref("Scales"),
    }
    content_required = (
        "@id", "@type", "id", "uid", "title", "description", "state",
        "created", "modified", *SCHEDULE, "parent",
    )  # fmt: skip
    links = _object(
        {"html": URI, "feed": URI},
        ("html", "feed"),
        description="The node's HTML page, and the Atom feed of its folder "
        "(its own when it is one).",
    )
    child = _object(
        {**content, "links": links},
        ("@id", "@type"),
        description="A child as `expand=children` shows it: a node without "
        "children of its own, kept to `expand.children.fields` when given.",
    )
    node = _object(
        {
            **content,
            "has_draft": {
                "type": "boolean",
                "description": "Only for those who may edit the node.",
            },
            "links": links,
            "items": {"type": "array", "items": _ref("Summary")},
            "items_total": {"type": "integer", "minimum": 0},
            "batching": _ref("Batching"),
            "@components": _object(
                {
                    "breadcrumbs": _ref("Breadcrumbs"),
                    "navigation": _ref("Navigation"),
                    "workflow": _ref("Workflow"),
                    "children": {"type": "array", "items": child},
                },
                description="What `expand` asked for.",
            ),
        },
        ("@id", "@type"),
        description="A node. `body` for folders and documents; `file` for files and "
        "images; `width`, `height` and `scales` for images. Every other key is "
        "there unless `fields` leaves it out (`items`, `items_total` and "
        f"`batching` go together); required without `fields`: "
        f"{', '.join(f'`{key}`' for key in (*content_required, 'items'))}.",
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
    return {
        "Summary": summary,
        "SearchResult": search_result,
        "SearchResults": search_results,
        "Batching": batching,
        "FileInfo": file_info,
        "FileSummary": file_summary,
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
            {
                **{name: _field_schema(field) for name, field in _all_fields().items()},
                **SCHEDULE_SCHEMAS,
            },
            description="The fields to change. "
            + "; ".join(
                f"{name}: {', '.join(field.name for field in fields)}"
                for name, fields in FIELDS.items()
            )
            + "; every type: effective, expires (applied at once, never drafted)"
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
                "@id": URI,
                "items": {"$ref": "#/components/schemas/NavigationItems"},
            },
            ("@id", "items"),
            description="The site's sections (the root's children the caller "
            "may view) and, below the one the node is in, its children, and so "
            "on down to the node, `depth` levels in all.",
        ),
        "NavigationItems": {
            "type": "array",
            "items": _object(
                {
                    "@id": URI,
                    "@type": {"type": "string", "enum": types},
                    "title": {"type": "string"},
                    "current": {
                        "type": "boolean",
                        "description": "This item is the node itself.",
                    },
                    "in_path": {
                        "type": "boolean",
                        "description": "This item is an ancestor of the node.",
                    },
                    "items": {"$ref": "#/components/schemas/NavigationItems"},
                },
                ("@id", "@type", "title", "current", "in_path", "items"),
            ),
        },
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
                # The same shape as the request's entries, but a schema of
                # its own: responses are open to new fields, requests closed.
                "entries": {"type": "array", "items": dict(sharing_entry)},
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
                    description="The new container: its path, its URL or its "
                    "uid; default: the current one.",
                    example="/about/",
                ),
                "id": _string(MAX_NAME_LENGTH, pattern=CHILD_NAME_PATTERN),
            },
            description="`to`, `id` or both.",
            minProperties=1,
        ),
        "Copy": _object(
            {
                "to": _string(
                    2000,
                    description="The container of the copy: its path, its URL "
                    "or its uid.",
                    example="/about/",
                ),
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
    }
