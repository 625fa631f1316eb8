"""Uploads and downloads on a failing disk, through the JSON API.

The disk under the blob store fails as the kernel would (:mod:`tests.disk`);
the app, the database and every other file are real. A full store answers
507, any other failure 503 with ``Retry-After``; either way nothing is
saved: no node, no half-written blob, no temporary file, and a file being
replaced keeps its content, row and history.
"""

import errno
import io
import os

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from cms import files
from cms.files import blob_store
from cms.models import Node, Revision
from tests.disk import (
    MESSAGES,
    TYPES,
    UPLOAD_FAULTS,
    blobs_check,
    failing,
    store_state,
)


def some_bytes(size=5000):
    """New content, so that nothing of it is stored yet."""
    return b"%PDF-1.4\n" + os.urandom(size)


def noisy_png(size=(600, 300)):
    """An image no other test uploads: its scales are new blobs too."""
    image = PILImage.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(testapp, headers, data, status=201, type_name="File", name="report.pdf"):
    return testapp.post(
        "/site/",
        {"@type": type_name},
        upload_files=[("file", name, data)],
        headers=headers,
        status=status,
    )


def check_refusal(response, status):
    assert response.json == {
        "error": {"type": TYPES[status], "message": MESSAGES[status]}
    }
    if status == 503:
        assert response.headers["Retry-After"] == "60"
    else:
        assert "Retry-After" not in response.headers


def row(dbsession, path):
    dbsession.expire_all()
    node = dbsession.scalars(select(Node).where(Node.path == path)).one()
    revisions = dbsession.scalar(
        select(func.count()).select_from(Revision).where(Revision.node_id == node.id)
    )
    return {
        "version": node.version,
        "title": node.title,
        "blob_key": node.blob_key,
        "size": node.size,
        "filename": node.filename,
        "revisions": revisions,
    }


@pytest.mark.parametrize(("code", "call", "status"), UPLOAD_FAULTS)
def test_an_upload_the_disk_refuses_adds_nothing(
    testapp, app, dbsession, people, site, code, call, status, capsys
):
    store = blob_store(app)
    before = store_state(store)
    with failing(store.root, call, code) as fault:
        response = upload(testapp, people["editor"], some_bytes(), status=status)
    assert fault.failed == 1
    check_refusal(response, status)
    listing = testapp.get("/site/", headers=people["editor"]).json
    assert listing["items"] == []
    dbsession.expire_all()
    assert dbsession.scalars(select(Node).where(Node.parent_id == site.id)).all() == []
    assert store_state(store) == before
    assert blobs_check(app, dbsession) == 0


@pytest.mark.parametrize(("code", "call", "status"), UPLOAD_FAULTS)
def test_a_replace_the_disk_refuses_keeps_the_old_file(
    testapp, app, dbsession, people, code, call, status
):
    editor = people["editor"]
    old = some_bytes()
    created = upload(testapp, editor, old).json
    kept = row(dbsession, "/site/report.pdf/")
    store = blob_store(app)
    before = store_state(store)
    with failing(store.root, call, code) as fault:
        response = testapp.patch(
            created["@id"],
            {"title": "The new report"},
            upload_files=[("file", "new.pdf", some_bytes(9000))],
            headers=editor,
            status=status,
        )
    assert fault.failed == 1
    check_refusal(response, status)
    assert row(dbsession, "/site/report.pdf/") == kept
    node = testapp.get(created["@id"], headers=editor).json
    assert (node["title"], node["file"]) == (created["title"], created["file"])
    download = testapp.get(created["file"]["download"], headers=editor)
    assert download.body == old
    assert store_state(store) == before
    assert blobs_check(app, dbsession) == 0


@pytest.mark.parametrize(("code", "call", "status"), UPLOAD_FAULTS)
def test_an_image_whose_scales_cannot_be_stored_is_not_added(
    testapp, app, dbsession, people, site, monkeypatch, code, call, status
):
    store = blob_store(app)
    keys, tmp = store_state(store)
    data = noisy_png()
    real_make_scale = files.make_scale
    with failing(store.root, call, code, armed=False) as fault:
        # The image itself is stored; the disk fails from its first scale on.
        def make_scale(path, scale):
            fault.arm()
            return real_make_scale(path, scale)

        monkeypatch.setattr(files, "make_scale", make_scale)
        response = upload(testapp, people["editor"], data, status, "Image", "photo.png")
    assert fault.failed == 1
    check_refusal(response, status)
    dbsession.expire_all()
    assert dbsession.scalars(select(Node).where(Node.parent_id == site.id)).all() == []
    assert store_state(store)[1] == tmp
    # The image's own blob stays, unreferenced, for `blobs clean` to remove.
    new = store_state(store)[0] - keys
    assert {store.path(key).read_bytes() for key in new} == {data}
    assert store.orphans(set(keys)) == sorted(new)
    assert blobs_check(app, dbsession) == 0


def test_an_upload_read_back_from_a_failing_disk(testapp, app, dbsession, people, site):
    store = blob_store(app)
    before = store_state(store)
    # Stored, but its type cannot be read from it.
    with failing(store.root, "read", errno.EIO):
        response = upload(testapp, people["editor"], some_bytes(), status=503)
    check_refusal(response, 503)
    dbsession.expire_all()
    assert dbsession.scalars(select(Node).where(Node.parent_id == site.id)).all() == []
    assert store_state(store)[1] == before[1]
    assert blobs_check(app, dbsession) == 0


@pytest.mark.parametrize("view", ["@@download", "@@images/thumb"])
def test_a_download_the_disk_fails_is_503(testapp, app, people, view):
    editor = people["editor"]
    url = upload(testapp, editor, noisy_png(), 201, "Image", "photo.png").json["@id"]
    store = blob_store(app)
    with failing(store.root, "read", errno.EIO):
        response = testapp.get(url + view, headers=editor, status=503)
        page = testapp.get(
            url + view,
            headers={**editor, "Accept": "text/html"},
            status=503,
        )
    assert response.json == {
        "error": {
            "type": "ServiceUnavailable",
            "message": "The file cannot be read right now. Try again later.",
        }
    }
    assert response.headers["Retry-After"] == "60"
    assert page.content_type == "text/html"
    assert page.headers["Retry-After"] == "60"
    assert "The file cannot be read right now." in page.html.select_one("main").text
    # The disk is well again: so is the download.
    assert testapp.get(url + view, headers=editor).body.startswith(b"\x89PNG")


def test_a_download_whose_blob_is_missing_is_404(testapp, app, dbsession, people):
    created = upload(testapp, people["editor"], some_bytes()).json
    blob_store(app).delete(row(dbsession, "/site/report.pdf/")["blob_key"])
    response = testapp.get(
        created["file"]["download"], headers=people["editor"], status=404
    )
    assert response.json["error"]["type"] == "NotFound"


def test_the_api_document_names_these_answers(testapp, root):
    paths = testapp.get("/@@openapi.json").json["paths"]
    for path, method, statuses in [
        ("/{node}/", "post", {"503", "507"}),
        ("/{node}/", "patch", {"503", "507"}),
        ("/{node}/@@download", "get", {"503"}),
        ("/{node}/@@images/{scale}", "get", {"503"}),
    ]:
        assert statuses <= set(paths[path][method]["responses"]), (path, method)
