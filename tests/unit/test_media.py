"""Media: types judged by content, inline or attachment, images and their scales."""

import io
import struct
import zipfile
import zlib

import pytest
from PIL import ExifTags, Image

from cms import media
from cms.media import (
    INLINE_TYPES,
    NotAnImage,
    content_disposition,
    image_info,
    is_inline,
    make_scale,
    safe_filename,
    sniff,
)


def image_bytes(fmt, size=(20, 10), mode="RGB", color="red", **options):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **options)
    return out.getvalue()


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def png_header(width, height):
    """A PNG that claims a size; Pillow reads the size before any pixels."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def oriented_jpeg(size, orientation):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return image_bytes("JPEG", size=size, exif=exif)


def animated_gif():
    frames = [Image.new("RGB", (40, 40), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


@pytest.fixture
def write(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Icon, licence: CC0 -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
  <!ENTITY ns "http://www.w3.org/2000/svg">
]>
<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>
"""
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.png", image_bytes("PNG"), "image/png"),
        ("png.txt", image_bytes("PNG"), "image/png"),
        ("a.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("a.gif", image_bytes("GIF"), "image/gif"),
        ("a.webp", image_bytes("WEBP"), "image/webp"),
        ("a.pdf", PDF, "application/pdf"),
        ("ascii.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        ("a.zip", zip_bytes(), "application/zip"),
        ("zip.docx", zip_bytes(), "application/zip"),
        ("a.html", HTML, "text/html"),
        ("html.png", HTML, "text/html"),
        ("bom.txt", b"\xef\xbb\xbf \r\n\t <html><p>hi", "text/html"),
        ("upper.txt", b"<SCRIPT>alert(1)</SCRIPT>", "text/html"),
        ("frame.jpg", b"\n<iframe src=//evil>", "text/html"),
        ("head.txt", b"<head><title>x</title>", "text/html"),
        ("comment.txt", b"<!-- a comment never closed", "text/html"),
        ("xhtml.xml", b'<?xml version="1.0"?>\n<html xmlns="x"/>', "text/html"),
        ("a.svg", SVG, "image/svg+xml"),
        ("svg.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (
            "prefixed.svg",
            b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>",
            "image/svg+xml",
        ),
        ("a.xml", b'<?xml version="1.0"?>\n<note>hi</note>', "application/xml"),
        ("a.txt", "Grüße, world\n".encode(), "text/plain"),
        ("heart.txt", b"<3 you\n", "text/plain"),
        # "BM" starts a bitmap too, but two bytes do not make one.
        ("bm.txt", b"BM is short for benchmark\n", "text/plain"),
        ("latin1.txt", "Grüße".encode("latin-1"), "application/octet-stream"),
        ("junk.png", bytes(range(256)) * 8, "application/octet-stream"),
        ("nul.txt", b"text\x00with a NUL", "application/octet-stream"),
        ("empty.png", b"", "application/octet-stream"),
    ],
)
def test_sniff_judges_by_content(write, name, data, expected):
    assert sniff(write(name, data)) == expected


def test_sniff_reads_text_to_the_end(write):
    data = b"plain text\n" * 20_000 + b"\x00"
    assert sniff(write("long.txt", data)) == "application/octet-stream"


def test_sniff_finds_svg_after_a_long_prolog(write):
    data = b"<?xml version='1.0'?><!--" + b"licence " * 2000 + b"--><svg/>"
    assert sniff(write("long.svg", data)) == "image/svg+xml"


@pytest.mark.parametrize(
    "content_type",
    [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
    ],
)
def test_inline_types(content_type):
    assert is_inline(content_type)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "application/xml",
        "text/xml",
        "application/javascript",
        "text/javascript",
        # Text and PDF are typed by content, which cannot tell a script or a
        # page from prose; a PDF viewer runs the PDF's own scripts.
        "text/plain",
        "application/pdf",
        "text/x-python",
        "application/zip",
        "application/octet-stream",
        "",
    ],
)
def test_everything_else_is_an_attachment(content_type):
    assert not is_inline(content_type)
    assert content_type not in INLINE_TYPES


@pytest.mark.parametrize(
    ("fmt", "mode", "content_type"),
    [
        ("PNG", "RGBA", "image/png"),
        ("JPEG", "RGB", "image/jpeg"),
        ("GIF", "P", "image/gif"),
        ("WEBP", "RGB", "image/webp"),
    ],
)
def test_image_info(write, fmt, mode, content_type):
    path = write("image", image_bytes(fmt, size=(30, 20), mode=mode, color=1))
    assert image_info(path) == media.ImageInfo(content_type, 30, 20)


def test_image_info_of_an_animated_gif(write):
    assert image_info(write("a.gif", animated_gif())) == media.ImageInfo(
        "image/gif", 40, 40
    )


def test_image_info_gives_the_size_as_shown(write):
    path = write("photo.jpg", oriented_jpeg((1600, 800), orientation=6))
    assert image_info(path) == media.ImageInfo("image/jpeg", 800, 1600)


def truncated(data):
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SVG, id="svg"),
        pytest.param(HTML, id="html-named-png"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\x89PNG\r\n\x1a\nnot really", id="png-signature-only"),
        pytest.param(
            truncated(image_bytes("PNG", size=(300, 300))), id="truncated-png"
        ),
        pytest.param(
            truncated(image_bytes("JPEG", size=(300, 300), color=None)),
            id="truncated-jpeg",
        ),
        pytest.param(image_bytes("BMP"), id="bmp"),
        pytest.param(image_bytes("TIFF"), id="tiff"),
        pytest.param(png_header(100_000, 100_000), id="bomb"),
    ],
)
def test_image_info_refuses(write, data):
    path = write("image.png", data)
    with pytest.raises(NotAnImage):
        image_info(path)
    with pytest.raises(NotAnImage):
        make_scale(path, "thumb")


def test_image_info_refuses_corrupt_png_data(write):
    data = bytearray(image_bytes("PNG", size=(64, 64), color=None))
    data[60:70] = b"\xff" * 10  # inside the first chunk after IHDR
    with pytest.raises(NotAnImage):
        image_info(write("corrupt.png", bytes(data)))


def test_image_info_refuses_more_than_max_pixels(write, monkeypatch):
    path = write("big.png", image_bytes("PNG", size=(20, 20)))
    assert image_info(path).width == 20
    monkeypatch.setattr(media, "MAX_PIXELS", 399)
    with pytest.raises(NotAnImage, match="pixels"):
        image_info(path)
    with pytest.raises(NotAnImage, match="pixels"):
        make_scale(path, "thumb")


def test_bomb_is_refused_where_pillow_only_warns(write):
    """Outside the tests Pillow's warning is no error: our own limit refuses."""
    path = write("bomb.png", png_header(10_000, 10_000))
    with (
        pytest.warns(Image.DecompressionBombWarning),
        pytest.raises(NotAnImage, match="pixels"),
    ):
        image_info(path)


@pytest.mark.parametrize(
    ("scale", "size"),
    [("thumb", (128, 64)), ("preview", (400, 200)), ("large", (1200, 600))],
)
def test_make_scale_sizes(write, scale, size):
    path = write("photo.jpg", image_bytes("JPEG", size=(1600, 800)))
    scaled = make_scale(path, scale)
    assert (scaled.content_type, scaled.width, scaled.height) == ("image/jpeg", *size)
    with Image.open(io.BytesIO(scaled.data)) as result:
        assert (result.format, result.mode, result.size) == ("JPEG", "RGB", size)


@pytest.mark.parametrize("scale", list(media.SCALES))
def test_make_scale_never_enlarges(write, scale):
    scaled = make_scale(write("small.jpg", image_bytes("JPEG", size=(100, 50))), scale)
    assert (scaled.width, scaled.height) == (100, 50)


def test_make_scale_keeps_the_aspect_ratio(write):
    scaled = make_scale(
        write("tall.png", image_bytes("PNG", size=(300, 1000))), "thumb"
    )
    assert (scaled.width, scaled.height) == (38, 128)


def test_make_scale_turns_the_image_upright(write):
    path = write("photo.jpg", oriented_jpeg((1600, 800), orientation=6))
    scaled = make_scale(path, "thumb")
    assert (scaled.width, scaled.height) == (64, 128)
    with Image.open(io.BytesIO(scaled.data)) as result:
        assert result.size == (64, 128)
        # Upright now: an orientation left in would turn it once more.
        assert ExifTags.Base.Orientation not in result.getexif()


def test_make_scale_keeps_transparency_as_png(write):
    path = write("a.webp", image_bytes("WEBP", size=(800, 400), mode="RGBA", color=0))
    scaled = make_scale(path, "preview")
    assert (scaled.content_type, scaled.width, scaled.height) == ("image/png", 400, 200)
    with Image.open(io.BytesIO(scaled.data)) as result:
        assert (result.format, result.mode) == ("PNG", "RGBA")
        assert result.getpixel((0, 0)) == (0, 0, 0, 0)


def test_make_scale_of_an_opaque_png_is_png(write):
    scaled = make_scale(write("a.png", image_bytes("PNG", size=(256, 256))), "thumb")
    assert (scaled.content_type, scaled.width, scaled.height) == ("image/png", 128, 128)


def test_make_scale_of_an_opaque_webp_is_jpeg(write):
    scaled = make_scale(write("a.webp", image_bytes("WEBP", size=(256, 128))), "thumb")
    assert scaled.content_type == "image/jpeg"


def test_make_scale_takes_the_first_frame(write):
    scaled = make_scale(write("a.gif", animated_gif()), "thumb")
    assert (scaled.content_type, scaled.width, scaled.height) == ("image/png", 40, 40)
    with Image.open(io.BytesIO(scaled.data)) as result:
        assert result.convert("RGB").getpixel((20, 20)) == (255, 0, 0)


def test_make_scale_unknown_scale(write):
    with pytest.raises(KeyError):
        make_scale(write("a.png", image_bytes("PNG")), "huge")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.exe", "evil.exe"),
        ("dir/sub\\mixed/name.txt", "name.txt"),
        ("a\x00b\r\nc\td\x7f.txt", "abcd.txt"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        (".htaccess", "htaccess"),
        ("...", "file"),
        ("..", "file"),
        ("", "file"),
        ("   ", "file"),
        ("dir/", "file"),
        ("\x00\x01", "file"),
        (" . .hidden.txt ", "hidden.txt"),
        ("<script>x</script>.png", "script>.png"),
        ("Gru\u0308\u00dfe.txt", "Grüße.txt"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_keeps_markup_as_text():
    name = "<img src=x onerror=alert(1)>.png"
    assert safe_filename(name) == name


def test_safe_filename_trims_keeping_the_extension():
    name = safe_filename("x" * 500 + ".pdf")
    assert len(name) == media.MAX_FILENAME
    assert name.endswith("x.pdf")


def test_safe_filename_trims_what_is_no_extension():
    name = safe_filename("x" * 150 + "." + "y" * 150)
    assert name == "x" * 150 + "." + "y" * 49


def test_content_disposition_of_a_unicode_name():
    assert content_disposition("Übersicht \u2013 2024.pdf", inline=True) == (
        'inline; filename="_bersicht _ 2024.pdf"; '
        "filename*=UTF-8''%C3%9Cbersicht%20%E2%80%93%202024.pdf"
    )


def test_content_disposition_with_quotes():
    assert content_disposition('say "hi".txt', inline=False) == (
        "attachment; filename=\"say hi.txt\"; filename*=UTF-8''say%20%22hi%22.txt"
    )


def test_content_disposition_cannot_break_the_header():
    header = content_disposition('evil"\r\nSet-Cookie: a=b;.txt', inline=False)
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith('attachment; filename="evilSet-Cookie: a=b;.txt"; ')


def test_content_disposition_of_a_name_with_no_ascii():
    assert content_disposition('"""', inline=False) == (
        "attachment; filename=\"file\"; filename*=UTF-8''%22%22%22"
    )
