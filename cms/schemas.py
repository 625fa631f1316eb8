"""What each content type's JSON may set, checked field by field.

One table says, per content type, which fields a client may write and what
they must look like; the write views, the editor's forms and the OpenAPI
document all read it. A field that is not in the table (``owner``,
``state``, ``uid``, ``path``…) is refused: that is how a body is kept from
setting what only a dedicated endpoint may change.
"""

from dataclasses import dataclass

from cms.sanitize import clean_html
from cms.services.errors import Invalid


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    max_length: int
    required: bool = False
    #: Sanitized as HTML on the way in.
    html: bool = False
    #: Shown as several lines in forms.
    multiline: bool = False

    def clean(self, value, errors):
        """Return the cleaned *value*, or append to *errors* and return None."""
        if not isinstance(value, str):
            errors.append({"field": self.name, "message": "Must be a string."})
            return None
        if len(value) > self.max_length:
            errors.append(
                {
                    "field": self.name,
                    "message": f"At most {self.max_length} characters.",
                }
            )
            return None
        if "\x00" in value:
            errors.append({"field": self.name, "message": "NUL is not allowed."})
            return None
        if self.html:
            return clean_html(value)
        value = value.strip() if not self.multiline else value
        if self.required and not value.strip():
            errors.append({"field": self.name, "message": "Required."})
            return None
        return value


TITLE = Field("title", "Title", 200, required=True)
DESCRIPTION = Field("description", "Description", 2000, multiline=True)
BODY = Field("body", "Body", 1_000_000, html=True, multiline=True)

#: The fields each type's JSON may write, in the order forms show them.
FIELDS = {
    "Folder": (TITLE, DESCRIPTION, BODY),
    "Document": (TITLE, DESCRIPTION, BODY),
    "File": (TITLE, DESCRIPTION),
    "Image": (TITLE, DESCRIPTION),
}

#: The content fields a revision keeps, per type (files add their blob).
SNAPSHOT = {
    "Folder": ("title", "description", "body"),
    "Document": ("title", "description", "body"),
    "File": ("title", "description", "blob_key", "filename", "content_type", "size"),
    "Image": (
        "title", "description", "blob_key", "filename", "content_type", "size",
        "width", "height", "scales",
    ),
}  # fmt: skip


def clean_fields(type_name, data, partial):
    """Return ``(values, errors)`` for the content fields in *data*.

    With *partial* (PATCH) absent fields are left alone; without it, required
    fields must be there. Unknown keys are the caller's to refuse first.
    """
    values, errors = {}, []
    for field in FIELDS[type_name]:
        if field.name not in data:
            if field.required and not partial:
                errors.append({"field": field.name, "message": "Required."})
            continue
        value = field.clean(data[field.name], errors)
        if value is not None:
            values[field.name] = value
    return values, errors


def check_fields(data, allowed, required=()):
    """Raise :class:`Invalid` for unknown or missing fields of *data*."""
    errors = [
        {"field": field, "message": "Unknown field."}
        for field in sorted(set(data) - set(allowed))
    ]
    errors += [
        {"field": field, "message": "Required."}
        for field in required
        if field not in data
    ]
    if errors:
        raise Invalid(errors)
