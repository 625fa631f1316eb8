"""Downloads: a File's or Image's blob, and an Image's scales.

Streamed from the blob store with the stored content type, an ETag (the
blob's hash) and Range support. Only raster images are shown inline
(:data:`cms.media.INLINE_TYPES`); anything a browser might run (HTML, SVG,
scripts…) is sent as an attachment, and every download says ``sandbox`` in
its Content-Security-Policy besides.
"""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileResponse
from pyramid.view import view_config

from cms.files import blob_store
from cms.media import content_disposition, is_inline
from cms.models import File, Image
from cms.permissions import Permission

DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def blob_response(request, key, content_type, filename, inline):
    path = blob_store(request).path(key)
    if not path.exists():
        raise HTTPNotFound("The file's content is missing.")
    response = FileResponse(str(path), request=request, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename, inline)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.etag = key
    response.conditional_response = True
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
