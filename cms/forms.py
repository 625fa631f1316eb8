"""Reading the forms that browsers post to the editor's pages.

JSON bodies are read by :mod:`cms.validation`; this module is for pages
whose answer is the form again, with a message next to each refused field
and what was typed kept.
"""

from cms.files import MULTIPART, read_multipart
from cms.schemas import FIELDS
from cms.validation import Invalid

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


# -- fields by name ----------------------------------------------------------------


NUL_MESSAGE = "Text may not contain NUL characters."


def read_form(request, names, lists=()):
    """Return ``(values, errors)``: the posted *names* ('' when absent).

    Fields in *lists* are lists (checkboxes). Text holding a NUL character is
    refused here: no database stores it faithfully.
    """
    post = request.POST
    values, errors = {}, []
    for name in names:
        value = post.getall(name) if name in lists else post.get(name, "")
        values[name] = value
        if any("\x00" in item for item in (value if name in lists else [value])):
            errors.append({"field": name, "message": NUL_MESSAGE})
    return values, errors


def by_field(errors):
    return {error["field"]: error["message"] for error in errors}


# -- the editor's add and edit forms ---------------------------------------------


def form_data(request, type_name):
    """The posted fields this type's form has, and the upload if any."""
    if request.content_type == MULTIPART:
        fields, upload = _read_form_multipart(request)
    else:
        fields, upload = dict(request.POST), None
    names = {field.name for field in FIELDS[type_name]} | {"id"}
    return {key: value for key, value in fields.items() if key in names}, upload


def _read_form_multipart(request):
    """Read a multipart form; a file input left empty sends no file.

    A browser sends an empty part for a file input the editor did not use
    (editing a File without replacing it): that is no upload, not an error.
    """
    try:
        return read_multipart(request)
    except Invalid as error:
        if not _is_empty_file_part(request, error):
            raise
    # The parsed form is cached on the request: read it again without it.
    del request.POST["file"]
    return read_multipart(request)


def _is_empty_file_part(request, error):
    fields = [item["field"] for item in error.errors]
    # An empty part without a file name is parsed as an empty value.
    return fields == ["file"] and request.POST.getall("file") in ([""], [b""])


def typed_fields(request, type_name):
    """Return the text the editor typed, to show the form again after a refusal."""
    names = {field.name for field in FIELDS[type_name]} | {"id"}
    try:
        items = list(request.POST.items())
    except Exception:
        return {}  # an unreadable body has nothing to show
    return {
        key: value for key, value in items if key in names and isinstance(value, str)
    }
