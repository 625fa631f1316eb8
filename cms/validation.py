"""Reading and checking JSON request bodies.

Every JSON write goes through :func:`read_json`: the wrong content type is a
415, a body over ``cms.max_json_bytes`` a 413, malformed JSON or anything but
an object a 400. :func:`check_fields` refuses fields an endpoint does not
take, which is how a body is kept from setting what it may not (owner, state,
uid, path, roles…).
"""

import json

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPRequestEntityTooLarge,
    HTTPUnsupportedMediaType,
)

#: The largest JSON body read (the contract's default).
MAX_JSON_BYTES = 1024 * 1024


class Invalid(HTTPBadRequest):
    """A 400 with field-level messages: ``[{"field", "message"}, …]``."""

    def __init__(self, errors, message="The request is not valid."):
        super().__init__(message)
        self.errors = errors


def read_json(request):
    """Return the request's JSON object, or raise the right 4xx."""
    if request.content_type != "application/json":
        raise HTTPUnsupportedMediaType(
            "Send JSON, with Content-Type: application/json."
        )
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise HTTPRequestEntityTooLarge("The JSON body is larger than 1 MB.")
    # Read from the start of a seekable copy: a retried request (pyramid_retry)
    # reads the same body again.
    request.make_body_seekable()
    raw = request.body_file_raw
    raw.seek(0)
    body = raw.read(MAX_JSON_BYTES + 1)
    raw.seek(0)
    if len(body) > MAX_JSON_BYTES:
        raise HTTPRequestEntityTooLarge("The JSON body is larger than 1 MB.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise HTTPBadRequest("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise HTTPBadRequest("The body must be a JSON object.")
    if _has_nul(data):
        # No database stores it faithfully (PostgreSQL refuses it outright).
        raise HTTPBadRequest("Text may not contain NUL characters.")
    return data


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


#: The view predicate of a form post from a browser (no file fields).
FORM_POST = "Content-Type:application/x-www-form-urlencoded"


def small_number(text):
    """Return *text* as a whole number below 10**9, or ``None``.

    For numbers typed into forms and URLs (versions, ids, days): only ASCII
    digits, and few enough of them to fit any database's integer.
    """
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None


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


def string_field(data, field, errors, max_length, required=False, default=None):
    """Return ``data[field]`` if it is a string of at most *max_length*."""
    value = data.get(field, default)
    if value is None:
        if required:
            errors.append({"field": field, "message": "Required."})
        return value
    if not isinstance(value, str):
        errors.append({"field": field, "message": "Must be a string."})
    elif len(value) > max_length:
        errors.append(
            {"field": field, "message": f"Must be at most {max_length} characters."}
        )
    elif required and not value.strip():
        errors.append({"field": field, "message": "Required."})
    return value
