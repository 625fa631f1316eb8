"""Reading the forms that browsers post to the editor's pages.

JSON bodies are read by :mod:`cms.validation`; this module is for pages
whose answer is the form again, with a message next to each refused field
and what was typed kept.

Each form the editor fills in carries a token (:func:`submission_token`),
so that sending the same form twice adds or saves once (:func:`already_sent`).
"""

import re
import secrets

from pyramid.httpexceptions import HTTPSeeOther

from cms.files import MULTIPART, read_multipart
from cms.flash import COOKIE_NAME as FLASH_COOKIE
from cms.flash import flash
from cms.models import Node
from cms.permissions import Permission
from cms.schedule import SCHEDULE, from_form
from cms.schemas import FIELDS
from cms.services.errors import Invalid
from cms.urls import node_url

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
    data = {key: value for key, value in fields.items() if key in _names(type_name)}
    for name in SCHEDULE:
        if isinstance(data.get(name), str):
            data[name] = from_form(data[name])
    return data, upload


def _names(type_name):
    """The names of the fields of this type's add and edit forms."""
    return {field.name for field in FIELDS[type_name]} | {"id", *SCHEDULE}


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
    try:
        items = list(request.POST.items())
    except Exception:
        return {}  # an unreadable body has nothing to show
    names = _names(type_name)
    return {
        key: value for key, value in items if key in names and isinstance(value, str)
    }


# -- double submission ------------------------------------------------------------


#: How many sent forms a browser's session remembers (see `already_sent`).
REMEMBERED_FORMS = 10
_SESSION_KEY = "sent_forms"
_SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")


def submission_token(request):
    """Return the token that marks one filling-in of a form.

    A form shown again after a refusal keeps its token: sending it again is
    still the same submission.
    """
    token = request.POST.get("submission") if request.method == "POST" else None
    if isinstance(token, str) and _SUBMISSION.fullmatch(token):
        return token
    return secrets.token_urlsafe(16)


def _sent_forms(request):
    if FLASH_COOKIE not in request.cookies:
        return []  # no session yet: do not start one just to look
    sent = request.session.get(_SESSION_KEY)
    return sent if isinstance(sent, list) else []


def already_sent(request):
    """Return the node id a form with this request's token made, or ``None``.

    A browser that sends the same form twice (a double click, the back
    button, a reload that posts again) sends its token twice. The tokens
    live in the browser's signed session cookie (:mod:`cms.flash`), so two
    copies that arrive at the same moment both pass: the script that
    disables the buttons once a form is sent covers that case.
    """
    token = request.POST.get("submission")
    for sent_token, node_id in _sent_forms(request):
        if sent_token == token:
            return node_id
    return None


def remember_sent(request, node):
    """Remember that this request's form token made or changed *node*."""
    token = request.POST.get("submission")
    if not isinstance(token, str) or not _SUBMISSION.fullmatch(token):
        return
    sent = [item for item in _sent_forms(request) if item[0] != token]
    request.session[_SESSION_KEY] = [*sent, [token, node.id]][-REMEMBERED_FORMS:]


def sent_again(request, node_id, fallback, message):
    """Answer a form sent a second time: say so, and show what the first did."""
    node = request.dbsession.get(Node, node_id) if isinstance(node_id, int) else None
    if node is None or not request.has_permission(Permission.VIEW, node):
        node = fallback
    flash(request, message)
    return HTTPSeeOther(location=node_url(request, node.path))
