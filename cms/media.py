"""What an uploaded file is, how it may be served, and the scales of an image.

An upload's name and declared type are the uploader's say; ``sniff`` judges
by content instead. What a browser would run (HTML, SVG, XML, scripts) is
never served inline from our origin, where it would act with a visitor's
session: only `INLINE_TYPES` are, raster images, and every other file is an
attachment (the responses also carry ``X-Content-Type-Options: nosniff``).

Images are decoded by Pillow with a bound on their pixels, so a small file
that unpacks to gigabytes is refused (`NotAnImage`) instead of filling memory.
Scales are re-encoded, which also drops the original's metadata (EXIF, GPS).
"""

import codecs
import io
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import puremagic
from PIL import ExifTags, Image, ImageOps

OCTET_STREAM = "application/octet-stream"

#: Types a browser shows inline without running anything: an allow-list.
#: Not text: judged by content, a script (.js) or a page that does not start
#: with a tag is text like any other. Not PDF: viewers run a PDF's scripts and
#: forms, and Chromium's refuses the ``sandbox`` policy every download has.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

#: The Pillow formats accepted as images, and their types.
IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
#: The most pixels an image may have (read when called, so tests can lower it).
MAX_PIXELS = 50_000_000
#: Scale names and the longest side of each, in pixels.
SCALES = {"thumb": 128, "preview": 400, "large": 1200}
#: Scales saved as JPEG use this quality.
JPEG_QUALITY = 85

#: The longest file name kept, in characters.
MAX_FILENAME = 200
# Text after the last dot that is longer than this is not an extension.
_MAX_EXTENSION = 16

# How much of the start of a file is searched for markup: enough for a long
# licence comment or doctype before an SVG's root element.
_HEAD_SIZE = 64 * 1024
# Markup that may come before the root element, as the XML grammar allows.
_PROLOG = re.compile(
    rb"""\s*(?:
        <\?.*?\?>                             # XML declaration, instruction
      | <!--.*?-->                            # comment
      | <!doctype\s(?!\s*html\b)[^[>]*(?:\[.*?\])?\s*>  # doctype, maybe a subset
    )""",
    re.I | re.S | re.X,
)
_HTML_DOCTYPE = re.compile(rb"\s*<!doctype\s+html\b", re.I)
_ROOT = re.compile(rb"\s*<(?:[a-z][\w.-]*:)?([a-z][\w.-]*)", re.I)
# The tags the WHATWG sniffing algorithm takes for HTML, and a few more.
_HTML_TAGS = frozenset(
    b"""a b body br div embed font form frameset h1 head html iframe img link
    meta object p script style table title""".split()
)
# Bytes that never occur in text, as the WHATWG sniffing algorithm defines them.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
# Signatures shorter than this also begin ordinary text ("BM", "MZ", "{").
_STRONG_SIGNATURE = 4
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

# Characters dropped from file names: controls, invisible formatting such as
# the right-to-left override that makes "evil\u202egnp.exe" look like a PNG,
# lone surrogates (not encodable) and line separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SEPARATORS = re.compile(r"[/\\]")
_LEADING_DOTS = re.compile(r"^[\s.]+")


class NotAnImage(ValueError):
    """The file is not an image we accept, or cannot be decoded safely."""


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class ScaledImage:
    data: bytes
    content_type: str
    width: int
    height: int


def sniff(path):
    """Return the content type of the file at *path*, judged by its content."""
    with open(path, "rb") as fp:
        head = fp.read(_HEAD_SIZE)
        if not head:
            return OCTET_STREAM
        markup = _markup_type(head)
        if markup:
            return markup
        if head.startswith(_ZIP_SIGNATURES):
            # Office documents, EPUB and JAR are ZIP files too: without a name
            # puremagic cannot tell them apart, and names the first it lists.
            return "application/zip"
        fp.seek(0)
        match = _magic(fp)
        if match and len(match.byte_match) >= _STRONG_SIGNATURE:
            return match.mime_type
        fp.seek(0)
        if _is_text(fp):
            return "text/plain"
        return match.mime_type if match else OCTET_STREAM


def _markup_type(head):
    """Return the type of markup *head* starts with, or ``None``."""
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if not text.startswith(b"<"):
        return None
    position = 0
    while prolog := _PROLOG.match(text, position):
        position = prolog.end()
    if _HTML_DOCTYPE.match(text, position):
        return "text/html"
    root = _ROOT.match(text, position)
    if root and root[1].lower() == b"svg":
        return "image/svg+xml"
    if root and root[1].lower() in _HTML_TAGS:
        return "text/html"
    if root or text.startswith(b"<?"):
        return "application/xml"
    if text.startswith(b"<!"):
        # A comment left open, or a doctype we cannot read: a browser may
        # still take it for a page.
        return "text/html"
    return None


def _magic(fp):
    """Return puremagic's best match that has a type, or ``None``."""
    try:
        # No file name given: puremagic would trust the extension.
        matches = puremagic.magic_stream(fp)
    except (puremagic.PureError, ValueError):
        return None
    return next((match for match in matches if match.mime_type), None)


def _is_text(fp):
    """Whether the whole of *fp* is UTF-8 text (read in chunks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fp.read(_HEAD_SIZE):
            if _BINARY_BYTES.search(chunk):
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def is_inline(content_type):
    """Whether a file of *content_type* may be shown in the browser."""
    return content_type in INLINE_TYPES


@contextmanager
def _decoding():
    """Turn any failure to decode an image into `NotAnImage`.

    Not a failure to read the file: an OSError that carries an ``errno``
    comes from the disk, not from the image, and goes through as it is.
    """
    try:
        yield
    except NotAnImage:
        raise
    except OSError as exc:
        if exc.errno is not None:
            raise
        raise NotAnImage(f"cannot decode image: {exc}") from exc
    except Exception as exc:
        # Hostile input breaks decoders in many ways (OSError, SyntaxError,
        # struct.error, IndexError…), and the bomb check raises its own;
        # all of them mean the same here.
        raise NotAnImage(f"cannot decode image: {exc}") from exc


def _open_image(fp):
    """Open the image in *fp* (its header only) if we accept its format and size."""
    image = Image.open(fp, formats=list(IMAGE_TYPES))
    if image.width * image.height > MAX_PIXELS:
        raise NotAnImage(f"more than {MAX_PIXELS} pixels")
    return image


def _oriented_size(image):
    """Return the size of *image* as shown, its EXIF orientation applied."""
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    # Orientations 5 to 8 turn the image a quarter.
    if orientation in (5, 6, 7, 8):
        return image.height, image.width
    return image.size


def image_info(path):
    """Return the type and size (as shown) of the image at *path*.

    Raise `NotAnImage` unless it is a PNG, JPEG, GIF or WebP image that
    decodes whole within `MAX_PIXELS`.
    """
    with open(path, "rb") as fp, _decoding():
        with _open_image(fp) as image:
            image.verify()
        # verify() leaves the image unusable, and only checks some formats:
        # decoding it is the test that a JPEG or WebP is whole.
        fp.seek(0)
        with _open_image(fp) as image:
            image.load()
            width, height = _oriented_size(image)
            return ImageInfo(IMAGE_TYPES[image.format], width, height)


def _fit(size, longest):
    """Return *size* shrunk so that its longest side is at most *longest*."""
    width, height = size
    ratio = longest / max(width, height)
    if ratio >= 1:
        return size
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def make_scale(path, scale):
    """Return the image at *path* scaled to `SCALES` [*scale*], upright.

    An animation gives its first frame. The result is PNG for a PNG or GIF
    image or one with transparency, JPEG otherwise. Raise `NotAnImage` as
    `image_info` does, and KeyError for an unknown scale.
    """
    longest = SCALES[scale]
    with open(path, "rb") as fp, _decoding(), _open_image(fp) as source:
        shown = _oriented_size(source)
        width, height = _fit(shown, longest)
        # A JPEG can be decoded at 1/2 to 1/8 of its size, much faster; twice
        # the target keeps the final resampling sharp.
        stored = (width, height) if shown == source.size else (height, width)
        source.draft(None, (2 * stored[0], 2 * stored[1]))
        as_png = source.format in ("PNG", "GIF") or source.has_transparency_data
        image = ImageOps.exif_transpose(source)
        mode = "RGBA" if source.has_transparency_data else "RGB"
        # A colour profile describes the pixels only if their mode is kept.
        icc_profile = image.info.get("icc_profile") if image.mode == mode else None
        image = image.convert(mode)
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if as_png:
            image.save(out, "PNG", icc_profile=icc_profile)
        else:
            image.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=icc_profile)
    return ScaledImage(
        out.getvalue(), "image/png" if as_png else "image/jpeg", width, height
    )


def safe_filename(name):
    """Return *name* fit to store and show: one path component, no controls.

    Markup may remain: a name is text, escaped wherever it is shown.
    """
    name = _SEPARATORS.split(name)[-1]
    name = "".join(
        c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES
    )
    # Macs send decomposed accents; the same name should compare equal.
    name = unicodedata.normalize("NFC", name)
    # Leading dots hide a file, or make it "." or "..".
    name = _LEADING_DOTS.sub("", name).rstrip()
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= _MAX_EXTENSION:
            name = stem[: MAX_FILENAME - 1 - len(extension)] + dot + extension
        else:
            name = name[:MAX_FILENAME]
    return name or "file"


def content_disposition(filename, inline):
    """Return a Content-Disposition header value naming *filename*.

    Old clients read the ASCII ``filename``; others the exact UTF-8
    ``filename*`` (RFC 6266 and RFC 5987).
    """
    filename = safe_filename(filename)
    fallback = "".join("_" if ord(c) > 127 else c for c in filename if c not in '"\\')
    disposition = "inline" if inline else "attachment"
    return (
        f'{disposition}; filename="{fallback or "file"}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )
