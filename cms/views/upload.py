"""The upload page of a container: several files at once, each its own node.

Each file becomes an Image when its bytes are a PNG, JPEG, GIF or WebP
picture, and a File otherwise, titled with its file name, through the same
service as every other add (:func:`cms.services.content.create`). A file that is
refused (too large, empty, an image that cannot be read) does not stop the
others; one message then says what was added and what was not, and why.
A file store that fails (full, or not writable) is no refusal of one file:
it stops them all, and the request is answered 507 or 503 with nothing
added (:mod:`cms.files`).

Without JavaScript the form sends every file in one request and the answer
is a redirect with that message. ``upload.js`` sends one file per request
instead, to show each one's progress: those requests (``X-Requested-With:
XMLHttpRequest``) get the page itself, with the outcome in
``#upload-results``, and no message.
"""

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    HTTPSeeOther,
)
from pyramid.view import view_config, view_defaults

from cms.files import MULTIPART, Upload, check_complete, size_text
from cms.flash import flash
from cms.forms import already_sent, remember_sent, sent_again, submission_token
from cms.media import IMAGE_TYPES, safe_filename
from cms.models import Node
from cms.permissions import Permission
from cms.responses import error_response, wants_json
from cms.services import content
from cms.services.errors import Invalid
from cms.urls import node_url

PAGE = "cms:templates/edit/upload.jinja2"
#: The most files one request may carry.
MAX_FILES = 20
#: The name of the form's file input.
FIELD = "files"
# What a multipart body adds around its files, at most (names, boundaries).
_OVERHEAD = 64 * 1024


def upload_page(request, container, errors=None, results=None, status=200):
    request.response.status = status
    limit = request.registry.settings["cms.max_upload_bytes"]
    return {
        "title": f"Upload to {container.title}",
        "container_title": container.title,
        "container_url": node_url(request, container.path),
        "action": node_url(request, container.path, "@@upload"),
        "max_bytes": limit,
        "max_size": size_text(limit),
        "max_files": MAX_FILES,
        "submission": submission_token(request),
        "errors": errors or {},
        "results": results,
    }


def check_container(container):
    if not container.is_container:
        raise HTTPNotFound()


@view_defaults(
    context=Node,
    name="upload",
    renderer=PAGE,
    permission=Permission.ADD,
)
class UploadPage:
    def __init__(self, container, request):
        self.container = container
        self.request = request

    @view_config(request_method=("GET", "HEAD"))
    def upload_form(self):
        container, request = self.container, self.request
        check_container(container)
        return upload_page(request, container)

    @view_config(request_method="POST")
    def upload_files(self):
        container, request = self.container, self.request
        check_container(container)
        limit = request.registry.settings["cms.max_upload_bytes"]
        if request.content_type != MULTIPART:
            return refused(request, container, "Choose one or more files.", 400)
        if (request.content_length or 0) > MAX_FILES * limit + _OVERHEAD:
            return refused(
                request,
                container,
                f"Together the files are too large: send at most {MAX_FILES} files"
                f" of {size_text(limit)} each.",
                413,
            )
        check_complete(request)
        parts = file_parts(request)
        if not parts:
            return refused(request, container, "Choose one or more files.", 400)
        if len(parts) > MAX_FILES:
            return refused(
                request, container, f"At most {MAX_FILES} files at a time.", 400
            )
        xhr = request.is_xhr
        if not xhr:
            sent = already_sent(request)
            if sent is not None:
                return sent_again(
                    request, sent, container, "These files were already uploaded once."
                )
        results = [add_file(request, container, part) for part in parts]
        if xhr:
            return upload_page(request, container, results=results)
        remember_sent(request, container)
        added = [result for result in results if result["node"] is not None]
        flash(
            request, summary(results), "info" if len(added) == len(results) else "error"
        )
        # Nothing added: back to the form, to try again.
        view = None if added else "@@upload"
        return HTTPSeeOther(location=node_url(request, container.path, view))


def refused(request, container, message, status):
    """The form again with *message*; a JSON client gets the JSON error."""
    if wants_json(request):
        error = HTTPRequestEntityTooLarge() if status == 413 else HTTPBadRequest()
        return error_response(request, error, message)
    return upload_page(request, container, errors={FIELD: message}, status=status)


def file_parts(request):
    """Return the files of the form, leaving out an input sent empty."""
    try:
        items = request.POST.getall(FIELD)
    except Exception:
        return []  # an unreadable body has no files to add
    return [item for item in items if hasattr(item, "file") and item.filename]


def add_file(request, container, part):
    """Add one uploaded file as a File or an Image; return what happened."""
    filename = safe_filename(part.filename)
    result = {"filename": filename, "node": None, "reason": None}
    try:
        upload = Upload(request, part)
    except HTTPRequestEntityTooLarge:
        limit = request.registry.settings["cms.max_upload_bytes"]
        result["reason"] = f"larger than {size_text(limit)}"
        return result
    except Invalid as error:
        result["reason"] = reason(error)
        return result
    type_name = "Image" if upload.content_type in IMAGE_TYPES.values() else "File"
    try:
        node = content.create(
            request.dbsession, request.caller, container, {"@type": type_name}, upload
        )
    except Invalid as error:
        result["reason"] = (
            "not a readable image" if type_name == "Image" else reason(error)
        )
        return result
    result.update(
        node=node, type=type_name, url=node_url(request, node.path), title=node.title
    )
    return result


def reason(error):
    """The messages of a refusal, as a lower-case phrase."""
    text = "; ".join(item["message"] for item in error.errors).rstrip(".")
    return text[:1].lower() + text[1:]


def summary(results):
    """One sentence for the message: what was added, what was not and why."""
    added = [f"“{r['filename']}”" for r in results if r["node"] is not None]
    refused = [
        f"“{r['filename']}” ({r['reason']})" for r in results if r["node"] is None
    ]
    parts = []
    if added:
        noun = "file" if len(added) == 1 else "files"
        parts.append(f"Added {len(added)} {noun}: {', '.join(added)}.")
    if refused:
        parts.append(f"Not added: {'; '.join(refused)}.")
    return " ".join(parts)
