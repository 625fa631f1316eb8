"""Files and images in a browser: the upload page, replacing a file, scales, limits."""

import io
from contextlib import contextmanager

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from cms.files import blob_store
from cms.models import Node, Revision
from tests.factories import add_document, add_folder

TIMES = "\N{MULTIPLICATION SIGN}"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
XHR = {**HTML, "X-Requested-With": "XMLHttpRequest"}


def png(width=600, height=300, color=(20, 90, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site(site, dbsession):
    add_document(site, "page", "Page")
    secret = add_folder(site, "secret", "Secret", state="private")
    add_document(secret, "plan", "Secret plan", state="private")
    dbsession.flush()
    return site


@contextmanager
def upload_limit(app, size):
    settings = app.registry.settings
    limit = settings["cms.max_upload_bytes"]
    settings["cms.max_upload_bytes"] = size
    try:
        yield
    finally:
        settings["cms.max_upload_bytes"] = limit


def children(dbsession, path):
    dbsession.expire_all()
    parent = dbsession.scalars(select(Node).where(Node.path == path)).one()
    return {
        child.name: child
        for child in dbsession.scalars(select(Node).where(Node.parent_id == parent.id))
    }


def node_at(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node).where(Node.path == path)).one_or_none()


def message(page):
    found = page.html.select_one(".message")
    return found.text.strip(), found["class"]


class TestUploadPage:
    def test_the_form(self, editor):
        page = editor.get("/site/@@upload")
        form = page.html.select_one("form#upload-form")
        assert form["enctype"] == "multipart/form-data"
        assert form["action"] == "http://example.com/site/@@upload"
        field = form.select_one("input[type=file]")
        assert (field["name"], field["id"]) == ("files", "field-files")
        assert field.has_attr("multiple")
        assert form.select_one("label[for=field-files]").text == "Files"
        assert int(form["data-max-bytes"]) == 50 * 1024 * 1024
        sources = [s["src"].split("/static/")[1] for s in page.html("script")]
        assert sources == ["editor.js", "upload.js"]

    def test_the_add_file_form_links_to_it(self, editor):
        page = editor.get("/site/@@add?type=Image")
        link = page.html.select_one(".upload-several a")
        assert link["href"] == "http://example.com/site/@@upload"

    def test_upload_several(self, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [
            ("notes.txt", b"Some notes"),
            ("photo.png", png()),
            ("report.pdf", b"%PDF-1.4\n" + b"x" * 100),
        ]
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/"
        page = response.follow()
        assert message(page) == (
            "Added 3 files: “notes.txt”, “photo.png”, “report.pdf”.",
            ["message", "info"],
        )
        added = children(dbsession, "/site/")
        assert added["photo.png"].type == "Image"
        assert added["photo.png"].title == "photo.png"
        assert (added["photo.png"].width, added["photo.png"].height) == (600, 300)
        assert added["notes.txt"].type == "File"
        assert added["report.pdf"].content_type == "application/pdf"
        assert [
            item.text for item in page.html.select(".items a:not(.item-thumb)")
        ] == [
            "Page",
            "Secret",
            "notes.txt",
            "photo.png",
            "report.pdf",
        ]

    def test_a_name_that_is_taken_gets_another(self, editor, dbsession):
        for _ in range(2):
            form = editor.get("/site/@@upload").forms["upload-form"]
            form["files"] = [("notes.txt", b"Some notes")]
            form.submit(status=303)
        assert {"notes.txt", "notes.txt-1"} <= set(children(dbsession, "/site/"))

    def test_refused_files_do_not_stop_the_others(self, app, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [
            ("good.txt", b"fine"),
            ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
            ("empty.txt", b""),
            ("big.bin", b"x" * 3000),
        ]
        with upload_limit(app, 2000):
            page = form.submit(status=303).follow()
        assert message(page) == (
            "Added 1 file: “good.txt”. Not added: “broken.png” (not a readable"
            " image); “empty.txt” (the file is empty); “big.bin” (larger than"
            " 1.95 KB).",
            ["message", "error"],
        )
        assert set(children(dbsession, "/site/")) == {"page", "secret", "good.txt"}

    def test_nothing_added_goes_back_to_the_form(self, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [("empty.txt", b"")]
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/@@upload"
        text, kind = message(response.follow())
        assert text == "Not added: “empty.txt” (the file is empty)."
        assert "error" in kind

    def test_no_file_chosen(self, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        response = form.submit(status=400)
        error = response.html.select_one("#error-files")
        assert error.text == "Choose one or more files."
        field = response.html.select_one("#field-files")
        assert field["aria-describedby"] == "error-files"
        assert set(children(dbsession, "/site/")) == {"page", "secret"}

    def test_file_names_are_text(self, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [("<b>bold<b>.txt", b"x")]
        page = form.submit(status=303).follow()
        assert "“<b>bold<b>.txt”" in message(page)[0]
        assert "<b>bold" not in page.text

    def test_sent_twice_adds_once(self, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [("notes.txt", b"Some notes")]
        form.submit(status=303).follow()
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/"
        assert (
            message(response.follow())[0] == "These files were already uploaded once."
        )
        assert set(children(dbsession, "/site/")) == {"page", "secret", "notes.txt"}

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post(
            "/site/@@upload", upload_files=[("files", "a.txt", b"x")], status=400
        )
        assert set(children(dbsession, "/site/")) == {"page", "secret"}

    def test_readers_may_not(self, reader, dbsession):
        reader.get("/site/@@upload", status=403)
        token = reader.get("/site/").html.select_one('meta[name="csrf-token"]')
        reader.post(
            "/site/@@upload",
            {"csrf_token": token["content"]},
            upload_files=[("files", "a.txt", b"x")],
            status=403,
        )
        assert set(children(dbsession, "/site/")) == {"page", "secret"}

    def test_anonymous_are_sent_to_log_in(self, testapp, site):
        response = testapp.get("/site/@@upload", headers=HTML, status=303)
        assert "/@@login?came_from=" in response.location

    def test_only_containers(self, editor):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [("notes.txt", b"Some notes")]
        form.submit(status=303)
        editor.get("/site/notes.txt/@@upload", status=404)


class TestUploadScript:
    """What ``upload.js`` sends: one file a request, the outcome in the page."""

    def post(self, client, name, data, status=200):
        token = client.get("/site/@@upload").html.select_one('meta[name="csrf-token"]')
        return client.post(
            "/site/@@upload",
            upload_files=[("files", name, data)],
            headers={**XHR, "X-CSRF-Token": token["content"]},
            status=status,
        )

    def test_added(self, editor, dbsession):
        page = self.post(editor, "photo.png", png())
        item = page.html.select_one("#upload-results li")
        assert item["data-outcome"] == "added"
        assert item["data-type"] == "Image"
        assert item["data-url"] == "http://example.com/site/photo.png/"
        # No message waits for the next page: the script shows the outcome.
        assert editor.get("/site/").html.select_one(".message") is None
        # Each request is a new upload, though the form's token is the same.
        page = self.post(editor, "photo.png", png())
        assert page.html.select_one("#upload-results li")["data-outcome"] == "added"
        assert {"photo.png", "photo.png-1"} <= set(children(dbsession, "/site/"))

    def test_refused(self, app, editor, dbsession):
        with upload_limit(app, 100):
            page = self.post(editor, "big.bin", b"x" * 200)
        item = page.html.select_one("#upload-results li")
        assert item["data-outcome"] == "refused"
        assert item["data-reason"] == "larger than 100 bytes"
        assert set(children(dbsession, "/site/")) == {"page", "secret"}

    def test_the_script_reads_what_the_page_says(self, testapp):
        script = testapp.get("/static/upload.js").text
        for needle in (
            "#upload-results li[data-outcome]",
            "X-Requested-With",
            "xhr.upload.addEventListener",
            "X-CSRF-Token",
        ):
            assert needle in script


class TestTooLarge:
    def test_a_request_too_large_for_the_upload_page(self, app, editor, dbsession):
        form = editor.get("/site/@@upload").forms["upload-form"]
        form["files"] = [("big.bin", b"x" * 100_000)]
        with upload_limit(app, 1000):
            response = form.submit(headers=HTML, status=413)
        error = response.html.select_one("#error-files").text
        assert error == (
            "Together the files are too large: send at most 20 files of 1000 bytes"
            " each."
        )
        assert set(children(dbsession, "/site/")) == {"page", "secret"}

    def test_the_add_form_says_it_next_to_the_file(self, app, editor, dbsession):
        form = editor.get("/site/@@add?type=File").forms["edit-form"]
        form["title"] = "My big file"
        form["file"] = ("big.bin", b"x" * 100_000)
        with upload_limit(app, 1000):
            response = form.submit(headers=HTML, status=413)
        assert response.content_type == "text/html"
        error = response.html.select_one("#error-file")
        assert error.text == "The file is too large: at most 1000 bytes."
        # What was typed is kept.
        assert response.html.select_one("#field-title")["value"] == "My big file"
        assert set(children(dbsession, "/site/")) == {"page", "secret"}

    def test_a_file_just_over_the_limit(self, app, editor, dbsession):
        form = editor.get("/site/@@add?type=File").forms["edit-form"]
        form["file"] = ("big.bin", b"x" * 1001)
        with upload_limit(app, 1000):
            response = form.submit(headers=HTML, status=413)
        error = response.html.select_one("#error-file")
        assert error.text == "The file is too large: at most 1000 bytes."

    def test_the_edit_form_too(self, app, editor, dbsession):
        form = editor.get("/site/@@add?type=File").forms["edit-form"]
        form["file"] = ("small.txt", b"small")
        form.submit(status=303)
        form = editor.get("/site/small.txt/@@edit").forms["edit-form"]
        form["file"] = ("big.bin", b"x" * 5000)
        with upload_limit(app, 1000):
            response = form.submit(headers=HTML, status=413)
        assert response.html.select_one("#error-file").text.startswith("The file is")
        assert node_at(dbsession, "/site/small.txt/").size == 5


class TestReplaceFile:
    def add(self, editor, name, data, type_name="File"):
        form = editor.get(f"/site/@@add?type={type_name}").forms["edit-form"]
        form["file"] = (name, data)
        return form.submit(status=303).location

    def test_edit_without_a_new_file_keeps_it(self, editor, dbsession):
        url = self.add(editor, "notes.txt", b"Some notes")
        form = editor.get(url + "@@edit").forms["edit-form"]
        assert "notes.txt" in form.html.select_one(".current-file").text
        form["title"] = "My notes"
        form["description"] = "Typed"
        page = form.submit(status=303).follow()
        assert page.html.h1.text == "My notes"
        assert editor.get(url + "@@download").body == b"Some notes"

    def test_replace_the_file_and_keep_the_old_one(self, app, editor, dbsession):
        url = self.add(editor, "notes.txt", b"First notes")
        form = editor.get(url + "@@edit").forms["edit-form"]
        assert form.html.select_one("label[for=field-file]").text == (
            "Replace the file (optional)"
        )
        form["file"] = ("notes-v2.txt", b"Second notes, longer")
        page = form.submit(status=303).follow()
        assert "notes-v2.txt" in page.html.select_one(".download").text
        assert editor.get(url + "@@download").body == b"Second notes, longer"
        node = node_at(dbsession, "/site/notes.txt/")
        revisions = dbsession.scalars(
            select(Revision)
            .where(Revision.node_id == node.id)
            .order_by(Revision.version)
        ).all()
        assert [r.data["filename"] for r in revisions] == ["notes.txt", "notes-v2.txt"]
        old = blob_store(app).path(revisions[0].data["blob_key"])
        assert old.read_bytes() == b"First notes"

    def test_replace_an_image_makes_new_scales(self, editor, dbsession):
        url = self.add(editor, "photo.png", png(600, 300), "Image")
        form = editor.get(url + "@@edit").forms["edit-form"]
        form["file"] = ("photo.png", png(300, 600))
        form.submit(status=303)
        node = node_at(dbsession, "/site/photo.png/")
        assert (node.width, node.height) == (300, 600)
        assert node.scales["preview"]["height"] == 400

    def test_a_file_that_is_no_image_for_an_image(self, editor, dbsession):
        url = self.add(editor, "photo.png", png(), "Image")
        form = editor.get(url + "@@edit").forms["edit-form"]
        form["title"] = "Kept title"
        form["file"] = ("fake.png", b"not an image at all")
        response = form.submit(status=400)
        error = response.html.select_one("#error-file").text
        assert error == "Not an image: PNG, JPEG, GIF or WebP."
        assert response.html.select_one("#field-title")["value"] == "Kept title"
        assert node_at(dbsession, "/site/photo.png/").filename == "photo.png"

    def test_replacing_a_published_file_makes_a_draft(self, editor, testapp, dbsession):
        url = self.add(editor, "notes.txt", b"Public notes")
        editor.get(url + "@@edit").forms["edit-form"].submit(
            "save", value="publish", status=303
        )
        form = editor.get(url + "@@edit").forms["edit-form"]
        form["file"] = ("notes.txt", b"Draft notes")
        page = form.submit(status=303).follow()
        assert message(page)[0] == "Saved as a draft."
        assert testapp.get(url + "@@download").body == b"Public notes"


class TestImagePage:
    @pytest.fixture
    def image_url(self, editor):
        form = editor.get("/site/@@add?type=Image").forms["edit-form"]
        form["file"] = ("photo.png", png(1600, 800))
        url = form.submit("save", value="publish", status=303).location
        return url

    def test_editors_see_the_scales(self, editor, image_url):
        table = editor.get(image_url).html.select_one("table.scales")
        assert table.caption.text == "Sizes of this image"
        rows = [[cell.text for cell in row(["th", "td"])] for row in table.tbody("tr")]
        assert rows == [
            ["Original", f"1600 {TIMES} 800 pixels", image_url + "@@download"],
            ["Thumb", f"128 {TIMES} 64 pixels", image_url + "@@images/thumb"],
            ["Preview", f"400 {TIMES} 200 pixels", image_url + "@@images/preview"],
            ["Large", f"1200 {TIMES} 600 pixels", image_url + "@@images/large"],
        ]
        for link in table.select("a"):
            assert editor.get(link["href"]).content_type.startswith("image/")

    def test_readers_see_the_image_and_the_download(self, testapp, image_url):
        page = testapp.get(image_url)
        assert page.html.select_one("table.scales") is None
        assert page.html.select_one("figure img")["width"] == "400"
        assert "image/png" in page.html.select_one(".download").text

    def test_a_file_page_shows_type_and_size(self, editor, testapp):
        form = editor.get("/site/@@add?type=File").forms["edit-form"]
        form["file"] = ("notes.txt", b"Some notes")
        url = form.submit("save", value="publish", status=303).location
        text = testapp.get(url).html.select_one(".download").text
        assert "Download notes.txt" in text
        assert "(text/plain, 10 Bytes)" in " ".join(text.split())


class TestNothingLeaks:
    def test_the_upload_page_shows_no_other_content(self, editor):
        page = editor.get("/site/@@upload")
        assert "Secret plan" not in page.text
        assert page.html.select_one("#upload-results") is None

    def test_the_results_show_only_what_was_uploaded(self, editor):
        token = editor.get("/site/").html.select_one('meta[name="csrf-token"]')
        page = editor.post(
            "/site/secret/@@upload",
            upload_files=[("files", "plan.txt", b"x")],
            headers={**XHR, "X-CSRF-Token": token["content"]},
        )
        items = page.html.select("#upload-results li")
        assert [item["data-filename"] for item in items] == ["plan.txt"]
        assert "Secret plan" not in page.text
