"""Downloads: a File's or Image's blob, and an Image's scales.

Streamed from the blob store with the stored content type, an ETag (the
blob's hash) and Range support. Only raster images are shown inline
(:data:`cms.media.INLINE_TYPES`); anything a browser might run (HTML, SVG,
scripts…) is sent as an attachment, and every download says ``sandbox`` in
its Content-Security-Policy besides.

A blob missing from the store answers 404; one the disk fails to give
answers 503 (`StoreUnavailable`), the file being opened before anything is
sent.
"""

import logging

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileIter, Response
from pyramid.view import view_config
from webob import static

from cms.files import blob_store
from cms.media import content_disposition, is_inline
from cms.models import File, Image
from cms.permissions import Permission
from cms.services.errors import StoreUnavailable
from cms.storage import CHUNK_SIZE, BlobStoreUnavailable, opened_stat

log = logging.getLogger(__name__)

DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
UNREADABLE = "The file cannot be read right now. Try again later."


def open_blob(request, key):
    """Open blob *key* of the store, or answer 404 (missing) or 503 (unreadable)."""
    try:
        return blob_store(request).open(key)
    except FileNotFoundError:
        raise HTTPNotFound("The file's content is missing.") from None
    except BlobStoreUnavailable as error:
        log.error("a download failed: %s", error)
        raise StoreUnavailable(UNREADABLE) from error


class BlobIter(static.FileIter):
    """The body of a blob read from an object store.

    A range starts with a seek, which the store's reader answers by asking
    for that range alone (Pyramid's FileIter would read up to it).
    """

    def app_iter_range(self, seek=None, limit=None, block_size=CHUNK_SIZE):
        return super().app_iter_range(seek, limit, block_size)

    def __iter__(self):
        return self.app_iter_range()

    def close(self):
        # A HEAD, a 304 or a 416 never iterates: the connection goes back now.
        self.file.close()


def file_response(request, fp, content_type):
    """Stream the open blob *fp*, as Pyramid's FileResponse streams a path."""
    size, mtime, local = opened_stat(fp)
    response = Response(content_type=content_type, conditional_response=True)
    response.last_modified = mtime
    file_wrapper = request.environ.get("wsgi.file_wrapper")
    if not local:
        response.app_iter = BlobIter(fp)
    elif file_wrapper:
        response.app_iter = file_wrapper(fp, CHUNK_SIZE)
    else:
        response.app_iter = FileIter(fp, CHUNK_SIZE)
    # After app_iter, which would reset it.
    response.content_length = size
    return response


def blob_response(request, key, content_type, filename, inline):
    response = file_response(request, open_blob(request, key), content_type)
    response.headers["Content-Disposition"] = content_disposition(filename, inline)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.etag = key
    response.accept_ranges = "bytes"
    return response


@view_config(
    context=File,
    name="download",
    request_method=("GET", "HEAD"),
    permission=Permission.VIEW,
)
def download(file, request):
    inline = is_inline(file.content_type)
    return blob_response(
        request, file.blob_key, file.content_type, file.filename, inline
    )


@view_config(
    context=Image,
    name="images",
    subpath=1,
    request_method=("GET", "HEAD"),
    permission=Permission.VIEW,
)
def image_scale(image, request):
    scale = image.scales.get(request.subpath[0])
    if scale is None:
        raise HTTPNotFound()
    stem = image.filename.rsplit(".", 1)[0]
    extension = "png" if scale["content_type"] == "image/png" else "jpg"
    return blob_response(
        request,
        scale["key"],
        scale["content_type"],
        f"{stem}-{request.subpath[0]}.{extension}",
        inline=True,
    )
