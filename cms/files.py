"""Files and images: uploads in (multipart, streamed to the blob store).

An upload is checked before any node points at it: its size against
``cms.max_upload_bytes`` (413), its content type judged from its bytes, and
for an image that Pillow can read it (400 otherwise); the scales are made
then, once. The blob is written before the node that names it, so a crash
leaves at worst an orphan blob (``cms-admin INI blobs clean``).

When the disk fails, the upload is refused before any node names it:
`StoreFull` (507) when the store is full, `StoreUnavailable` (503) for any
other failure. The request's transaction is then aborted; a blob already
stored (an image whose scales could not be) is an orphan like any other.
"""

import io
import logging
import weakref
from contextlib import contextmanager
from email.message import Message

from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

from cms.blobstore import store_for_settings
from cms.media import SCALES, NotAnImage, image_info, make_scale, safe_filename, sniff
from cms.services.errors import Invalid, StoreFull, StoreUnavailable
from cms.storage import (
    BlobStoreFull,
    BlobStoreUnavailable,
    BlobTooLarge,
    EmptyBlob,
    store_errors,
)

log = logging.getLogger(__name__)

MULTIPART = "multipart/form-data"


def blob_store(request):
    return request.registry["blobstore"]


@contextmanager
def storing():
    """Refuse the upload when the blob store fails: 507 when full, else 503."""
    try:
        yield
    except BlobStoreFull as error:
        log.error("an upload was refused: %s", error)
        raise StoreFull() from error
    except BlobStoreUnavailable as error:
        log.error("an upload was refused: %s", error)
        raise StoreUnavailable() from error


class Upload:
    """A file received in a request, already stored as a blob."""

    def __init__(self, request, field):
        # A replayed request (cms.db: pyramid_retry) gets the same parsed
        # fields again, their files read to the end by the first attempt.
        field.file.seek(0)
        self._store(
            blob_store(request),
            field.file,
            field.filename or "",
            request.registry.settings["cms.max_upload_bytes"],
        )

    @classmethod
    def from_bytes(cls, store, filename, data):
        """A file made by the application itself (the demo's picture)."""
        upload = cls.__new__(cls)
        upload._store(store, io.BytesIO(data), filename, len(data))
        return upload

    def _store(self, store, stream, filename, limit):
        self.store = store
        self.filename = safe_filename(filename)
        try:
            with storing():
                staged = store.stage(stream, limit)
        except BlobTooLarge:
            raise HTTPRequestEntityTooLarge(
                f"The file is larger than {limit // (1024 * 1024)} MB."
            ) from None
        except EmptyBlob:
            raise Invalid(
                [{"field": "file", "message": "The file is empty."}]
            ) from None
        # The bytes stay at hand, in a local file, while this upload is used
        # (its type, an image's size and scales): never fetched back.
        weakref.finalize(self, staged.close)
        self.blob = staged.blob
        with storing():
            try:
                staged.commit()  # before any row names it
            except BaseException:
                staged.close()
                raise
        self.path = staged.path
        with storing(), store_errors():
            self.content_type = sniff(self.path)

    def values(self, type_name):
        """Return the node fields for a node of *type_name* holding this file."""
        values = {
            "blob_key": self.blob.key,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.blob.size,
        }
        if type_name == "Image":
            with storing(), store_errors():
                values.update(self._image_values())
        return values

    def _image_values(self):
        """The fields of an Image: its type, size and scales (stored here)."""
        try:
            info = image_info(self.path)
        except NotAnImage:
            raise Invalid.field(
                "file", "Not an image: PNG, JPEG, GIF or WebP."
            ) from None
        scales = {}
        for scale in SCALES:
            scaled = make_scale(self.path, scale)
            blob = self.store.save_bytes(scaled.data)
            scales[scale] = {
                "key": blob.key,
                "width": scaled.width,
                "height": scaled.height,
                "content_type": scaled.content_type,
            }
        return {
            "content_type": info.content_type,
            "width": info.width,
            "height": info.height,
            "scales": scales,
        }


def read_multipart(request):
    """Return ``(fields, upload)`` of a multipart request, or raise a 4xx."""
    limit = request.registry.settings["cms.max_upload_bytes"]
    if (request.content_length or 0) > limit + 64 * 1024:
        raise HTTPRequestEntityTooLarge(
            f"The upload is larger than {limit // 2**20} MB."
        )
    check_complete(request)
    try:
        post = request.POST
        items = list(post.items())
    except Exception:
        raise HTTPBadRequest("The multipart body could not be read.") from None
    fields, upload = {}, None
    for key, value in items:
        if not isinstance(key, str):
            raise HTTPBadRequest("Every part of the form needs a name.")
        if key == "csrf_token":
            continue  # checked before the view ran

        if key in fields or (key == "file" and upload is not None):
            raise Invalid([{"field": key, "message": "Given more than once."}])
        if key == "file":
            if not hasattr(value, "file") or not getattr(value, "filename", None):
                raise Invalid([{"field": "file", "message": "Send a file."}])
            upload = value
        elif isinstance(value, str):
            fields[key] = value
        else:
            raise Invalid([{"field": key, "message": "Must be text."}])
    if "\x00" in "".join(fields) + "".join(fields.values()):
        raise HTTPBadRequest("Text may not contain NUL characters.")
    return fields, (Upload(request, upload) if upload is not None else None)


def check_complete(request):
    """Refuse a multipart body that does not end with its closing boundary.

    Python's parser takes a cut-off body for a whole one: the last file would
    be stored truncated. The body is spooled (to disk when large) to look.
    """
    header = Message()
    header["Content-Type"] = request.headers.get("Content-Type", "")
    boundary = str(header.get_param("boundary") or "")
    request.make_body_seekable()
    body = request.body_file_raw
    body.seek(0, 2)
    size = body.tell()
    body.seek(max(0, size - len(boundary) - 16))
    tail = body.read()
    body.seek(0)
    if not boundary or f"--{boundary}--".encode() not in tail:
        raise HTTPBadRequest("The upload is incomplete: send it again.")


def size_text(size):
    """Return *size* in bytes as a short text (``50 MB``)."""
    for unit, factor in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def includeme(config):
    settings = config.get_settings()
    config.registry["blobstore"] = store_for_settings(settings)
