"""The editor's pages in a browser session: toolbar, add, edit, delete, workflow."""

import pytest
from sqlalchemy import select

from cms.models import Node, User
from tests.factories import add_document, add_folder, browser, grant, make_user


@pytest.fixture
def site(testapp, dbsession, root):
    site = add_folder(root, "site", "Site")
    add_document(site, "page", "Page", state="private", body="<p>old</p>")
    for login, role in (("editor", "editor"), ("reader", "reader")):
        grant(site, make_user(dbsession, login), role)
    dbsession.flush()
    return site


def client(app, dbsession, login):
    user = dbsession.scalars(select(User).where(User.login == login)).one()
    return browser(app, dbsession, user)


@pytest.fixture
def editor(app, dbsession, site):
    return client(app, dbsession, "editor")


@pytest.fixture
def reader(app, dbsession, site):
    return client(app, dbsession, "reader")


def title_of(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node.title).where(Node.path == path)).one_or_none()


class TestToolbar:
    def test_editors_get_a_toolbar(self, editor):
        bar = editor.get("/site/page/").html.select_one("nav.toolbar")
        assert bar.select_one(".state").text.strip() == "Private"
        buttons = [button["value"] for button in bar.select("button[name=transition]")]
        assert buttons == ["submit", "publish"]
        links = {a.text for a in bar.select("a")}
        assert {"Edit", "Add Document", "Add Folder", "Delete"} <= links

    def test_readers_and_anonymous_get_none(self, testapp, reader, site):
        assert reader.get("/site/page/").html.select_one("nav.toolbar") is None
        assert testapp.get("/site/").html.select_one("nav.toolbar") is None


class TestEdit:
    def test_save_and_see_the_message(self, editor, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        assert form["title"].value == "Page"
        form["title"] = "New title"
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/page/"
        page = response.follow()
        assert page.html.select_one(".message").text == "Saved."
        assert title_of(dbsession, "/site/page/") == "New title"
        # The message is shown once.
        assert editor.get("/site/page/").html.select_one(".message") is None

    def test_validation_keeps_what_was_typed(self, editor, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["title"] = ""
        form["description"] = "Typed text"
        response = form.submit(status=400)
        assert response.html.select_one("#error-title").text == "Required."
        assert response.html.select_one("#field-description").text == "Typed text"
        assert title_of(dbsession, "/site/page/") == "Page"

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post("/site/page/@@edit", {"title": "Forged"}, status=400)
        assert title_of(dbsession, "/site/page/") == "Page"

    def test_readers_may_not(self, reader, dbsession):
        reader.get("/site/page/@@edit", status=403)
        token = reader.get("/site/").html.select_one('meta[name="csrf-token"]')[
            "content"
        ]
        reader.post(
            "/site/page/@@edit", {"title": "X", "csrf_token": token}, status=403
        )
        assert title_of(dbsession, "/site/page/") == "Page"

    def test_a_stale_form_shows_both_versions(self, editor, testapp, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        other = editor.get("/site/page/@@edit").forms["edit-form"]
        other["title"] = "Theirs"
        other.submit(status=303)
        form["title"] = "Mine"
        response = form.submit(status=409)
        assert "Theirs" in response.html.select_one(".theirs").text
        assert response.html.select_one("#field-title")["value"] == "Mine"
        assert title_of(dbsession, "/site/page/") == "Theirs"

    def test_html_in_a_title_stays_text(self, editor):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["title"] = "<script>alert(1)</script>"
        page = form.submit(status=303).follow()
        assert page.html.h1.text == "<script>alert(1)</script>"
        assert "<script>alert(1)</script>" not in page.text


class TestAdd:
    def test_add_a_document(self, editor, dbsession):
        form = editor.get("/site/@@add?type=Document").forms["edit-form"]
        form["title"] = "Fresh page"
        form["body"] = "<p>Hello</p><script>x()</script>"
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/fresh-page/"
        page = response.follow()
        assert page.html.select_one(".body").decode_contents() == "<p>Hello</p>"
        assert "Added" in page.html.select_one(".message").text

    def test_a_taken_name_is_shown_on_the_form(self, editor, dbsession):
        form = editor.get("/site/@@add?type=Document").forms["edit-form"]
        form["title"], form["id"] = "Another", "page"
        response = form.submit(status=409)
        assert "taken" in response.html.select_one(".field.has-error").text
        assert response.html.select_one("#field-title")["value"] == "Another"

    def test_upload_a_file(self, editor):
        form = editor.get("/site/@@add?type=File").forms["edit-form"]
        form["file"] = ("notes.txt", b"Some notes")
        page = form.submit(status=303).follow()
        assert page.html.select_one(".download a").text == "Download notes.txt"

    def test_a_multipart_body_without_boundary_is_400(self, editor, dbsession):
        editor.post(
            "/site/@@add?type=File",
            b"x",
            headers={"Content-Type": "multipart/form-data"},
            status=400,
        )

    def test_unknown_type_is_404(self, editor):
        editor.get("/site/@@add?type=Spaceship", status=404)
        editor.get("/site/page/@@add?type=Nope", status=404)

    def test_readers_may_not(self, reader):
        reader.get("/site/@@add?type=Document", status=403)


class TestDelete:
    def test_asks_first_then_deletes(self, editor, dbsession):
        page = editor.get("/site/page/@@delete")
        assert "cannot be undone" in page.text
        response = page.forms["delete-form"].submit(status=303)
        assert response.location == "http://example.com/site/"
        assert title_of(dbsession, "/site/page/") is None

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post("/site/page/@@delete", status=400)
        assert title_of(dbsession, "/site/page/") == "Page"

    def test_readers_may_not(self, reader, dbsession):
        reader.get("/site/page/@@delete", status=403)


class TestWorkflowButtons:
    def test_publish_from_the_toolbar(self, editor, testapp):
        page = editor.get("/site/page/")
        form = next(
            f
            for f in page.forms.values()
            if f.action.endswith("@@workflow") and 'value="publish"' in f.text
        )
        response = form.submit("transition", status=303)
        assert "now published" in response.follow().html.select_one(".message").text
        testapp.get("/site/page/", status=200)

    def test_without_the_csrf_token(self, editor):
        editor.post("/site/page/@@workflow", {"transition": "publish"}, status=400)
