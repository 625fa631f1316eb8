"""The editor's pages in a browser session: toolbar, add, edit, delete, workflow.

Also the rich-text editor's page assets, the "Save and publish" choice,
forms sent twice, and the banner of a draft.
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from cms.headers import CONTENT_SECURITY_POLICY
from cms.models import Node, Revision
from tests.factories import add_document, add_folder


@pytest.fixture
def site(site, dbsession):
    add_document(site, "page", "Page", state="private", body="<p>old</p>")
    add_document(site, "live", "Live", body="<p>live</p>")
    dbsession.flush()
    return site


def title_of(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node.title).where(Node.path == path)).one_or_none()


def node_at(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node).where(Node.path == path)).one_or_none()


def message(page):
    return page.html.select_one(".message").text.strip()


def script_sources(page):
    """The paths of the page's scripts: ``static/editor.js``."""
    return [urlsplit(script["src"]).path[1:] for script in page.html("script")]


class TestToolbar:
    def test_editors_get_a_toolbar(self, editor):
        bar = editor.get("/site/page/").html.select_one("nav.toolbar")
        assert bar.select_one(".state").text.strip() == "Private"
        buttons = [button["value"] for button in bar.select("button[name=transition]")]
        assert buttons == ["submit", "publish"]
        links = {a.text for a in bar.select("a")}
        assert {"Edit", "Add Document", "Add Folder", "Delete"} <= links

    def test_links_follow_the_type_and_the_role(self, editor, admin):
        def links(client, path):
            page = client.get(path).html
            return {a.text for a in page.select("nav.toolbar a, nav.user a")}

        on_folder = links(editor, "/site/")
        assert {"Contents", "Upload files", "History"} <= on_folder
        assert not {"Sharing", "Users", "Groups"} & on_folder
        add_file = editor.get("/site/@@add?type=File").forms["edit-form"]
        add_file["file"] = ("notes.txt", b"Some notes")
        add_file.submit(status=303)
        assert not {"Contents", "Upload files"} & links(editor, "/site/notes.txt/")
        assert {"Sharing", "Users", "Groups"} <= links(admin, "/site/")

    def test_it_shows_on_the_nodes_own_pages_only(self, editor, admin):
        def bar(client, path):
            return client.get(path).html.select_one("nav.toolbar")

        # Forms and pages that are not the folder's: no buttons of the folder.
        for path in ("/site/@@add?type=Document", "/@@preferences", "/site/@@search"):
            assert bar(editor, path) is None, path
        assert bar(admin, "/@@users") is None
        # Its own pages keep the tabs, but act on the node (transitions,
        # Delete) only on its page, not beside an unsaved form.
        for path in ("/site/page/@@edit", "/site/page/@@history"):
            tabs = bar(editor, path)
            assert {"Edit", "History"} <= {a.text for a in tabs.select("a")}, path
            assert tabs.select("button[name=transition]") == [], path
            assert "Delete" not in {a.text for a in tabs.select("a")}, path
        assert bar(editor, "/site/page/").select("button[name=transition]")

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

    def test_anonymous_are_sent_to_log_in(self, testapp, site, dbsession):
        response = testapp.get("/site/page/@@edit", status=303)
        assert "/@@login?came_from=" in response.location
        testapp.post("/site/page/@@edit", {"title": "Anonymous"}, status=303)
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
        message = response.follow().html.select_one(".message").text
        assert message == "“Page” is now published."
        testapp.get("/site/page/", status=200)

    def test_without_the_csrf_token(self, editor):
        editor.post("/site/page/@@workflow", {"transition": "publish"}, status=400)


# A body as another editor writes it, with what its canonical form changes.
FOREIGN_BODY = (
    "<div><!--block-->Intro <b>bold</b> <i>italic</i>"
    ' <a href="https://example.org/">link</a><br>next line</div>\n'
    "<h2><!--block-->Heading</h2>\n"
    "<ul><li><p>one</p></li><li><!--block-->two</li></ul>"
    "<ol><li><!--block-->first</li></ol>"
    "<blockquote><!--block-->quoted</blockquote>"
    "<pre><!--block-->code()</pre>"
    "<del>struck</del>"
)
CLEAN_BODY = (
    "<p>Intro <strong>bold</strong> <em>italic</em>"
    ' <a href="https://example.org/" rel="noopener noreferrer">link</a><br>'
    "next line</p>"
    "<h2>Heading</h2>"
    "<ul><li>one</li><li>two</li></ul>"
    "<ol><li>first</li></ol>"
    "<blockquote><p>quoted</p></blockquote>"
    "<pre><code>code()</code></pre>"
    "<p><del>struck</del></p>"
)


class TestRichText:
    def test_the_edit_page_loads_the_editor(self, editor):
        page = editor.get("/site/page/@@edit")
        textarea = page.html.select_one("textarea.rich-text")
        # Without JavaScript, the body is a labelled textarea.
        assert textarea["name"] == "body"
        label = page.html.select_one(f"label[for={textarea['id']}]")
        assert label["id"] == "label-body"
        bundle, script = script_sources(page)
        assert re.fullmatch(r"static-editor/editor\.[0-9a-f]{12}\.js", bundle)
        assert script == "static/editor.js"
        # The editor needs no <style> of its own: the site's policy stands.
        assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "style-src" not in CONTENT_SECURITY_POLICY
        assert page.html.select_one("style") is None

    @pytest.mark.parametrize(
        ("form", "start"),
        [
            # A page's chooser opens on its folder, a folder's on itself,
            # a new page's on the folder it is added to.
            ("/site/page/@@edit", "/site/"),
            ("/site/@@edit", "/site/"),
            ("/site/page/@@add?type=Document", "/site/page/"),
        ],
    )
    def test_the_chooser_opens_on_the_page_folder(self, editor, form, start):
        textarea = editor.get(form).html.select_one("textarea.rich-text")
        assert textarea["data-chooser-site"] == "http://example.com"
        assert textarea["data-chooser-start"] == "http://example.com" + start
        assert textarea["data-chooser-containers"] == "Document Folder"

    def test_the_add_page_loads_it_too(self, editor):
        page = editor.get("/site/@@add?type=Document")
        assert script_sources(page)[0].startswith("static-editor/editor.")

    def test_forms_without_rich_text_do_not(self, editor):
        page = editor.get("/site/@@add?type=File")
        assert script_sources(page) == ["static/editor.js"]

    def test_pages_load_no_editor_scripts(self, editor, testapp):
        assert script_sources(editor.get("/site/page/")) == []
        assert script_sources(testapp.get("/site/live/")) == []

    def test_the_bundle_is_served_to_be_kept_a_year(self, editor, testapp):
        page = editor.get("/site/page/@@edit")
        bundle = testapp.get(page.html.select("script")[0]["src"])
        assert "CmsEditor" in bundle.text
        assert bundle.headers["Cache-Control"] == "max-age=31536000"
        # Our own files may change under the same name: an hour only.
        assert testapp.get("/static/editor.js").headers["Cache-Control"] == (
            "max-age=3600"
        )

    def test_the_assets_are_served(self, testapp):
        for path, text in (
            ("static-editor/LICENSES.txt", "prosemirror-model"),
            ("static-editor/manifest.json", "editor.js"),
            ("static/editor.js", "CmsEditor"),
            ("static/editor.css", ".ProseMirror"),
        ):
            assert text in testapp.get(f"/{path}").text

    def test_what_another_editor_writes_is_made_canonical(self, editor, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["body"] = FOREIGN_BODY
        form.submit(status=303)
        assert node_at(dbsession, "/site/page/").body == CLEAN_BODY

    def test_scripts_and_handlers_do_not(self, editor, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["body"] = (
            '<div onclick="steal()">Hi<script>steal()</script></div>'
            '<a href="javascript:steal()">x</a><img src="x" onerror="steal()">'
            '<h1 style="color: red">Big</h1>'
        )
        page = form.submit(status=303).follow()
        body = node_at(dbsession, "/site/page/").body
        assert "steal" not in body and "style" not in body
        assert body.startswith("<p>Hi")
        assert "steal" not in page.html.select_one(".body").decode()


class TestPublishChoice:
    def buttons(self, page):
        form = page.html.select_one("#edit-form")
        return [(b.get("name"), b.get("value"), b.text) for b in form("button")]

    def test_those_who_may_publish_get_two_buttons(self, editor):
        expected = [("save", "save", "Save"), ("save", "publish", "Save and publish")]
        assert self.buttons(editor.get("/site/page/@@edit")) == expected
        assert self.buttons(editor.get("/site/@@add?type=Document")) == expected

    def test_others_get_only_save(self, contributor):
        page = contributor.get("/site/@@add?type=Document")
        assert self.buttons(page) == [("save", "save", "Save")]

    def test_save_and_publish(self, editor, testapp, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["title"] = "Now public"
        page = form.submit("save", value="publish", status=303).follow()
        assert message(page) == "Saved and published."
        assert node_at(dbsession, "/site/page/").state == "published"
        assert testapp.get("/site/page/").html.h1.text == "Now public"

    def test_save_on_a_published_page_makes_a_draft(self, editor, testapp):
        form = editor.get("/site/live/@@edit").forms["edit-form"]
        assert "saving makes a draft" in form.html.select_one(".hint").text
        form["title"] = "Next version"
        page = form.submit("save", value="save", status=303).follow()
        assert message(page) == "Saved as a draft."
        assert testapp.get("/site/live/").html.h1.text == "Live"
        # The toolbar leads to the draft; readers see nothing of it.
        draft = page.click("See the draft")
        assert draft.request.url == "http://example.com/site/live/?version=draft"
        assert draft.html.h1.text == "Next version"
        assert "See the draft" not in testapp.get("/site/live/").text
        # Publishing from the form makes the draft live.
        form = editor.get("/site/live/@@edit").forms["edit-form"]
        assert form["title"].value == "Next version"
        page = form.submit("save", value="publish", status=303).follow()
        assert message(page) == "Saved and published."
        assert testapp.get("/site/live/").html.h1.text == "Next version"

    def test_nothing_new_to_publish(self, editor):
        form = editor.get("/site/live/@@edit").forms["edit-form"]
        page = form.submit("save", value="publish", status=303).follow()
        assert message(page) == "Saved. There was nothing new to publish."

    def test_add_and_publish(self, editor, testapp, dbsession):
        form = editor.get("/site/@@add?type=Document").forms["edit-form"]
        form["title"] = "Straight out"
        page = form.submit("save", value="publish", status=303).follow()
        assert message(page) == "Added and published “Straight out”."
        assert testapp.get("/site/straight-out/").html.h1.text == "Straight out"

    def test_a_forged_publish_adds_but_does_not_publish(self, contributor, dbsession):
        form = contributor.get("/site/@@add?type=Document").forms["edit-form"]
        form["title"] = "Mine"
        fields = [*form.submit_fields(), ("save", "publish")]
        response = contributor.post("/site/@@add?type=Document", fields, status=303)
        assert response.location == "http://example.com/site/mine/"
        page = response.follow()
        assert message(page) == "Added “Mine”, but you may not publish it."
        assert "error" in page.html.select_one(".message")["class"]
        assert node_at(dbsession, "/site/mine/").state == "private"

    def test_save_and_publish_keeps_validation(self, editor, dbsession):
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["title"] = ""
        response = form.submit("save", value="publish", status=400)
        assert response.html.select_one("#error-title").text == "Required."
        assert node_at(dbsession, "/site/page/").state == "private"


class TestSentTwice:
    def test_an_add_form_sent_twice_adds_once(self, editor, dbsession):
        form = editor.get("/site/@@add?type=Document").forms["edit-form"]
        form["title"] = "Twice"
        first = form.submit(status=303)
        first.follow()
        second = form.submit(status=303)
        assert second.location == first.location == "http://example.com/site/twice/"
        page = second.follow()
        assert (
            message(page) == "This form was already sent once: here is what it added."
        )
        dbsession.expire_all()
        titles = dbsession.scalars(select(Node.title).where(Node.title == "Twice"))
        assert list(titles) == ["Twice"]

    def test_with_a_short_name_too(self, editor, dbsession):
        form = editor.get("/site/@@add?type=Document").forms["edit-form"]
        form["title"], form["id"] = "Named", "named"
        form.submit(status=303).follow()
        page = form.submit(status=303).follow()
        assert page.request.path == "/site/named/"
        assert "already sent" in message(page)

    def test_a_new_form_adds_again(self, editor, dbsession):
        for _ in range(2):
            form = editor.get("/site/@@add?type=Document").forms["edit-form"]
            form["title"] = "Again"
            form.submit(status=303)
        assert title_of(dbsession, "/site/again-1/") == "Again"

    def test_a_refused_form_can_be_sent_again(self, editor, dbsession):
        form = editor.get("/site/@@add?type=Document").forms["edit-form"]
        token = form["submission"].value
        form["title"] = ""
        retry = form.submit(status=400).forms["edit-form"]
        assert retry["submission"].value == token
        retry["title"] = "Fixed"
        retry.submit(status=303)
        assert title_of(dbsession, "/site/fixed/") == "Fixed"

    def test_an_edit_form_sent_twice_saves_once(self, editor, dbsession):
        node = node_at(dbsession, "/site/page/")

        def revisions():
            dbsession.expire_all()
            return dbsession.scalar(
                select(func.count()).where(Revision.node_id == node.id)
            )

        before = revisions()
        form = editor.get("/site/page/@@edit").forms["edit-form"]
        form["title"] = "Once"
        form.submit(status=303).follow()
        page = form.submit(status=303).follow()
        assert message(page) == "This form was already sent and saved once."
        assert revisions() == before + 1

    def test_the_buttons_are_disabled_once_sent(self, testapp):
        script = testapp.get("/static/editor.js").text
        assert re.search(r'addEventListener\("submit"', script)
        assert "button.disabled = true" in script


class TestDraftBanner:
    def test_saving_a_draft_lands_on_it_with_the_way_to_publish(self, editor, testapp):
        form = editor.get("/site/live/@@edit").forms["edit-form"]
        form["title"] = "Draft title"
        saved = form.submit("save", value="save", status=303)
        assert saved.location == "http://example.com/site/live/?version=draft"
        page = saved.follow()
        banner = page.html.select_one(".draft-notice")
        assert banner.text.strip() == (
            "You are looking at the draft: readers still see the published "
            "version until it is published."
        )
        assert banner.a["href"] == "http://example.com/site/live/"
        assert page.html.h1.text == "Draft title"
        assert editor.get("/site/live/").html.select_one(".draft-notice") is None
        # The banner's button publishes it.
        assert testapp.get("/site/live/").html.h1.text != "Draft title"
        forms = page.html.select("form")
        publish = page.forms[forms.index(page.html.select_one("form.draft-publish"))]
        done = publish.submit("transition", value="publish").follow()
        assert "is now published" in done.html.select_one(".message").text
        assert testapp.get("/site/live/").html.h1.text == "Draft title"

    def test_without_a_draft(self, editor):
        banner = editor.get("/site/live/?version=draft").html.select_one(
            ".draft-notice"
        )
        assert banner.text.strip().startswith("There is no draft")
        banner = editor.get("/site/page/?version=draft").html.select_one(
            ".draft-notice"
        )
        assert "not published yet" in banner.text

    def test_readers_get_no_draft(self, reader):
        reader.get("/site/live/?version=draft", status=403)


class TestHidingFromReaders:
    """A button that takes published pages from readers says how many first."""

    @pytest.fixture
    def site(self, site, dbsession):
        site.state = "published"
        section = add_folder(site, "section", "Section")
        for name in ("one", "two"):
            add_document(section, name, name.title())
        add_document(section, "hush", "Hush", state="private")
        dbsession.flush()
        return site

    def retract(self, editor, path):
        page = editor.get(path)
        form = next(
            form
            for form in page.forms.values()
            if form.html.select_one("button[name=transition][value=retract]")
        )
        return form.submit("transition", value="retract")

    def test_retracting_a_section_asks_first(self, editor, testapp):
        answer = self.retract(editor, "/site/section/")
        assert answer.status_int == 200
        warning = answer.html.select_one(".warning").text
        assert "3 published pages" in warning
        assert "this page and 2 below it" in warning
        # Nothing happened yet.
        assert testapp.get("/site/section/one/").status_int == 200
        answer.forms["transition-form"].submit().follow()
        testapp.get("/site/section/one/", status=303)

    def test_the_whole_site_is_named(self, admin, dbsession, root):
        root.state = "published"
        dbsession.flush()
        answer = self.retract(admin, "/")
        assert "the whole site" in answer.html.select_one(".warning").text

    def test_a_page_readers_do_not_see_is_retracted_at_once(
        self, editor, dbsession, site
    ):
        section = next(child for child in site.children() if child.name == "section")
        one = next(child for child in section.children() if child.name == "one")
        one.effective = datetime.now(UTC) + timedelta(days=1)
        dbsession.flush()
        answer = self.retract(editor, "/site/section/one/")
        assert answer.status_int == 303

    def test_deleting_says_what_readers_lose(self, editor):
        page = editor.get("/site/section/@@delete")
        assert "3 published pages" in page.html.select_one(".warning").text
        assert (
            editor.get("/site/section/hush/@@delete").html.select_one(".warning")
            is None
        )


def test_saving_nothing_new_says_so(editor, dbsession):
    form = editor.get("/site/page/@@edit").forms["edit-form"]
    page = form.submit("save", value="save").follow()
    assert page.html.select_one(".message").text == (
        "Nothing changed: there was nothing to save."
    )
    form = editor.get("/site/page/@@edit").forms["edit-form"]
    form["title"] = "Page, changed"
    page = form.submit("save", value="save").follow()
    assert page.html.select_one(".message").text == "Saved."
