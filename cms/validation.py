"""Reading and checking request bodies: JSON, and the fields of forms.

Every JSON write goes through :func:`read_json`: the wrong content type is a
415, a body over ``cms.max_json_bytes`` a 413, malformed JSON or anything but
an object a 400. :func:`check_fields` refuses fields an endpoint does not
take, which is how a body is kept from setting what it may not (owner, state,
uid, path, roles…).

Text no database stores faithfully is refused once, where a body is read: a
lone UTF-16 surrogate (JSON may escape one, ``"\\ud800"``; a form part may
name a charset that makes one) cannot even be encoded as UTF-8, and NUL in
JSON. The 400 names the field, as ``entries[0].principal``. Forms are read by
:class:`Request`, the application's request, whose ``POST`` checks them.
"""

import json
import re

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPRequestEntityTooLarge,
    HTTPUnsupportedMediaType,
)
from pyramid.request import Request as PyramidRequest

from cms.services.errors import Invalid

#: The largest JSON body read (the contract's default).
MAX_JSON_BYTES = 1024 * 1024


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
    _refuse_bad_text(_strings(data), _BAD_JSON_TEXT)
    return data


#: A lone surrogate: half of a UTF-16 pair, which UTF-8 cannot encode.
_BAD_TEXT = re.compile("[\ud800-\udfff]")
#: Likewise, and NUL, which PostgreSQL refuses in text. (Forms may hold NUL:
#: their pages show the field again with a message.)
_BAD_JSON_TEXT = re.compile("[\x00\ud800-\udfff]")


def _refuse_bad_text(named_strings, bad=_BAD_TEXT):
    """Raise :class:`Invalid` for a string that has a match of *bad*.

    *named_strings* yields ``(field, text)``.
    """
    for field, text in named_strings:
        found = bad.search(text)
        if found is None:
            continue
        if found[0] == "\x00":
            message = "Text may not contain NUL characters."
        else:
            message = (
                "Not valid Unicode: a lone surrogate (U+D800 to U+DFFF). "
                "Send characters beyond U+FFFF as a surrogate pair."
            )
        raise Invalid(
            [{"field": _printable(field), "message": message}],
            "The request holds text that cannot be stored.",
        )


def _strings(data):
    """Yield ``(path, text)`` for every key and string in a JSON object.

    A key's path is its own (``entries[0].principal``). The walk keeps its
    own stack: a body nested as deep as the parser allows stays a 400.
    """
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                field = f"{path}.{key}" if path else key
                yield field, key
                stack.append((field, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


def _printable(field):
    # The name itself may be the bad text: escape it, as Python would.
    return field.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")


#: Where a request notes the form it checked (WebOb keeps the parsed form).
_CHECKED_FORM = "cms.checked_form"


class Request(PyramidRequest):
    """The application's request: its form fields are checked once, when read.

    WebOb decodes a form as UTF-8, replacing what is not, but a part of a
    multipart form may name another charset: one that is unknown, that the
    part's bytes are not in, or that makes lone surrogates (UTF-7). Each is a
    400 here, whoever reads the form first (the CSRF check, a view).
    """

    @property
    def POST(self):
        try:
            form = super().POST
        except (ValueError, LookupError, DeprecationWarning):
            # Undecodable text or base64, an unknown charset, or WebOb's
            # refusal of a form whose Content-Type names a charset but UTF-8.
            raise HTTPBadRequest(
                "The form could not be read: send it as UTF-8."
            ) from None
        if self.environ.get(_CHECKED_FORM) is not form:
            _refuse_bad_text(_form_strings(form))
            self.environ[_CHECKED_FORM] = form
        return form


def _form_strings(form):
    """Yield ``(field, text)`` for the names, text and file names of *form*."""
    for name, value in form.items():
        yield name, name
        text = value if isinstance(value, str) else getattr(value, "filename", None)
        if isinstance(text, str):
            yield name, text


def includeme(config):
    config.set_request_factory(Request)


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
