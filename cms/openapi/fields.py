"""The schemas made from the content fields: new nodes, changes and uploads."""

from typing import Any

from cms.models import CONTENT_TYPES
from cms.models.tree import MAX_NAME_LENGTH
from cms.openapi.builders import NULLABLE_DATETIME, _object, _string
from cms.openapi.patterns import CHILD_NAME_PATTERN
from cms.schedule import SCHEDULE, TITLES
from cms.schemas import FIELDS, Field
from cms.services.content import FILE_TYPES

#: Types made from a JSON body (files and images are uploaded as multipart).
JSON_TYPES = tuple(name for name in CONTENT_TYPES if name not in FILE_TYPES)


# -- components ------------------------------------------------------------------

#: The schedule of every node (:mod:`cms.schedule`), read and written alike.
SCHEDULE_SCHEMAS: dict[str, dict[str, Any]] = {
    name: {
        **NULLABLE_DATETIME,
        "description": f"{TITLES[name]}: readers see a published node only "
        "from `effective` until `expires` (null: no limit). Written with an "
        "offset from UTC; read in UTC.",
    }
    for name in SCHEDULE
}


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
            "readyz, metrics, static).",
        ),
    }
    properties.update({field.name: _field_schema(field) for field in fields})
    properties.update(SCHEDULE_SCHEMAS)
    required = ["@type", *(field.name for field in fields if field.required)]
    return _object(properties, required, title=f"New {type_name}")


def _all_fields():
    """Every content field any type's JSON may write, by name."""
    fields: dict[str, Field] = {}
    for type_fields in FIELDS.values():
        for field in type_fields:
            fields.setdefault(field.name, field)
    return fields


def _upload_schema(required):
    text = {name: _field_schema(field) for name, field in _all_fields().items()}
    text.pop("body", None)
    text.update(
        {
            name: {
                "type": "string",
                "description": SCHEDULE_SCHEMAS[name]["description"]
                + " An empty value clears it.",
            }
            for name in SCHEDULE
        }
    )
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
