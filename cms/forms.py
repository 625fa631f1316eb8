"""Reading the forms that browsers post to the editor's pages.

JSON bodies are read by :mod:`cms.validation`; this module is for pages
whose answer is the form again, with a message next to each refused field
and what was typed kept.
"""

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
