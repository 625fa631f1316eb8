"""Files and images: upload, download with ranges, scales, limits and lies."""

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from cms.models import Node


@pytest.fixture(scope="module")
def app(backend_app):
    """Every test here runs on the local store and on an S3 bucket."""
    return backend_app


def png(width=1600, height=800, color=(200, 30, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def upload(testapp, headers, type_name, filename, data, status=201, **fields):
    return testapp.post(
        "/site/",
        {"@type": type_name, **fields},
        upload_files=[("file", filename, data)],
        headers=headers,
        status=status,
    )


def test_upload_a_file_and_download_it(testapp, people):
    data = b"%PDF-1.4\n" + b"x" * 5000
    created = upload(testapp, people["editor"], "File", "report.pdf", data).json
    assert created["id"] == "report.pdf"
    assert created["title"] == "report.pdf"
    assert created["file"] == {
        "download": "http://example.com/site/report.pdf/@@download",
        "filename": "report.pdf",
        "content_type": "application/pdf",
        "size": len(data),
    }
    response = testapp.get(created["file"]["download"], headers=people["editor"])
    assert response.body == data
    assert response.headers["Content-Type"].startswith("application/pdf")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["ETag"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_range_requests(testapp, people):
    data = bytes(range(256)) * 40
    url = upload(testapp, people["editor"], "File", "blob.bin", data).json["file"][
        "download"
    ]
    response = testapp.get(
        url, headers={**people["editor"], "Range": "bytes=10-19"}, status=206
    )
    assert response.body == data[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    testapp.get(url, headers={**people["editor"], "Range": "bytes=99999-"}, status=416)


def test_downloads_follow_the_nodes_permissions(testapp, people):
    url = upload(testapp, people["editor"], "File", "secret.txt", b"secret text").json[
        "file"
    ]["download"]
    testapp.get(url, headers=people[None], status=401)
    testapp.get(url, status=303)
    assert testapp.get(url, headers=people["reader"]).body == b"secret text"


def test_image_gets_its_scales_once(testapp, people):
    created = upload(testapp, people["editor"], "Image", "photo.png", png()).json
    assert (created["width"], created["height"]) == (1600, 800)
    assert created["scales"]["thumb"]["width"] == 128
    assert created["scales"]["preview"]["height"] == 200
    large = created["scales"]["large"]
    assert (large["width"], large["height"]) == (1200, 600)
    response = testapp.get(
        created["scales"]["thumb"]["download"], headers=people["editor"]
    )
    assert PILImage.open(io.BytesIO(response.body)).size == (128, 64)
    testapp.get(created["@id"] + "@@images/huge", headers=people["editor"], status=404)


def test_a_file_that_lies_about_its_type(testapp, people):
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    # As an image it is refused…
    response = upload(testapp, people["editor"], "Image", "cute.png", html, status=400)
    assert response.json["error"]["errors"][0]["field"] == "file"
    # …as a file it is kept, typed by its content, and never served inline.
    created = upload(testapp, people["editor"], "File", "cute.png", html).json
    assert created["file"]["content_type"] == "text/html"
    response = testapp.get(created["file"]["download"], headers=people["editor"])
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_svg_is_a_download_never_inline(testapp, people):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    upload(testapp, people["editor"], "Image", "logo.svg", svg, status=400)
    created = upload(testapp, people["editor"], "File", "logo.svg", svg).json
    assert created["file"]["content_type"] == "image/svg+xml"
    response = testapp.get(created["file"]["download"], headers=people["editor"])
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        # Text is typed by its content: a script is text like any other.
        ("app.js", b"document.cookie = 'stolen=' + document.cookie;\n", "text/plain"),
        ("page.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "text/html"),
        ("feed.xml", b'<?xml version="1.0"?><rss/>', "application/xml"),
        ("notes.txt", b"Just words.\n", "text/plain"),
        ("report.pdf", b"%PDF-1.4\n" + b"x" * 100, "application/pdf"),
    ],
)
def test_only_raster_images_are_shown_inline(
    testapp, people, filename, data, content_type
):
    created = upload(testapp, people["editor"], "File", filename, data).json
    assert created["file"]["content_type"] == content_type
    response = testapp.get(created["file"]["download"], headers=people["editor"])
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_image_is_shown_inline_even_as_a_file(testapp, people):
    created = upload(testapp, people["editor"], "File", "photo.png", png(20, 10)).json
    response = testapp.get(created["file"]["download"], headers=people["editor"])
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize(
    ("filename", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\evil.exe", "evil.exe"),
        ("<img src=x onerror=alert(1)>.txt", None),
    ],
)
def test_filenames_are_harmless(testapp, people, filename, stored):
    created = upload(testapp, people["editor"], "File", filename, b"text").json
    name = created["file"]["filename"]
    assert "/" not in name and "\\" not in name
    if stored:
        assert name == stored
    page = testapp.get(
        created["@id"], headers={"Authorization": people["editor"]["Authorization"]}
    )
    assert "<img src=x" not in page.text


def test_upload_limit_is_413(testapp, app, dbsession, people, site):
    settings = app.registry.settings
    limit = settings["cms.max_upload_bytes"]
    settings["cms.max_upload_bytes"] = 1000
    try:
        upload(testapp, people["editor"], "File", "big.bin", b"x" * 1001, status=413)
        upload(testapp, people["editor"], "File", "fits.bin", b"x" * 1000)
    finally:
        settings["cms.max_upload_bytes"] = limit
    names = dbsession.scalars(select(Node.name).where(Node.parent_id == site.id)).all()
    assert names == ["fits.bin"]


@pytest.mark.parametrize(
    ("files", "fields", "field"),
    [
        ([("file", "empty.txt", b"")], {"@type": "File"}, "file"),
        ([], {"@type": "File"}, "file"),
        ([("file", "a.txt", b"a")], {"@type": "Document", "title": "T"}, "file"),
        ([("file", "a.txt", b"a")], {"@type": "File", "owner": "admin"}, "owner"),
    ],
)
def test_bad_uploads_are_400(testapp, dbsession, people, site, files, fields, field):
    response = testapp.post(
        "/site/",
        fields,
        upload_files=files,
        content_type="multipart/form-data",
        headers=people["editor"],
        status=400,
    )
    assert field in [error["field"] for error in response.json["error"]["errors"]]
    assert dbsession.scalars(select(Node).where(Node.parent_id == site.id)).all() == []


def test_truncated_multipart_is_400(testapp, dbsession, people, site):
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="@type"\r\n\r\nFile\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhalf a fi"
    )
    response = testapp.post(
        "/site/",
        body,
        headers={
            **people["editor"],
            "Content-Type": "multipart/form-data; boundary=XyZ",
        },
        expect_errors=True,
    )
    assert response.status_int == 400
    assert "incomplete" in response.json["error"]["message"]
    assert dbsession.scalars(select(Node).where(Node.parent_id == site.id)).all() == []


def test_replace_the_file(testapp, people):
    editor = people["editor"]
    created = upload(testapp, editor, "Image", "one.png", png(color=(0, 0, 0))).json
    response = testapp.patch(
        created["@id"],
        {"title": "Two"},
        upload_files=[("file", "two.png", png(300, 300))],
        headers=editor,
    )
    data = response.json
    assert (data["title"], data["width"], data["file"]["filename"]) == (
        "Two",
        300,
        "two.png",
    )
    history = testapp.get(created["@id"] + "@@history", headers=editor).json["items"]
    # Both are PNGs: the content type did not change.
    assert history[0]["changed"] == [
        "blob_key",
        "filename",
        "height",
        "scales",
        "size",
        "title",
        "width",
    ]
    reverted = testapp.post_json(
        created["@id"] + "@@revert", {"version": 1}, headers=editor
    )
    assert reverted.json["width"] == 1600


def test_nothing_goes_under_a_file(testapp, people):
    created = upload(testapp, people["editor"], "File", "a.txt", b"text").json
    response = testapp.post_json(
        created["@id"],
        {"@type": "Document", "title": "x"},
        headers=people["editor"],
        status=400,
    )
    assert response.json["error"]["errors"][0]["field"] == "@type"


def test_a_browser_sends_the_csrf_token_as_a_form_field(
    app, testapp, dbsession, people
):
    from cms.models import User
    from tests.factories import browser

    editor = dbsession.scalars(select(User).where(User.login == "editor")).one()
    client = browser(app, dbsession, editor)
    token = client.get("/site/").html.select_one('meta[name="csrf-token"]')["content"]
    response = client.post(
        "/site/",
        {"@type": "File", "csrf_token": token},
        upload_files=[("file", "a.txt", b"text")],
        headers={"Accept": "application/json"},
        status=201,
    )
    assert response.json["file"]["filename"] == "a.txt"
    client.post(
        "/site/",
        {"@type": "File"},
        upload_files=[("file", "b.txt", b"text")],
        headers={"Accept": "application/json"},
        status=400,
    )


def test_a_download_is_revalidated_and_read_from_anywhere(testapp, people):
    data = bytes(range(256)) * 400
    url = upload(testapp, people["editor"], "File", "big.bin", data).json["file"][
        "download"
    ]
    first = testapp.get(url, headers=people["editor"])
    assert first.body == data
    assert first.headers["Content-Length"] == str(len(data))
    etag = first.headers["ETag"]
    testapp.get(url, headers={**people["editor"], "If-None-Match": etag}, status=304)
    for asked, part in (
        ("bytes=-100", data[-100:]),
        ("bytes=102000-", data[102000:]),
        ("bytes=50000-50099", data[50000:50100]),
    ):
        response = testapp.get(url, headers={**people["editor"], "Range": asked})
        assert (response.status_int, response.body) == (206, part)
