"""Reading the forms that browsers post to the editor's pages.

JSON bodies are read by :mod:`cms.validation`; this module is for pages
whose answer is the form again, with a message next to each refused field
and what was typed kept.
"""

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
