"""The editor's uploads on a failing disk: the forms, the upload page.

The disk under the blob store fails as the kernel would (:mod:`tests.disk`).
A form is shown again with the message next to the file, what was typed
kept, and answered 507 (full) or 503 with ``Retry-After``; the upload page
answers with a page that says it. Nothing is saved.
"""

import errno
import io
import os

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from cms import files
from cms.files import blob_store
from cms.models import Node
from tests.disk import MESSAGES, UPLOAD_FAULTS, blobs_check, failing, store_state

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
XHR = {**HTML, "X-Requested-With": "XMLHttpRequest"}


def some_bytes(size=3000):
    """New content, so that nothing of it is stored yet."""
    return b"Notes " + os.urandom(size)


def noisy_png(size=(300, 200)):
    image = PILImage.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def children(dbsession, path):
    dbsession.expire_all()
    parent = dbsession.scalars(select(Node).where(Node.path == path)).one()
    return sorted(
        dbsession.scalars(select(Node.name).where(Node.parent_id == parent.id))
    )


def node_at(dbsession, path):
    dbsession.expire_all()
    node = dbsession.scalars(select(Node).where(Node.path == path)).one()
    return {
        name: getattr(node, name)
        for name in ("version", "title", "blob_key", "size", "filename", "scales")
        if hasattr(node, name)
    }


def check_retry_after(response, status):
    if status == 503:
        assert response.headers["Retry-After"] == "60"
    else:
        assert "Retry-After" not in response.headers


def add(editor, name, data, type_name="File"):
    form = editor.get(f"/site/@@add?type={type_name}").forms["edit-form"]
    form["file"] = (name, data)
    return form.submit(status=303).location


@pytest.mark.parametrize(("code", "call", "status"), UPLOAD_FAULTS)
def test_the_add_form_says_it_next_to_the_file(
    app, editor, dbsession, code, call, status
):
    store = blob_store(app)
    before = store_state(store)
    form = editor.get("/site/@@add?type=File").forms["edit-form"]
    form["title"] = "Minutes"
    form["file"] = ("minutes.txt", some_bytes())
    with failing(store.root, call, code) as fault:
        response = form.submit(headers=HTML, status=status)
    assert fault.failed == 1
    assert response.content_type == "text/html"
    assert response.html.select_one("#error-file").text == MESSAGES[status]
    assert response.html.select_one("#field-title")["value"] == "Minutes"
    check_retry_after(response, status)
    assert children(dbsession, "/site/") == []
    assert store_state(store) == before


@pytest.mark.parametrize(("code", "call", "status"), UPLOAD_FAULTS)
def test_the_edit_form_keeps_the_old_file(app, editor, dbsession, code, call, status):
    old = some_bytes()
    url = add(editor, "notes.txt", old)
    kept = node_at(dbsession, "/site/notes.txt/")
    store = blob_store(app)
    before = store_state(store)
    form = editor.get(url + "@@edit").forms["edit-form"]
    form["title"] = "New notes"
    form["file"] = ("notes-v2.txt", some_bytes(8000))
    with failing(store.root, call, code) as fault:
        response = form.submit(headers=HTML, status=status)
    assert fault.failed == 1
    assert response.html.select_one("#error-file").text == MESSAGES[status]
    assert response.html.select_one("#field-title")["value"] == "New notes"
    check_retry_after(response, status)
    assert node_at(dbsession, "/site/notes.txt/") == kept
    assert editor.get(url + "@@download").body == old
    assert store_state(store) == before


def test_replacing_an_image_keeps_the_old_one_and_its_scales(app, editor, dbsession):
    url = add(editor, "photo.png", noisy_png(), "Image")
    kept = node_at(dbsession, "/site/photo.png/")
    thumb = editor.get(url + "@@images/thumb").body
    form = editor.get(url + "@@edit").forms["edit-form"]
    form["file"] = ("photo.png", noisy_png((400, 300)))
    with failing(blob_store(app).root, "write", errno.ENOSPC):
        response = form.submit(headers=HTML, status=507)
    assert response.html.select_one("#error-file").text == MESSAGES[507]
    assert node_at(dbsession, "/site/photo.png/") == kept
    assert editor.get(url + "@@images/thumb").body == thumb


@pytest.mark.parametrize(("code", "status"), [(errno.ENOSPC, 507), (errno.EACCES, 503)])
def test_the_upload_page_adds_none_of_the_files(app, editor, dbsession, code, status):
    store = blob_store(app)
    before = store_state(store)
    form = editor.get("/site/@@upload").forms["upload-form"]
    form["files"] = [("one.txt", some_bytes()), ("two.txt", some_bytes())]
    with failing(store.root, "write", code):
        page = form.submit(headers=HTML, status=status)
    assert MESSAGES[status] in page.html.select_one("main").text
    check_retry_after(page, status)
    assert children(dbsession, "/site/") == []
    assert store_state(store) == before


def test_the_upload_script_shows_what_the_page_says(app, editor, dbsession):
    token = editor.get("/site/@@upload").html.select_one('meta[name="csrf-token"]')
    with failing(blob_store(app).root, "write", errno.ENOSPC):
        page = editor.post(
            "/site/@@upload",
            upload_files=[("files", "one.txt", some_bytes())],
            headers={**XHR, "X-CSRF-Token": token["content"]},
            status=507,
        )
    # upload.js shows the first paragraph of an error page.
    assert page.html.select_one("main p").text == MESSAGES[507]
    assert children(dbsession, "/site/") == []


def test_files_added_before_the_disk_filled_up_are_not_kept(
    app, editor, dbsession, monkeypatch
):
    store = blob_store(app)
    form = editor.get("/site/@@upload").forms["upload-form"]
    form["files"] = [("one.txt", some_bytes()), ("two.txt", some_bytes())]
    real_sniff = files.sniff
    with failing(store.root, "write", errno.ENOSPC, armed=False) as fault:
        # The first file is stored whole and added; the disk fills up after.
        def sniff(path):
            fault.arm()
            return real_sniff(path)

        monkeypatch.setattr(files, "sniff", sniff)
        page = form.submit(headers=HTML, status=507)
    assert fault.failed == 1
    assert MESSAGES[507] in page.html.select_one("main").text
    # "Nothing was saved": the first file's node went with the request.
    assert children(dbsession, "/site/") == []
    assert blobs_check(app, dbsession) == 0
