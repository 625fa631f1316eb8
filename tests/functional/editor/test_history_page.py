"""The history pages: versions, the differences between two, revert, drafts."""

import copy

import pytest
from sqlalchemy import func, select

from cms.models import Node, Revision
from tests.factories import add_folder, bearer, browser_as, find_user, grant, make_user

HISTORY = "/site/page/@@history"


@pytest.fixture
def site(site, dbsession, root):
    """The shared /site/, and /other/ with an editor of its own."""
    other = add_folder(root, "other", "Other")
    grant(other, make_user(dbsession, "otto"), "editor")
    dbsession.flush()
    return site


def edit(client, path, **fields):
    form = client.get(f"{path}@@edit").forms["edit-form"]
    for name, value in fields.items():
        form[name] = value
    form.submit(status=303)


@pytest.fixture
def page(editor):
    """A private page with three versions: created, retitled, body changed."""
    form = editor.get("/site/@@add?type=Document").forms["edit-form"]
    form["title"], form["id"] = "Old title", "page"
    form["body"] = "<p>First words here.</p>"
    form.submit(status=303)
    edit(editor, "/site/page/", title="New title")
    edit(editor, "/site/page/", body="<p>First words changed here.</p><p>More.</p>")
    return "/site/page/"


def node(dbsession, path="/site/page/"):
    dbsession.expire_all()
    return dbsession.scalars(select(Node).where(Node.path == path)).one()


def versions(dbsession, path="/site/page/"):
    return dbsession.scalar(
        select(func.count(Revision.id)).where(Revision.node_id == node(dbsession).id)
    )


def version(diff, left_out):
    """One version's text as *diff* shows it: all but its *left_out* parts."""
    diff = copy.copy(diff)
    for element in diff.select(left_out):
        element.decompose()
    return diff.text.replace("\n", "")


def message(page):
    """The last flash message on *page* (earlier forms may have left theirs)."""
    return page.html.select(".message")[-1].text


class TestHistory:
    def test_versions_newest_first(self, editor, page):
        history = editor.get(HISTORY)
        rows = history.html.select("table.history tbody tr")
        assert [row["data-version"] for row in rows] == ["3", "2", "1"]
        cells = [td.text.strip() for td in rows[0].select("td")]
        assert cells[0] == "editor"
        assert cells[2] == "Edited"
        assert cells[3] == "Body"
        assert rows[0].select_one("time")["datetime"]
        # Compare the newest with the one before, by default.
        assert rows[0].select_one("input[name=version]").has_attr("checked")
        assert rows[1].select_one("input[name=against]").has_attr("checked")
        buttons = history.html.select("button[form=history-revert]")
        assert [button["value"] for button in buttons] == ["2", "1"]

    def test_compare_two_chosen_versions(self, editor, page):
        form = editor.get(HISTORY).forms["history-compare"]
        form["against"] = "1"
        response = form.submit(status=303)
        assert response.location == (
            "http://example.com/site/page/@@history/3?against=1"
        )
        diff = response.follow()
        title = diff.html.select_one('[data-field="title"] .diff')
        assert str(title) == (
            '<div class="diff"><del>Old</del><ins>New</ins> title</div>'
        )
        body = diff.html.select_one('[data-field="body"] .diff')
        # The text readers see, by default…
        assert [ins.text for ins in body.select("ins")] == ["changed ", "\nMore."]
        assert diff.html.select_one(".diff-coarse") is None
        # …and the HTML source on request.
        source = editor.get(diff.html.select_one(".diff-mode a")["href"])
        body = source.html.select_one('[data-field="body"] .diff')
        assert [ins.text for ins in body.select("ins")] == [
            "changed ",
            "\n<p>More.</p>",
        ]
        assert (
            "Compare the text readers see" in source.html.select_one(".diff-mode").text
        )

    def test_a_version_against_the_one_before(self, editor, page):
        diff = editor.get(HISTORY + "/2")
        assert diff.html.h2.text == "Changes from version 1 to version 2"
        assert diff.html.select_one('[data-field="title"]').name == "section"
        # What did not change is there, folded.
        unchanged = diff.html.select_one('details[data-field="body"]')
        assert "(unchanged)" in unchanged.summary.text
        assert editor.get(HISTORY + "/1").html.h2.text == "What the first version held"

    def test_the_same_version_twice(self, editor, page):
        diff = editor.get(HISTORY + "/2", {"against": "2"})
        assert "the same content" in diff.html.select_one(".no-changes").text

    def test_stored_markup_is_shown_as_text(self, editor, page, dbsession):
        evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        revision = Revision(
            node_id=node(dbsession).id,
            version=4,
            author_login="<b>eve</b>",
            comment="<i>sneaky</i>",
            data={"title": "<em>T</em>", "description": "", "body": evil},
            changed=["title", "body"],
        )
        dbsession.add(revision)
        dbsession.flush()
        for url in (
            HISTORY,
            HISTORY + "/4",
            HISTORY + "/3?against=4",
            HISTORY + "/4?source=html",
            HISTORY + "/3?against=4&source=html",
        ):
            response = editor.get(url)
            main = response.html.select_one("main")
            assert not main.select("script, img, em, b, i")
            if "source" in url:
                assert "&lt;script&gt;" in response.text
        assert "<b>eve</b>" in editor.get(HISTORY).html.select_one("tbody td").text

    def test_older_versions_are_a_page_away(self, editor, page, dbsession):
        page_id = node(dbsession).id
        dbsession.add_all(
            Revision(node_id=page_id, version=number, data={"title": f"T{number}"})
            for number in range(4, 61)
        )
        dbsession.flush()
        history = editor.get(HISTORY)
        assert len(history.html.select("tbody tr")) == 50
        older = history.click("Older versions")
        rows = [tr["data-version"] for tr in older.html.select("tbody tr")]
        assert rows == [str(number) for number in range(10, 0, -1)]
        assert older.html.select_one("nav.batching a").text == "Newest versions"

    @pytest.mark.parametrize(
        ("url", "status", "text"),
        [
            ("/99", 404, "no such version"),
            ("/abc", 404, "no such version"),
            ("/99999999999999", 404, "no such version"),
            ("/2?against=99", 400, "no such version"),
            ("/2?against=x", 400, "no such version"),
            ("?version=3", 400, "Choose two versions"),
            ("?version=3&against=", 400, "Choose two versions"),
            ("?before=x", 400, "before"),
        ],
    )
    def test_unknown_versions_are_a_clear_4xx(self, editor, page, url, status, text):
        response = editor.get(HISTORY + url, status=status)
        assert text in response.html.select_one("main").text

    def test_a_costly_diff_is_shown_coarser(self, app, testapp, dbsession, site):
        """Bodies whose word-by-word diff took seconds: shown at once, whole."""
        cora = make_user(dbsession, "cora")
        grant(site, cora, "contributor")
        headers = bearer(dbsession, cora)
        old = "<p>a</p><p>b</p>" * 3000
        new = "<p>b</p><p>a</p>" * 3000 + "<p>c</p>"
        testapp.post_json(
            "/site/",
            {"@type": "Document", "id": "long", "title": "Long", "body": old},
            headers=headers,
            status=201,
        )
        testapp.patch_json("/site/long/", {"body": new}, headers=headers, status=200)
        page = browser_as(app, dbsession, "cora").get(
            "/site/long/@@history/2?source=html"
        )
        body = page.html.select_one('section[data-field="body"]')
        assert "word by word" in body.select_one(".diff-coarse").text
        # Both versions are there to read, what changed marked.
        assert version(body.select_one(".diff"), "ins") == old
        assert version(body.select_one(".diff"), "del") == new
        assert body.select("del") and body.select("ins")

    def test_the_json_is_unchanged(self, testapp, dbsession, page):
        headers = bearer(dbsession, find_user(dbsession, "editor"))
        items = testapp.get(HISTORY, headers=headers).json["items"]
        assert [item["version"] for item in items] == [3, 2, 1]
        data = testapp.get(HISTORY + "/2", headers=headers).json
        assert (data["version"], data["title"]) == (2, "New title")
        testapp.get(HISTORY + "/99", headers=headers, status=404)


class TestRevert:
    def test_revert_a_private_page(self, editor, page, dbsession):
        history = editor.get(HISTORY)
        response = history.forms["history-revert"].submit("version", value="1")
        assert response.status_int == 303
        assert response.location == "http://example.com/site/page/@@history"
        after = response.follow()
        assert message(after) == "Reverted to version 1."
        assert after.html.select_one("tbody tr td:nth-of-type(3)").text == (
            "Reverted to version 1"
        )
        assert node(dbsession).title == "Old title"
        assert versions(dbsession) == 4

    def test_from_the_page_of_a_version(self, editor, page, dbsession):
        form = editor.get(HISTORY + "/2").forms["history-revert"]
        form.submit("version").follow()
        assert node(dbsession).body == "<p>First words here.</p>"
        assert node(dbsession).title == "New title"

    def test_a_published_page_gets_a_draft(self, editor, page, dbsession, testapp):
        editor.post(
            "/site/page/@@workflow",
            {"transition": "publish", "csrf_token": csrf(editor)},
            status=303,
        )
        history = editor.get(HISTORY)
        assert history.html.select_one("#history-draft-preview") is None
        response = history.forms["history-revert"].submit("version", value="1")
        after = response.follow()
        assert message(after) == (
            "Version 1 is now the draft: publish it to make it live."
        )
        # Readers keep the live page; editors preview the draft.
        assert testapp.get("/site/page/").html.h1.text == "New title"
        link = after.html.select_one("#history-draft-preview")
        assert link["href"] == "http://example.com/site/page/?version=draft"
        assert editor.get(link["href"]).html.h1.text == "Old title"

    def test_a_stale_form_reverts_nothing(self, editor, page, dbsession):
        form = editor.get(HISTORY).forms["history-revert"]
        edit(editor, "/site/page/", title="Meanwhile")
        after = form.submit("version", value="1").follow()
        assert "has changed since" in message(after)
        assert "error" in after.html.select(".message")[-1]["class"]
        assert node(dbsession).title == "Meanwhile"
        assert versions(dbsession) == 4

    def test_a_double_submit_reverts_once(self, editor, page, dbsession):
        form = editor.get(HISTORY).forms["history-revert"]
        form.submit("version", value="1")
        after = form.submit("version", value="1").follow()
        assert "has changed since" in message(after)
        assert versions(dbsession) == 4

    @pytest.mark.parametrize("version", ["99", "abc", "", "0", "99999999999"])
    def test_an_unknown_version(self, editor, page, dbsession, version):
        body = {"csrf_token": csrf(editor), "latest": "3", "version": version}
        after = editor.post(HISTORY, body, status=303).follow()
        assert message(after) == "There is no such version of this page."
        assert versions(dbsession) == 3

    def test_the_current_version(self, editor, page, dbsession):
        body = {"csrf_token": csrf(editor), "latest": "3", "version": "3"}
        after = editor.post(HISTORY, body, status=303).follow()
        assert message(after) == "Version 3 is what the page holds already."
        assert versions(dbsession) == 3

    def test_without_the_csrf_token(self, editor, page, dbsession):
        form = editor.get(HISTORY).forms["history-revert"]
        form["csrf_token"] = ""
        form.submit("version", value="1", status=400)
        assert node(dbsession).title == "New title"
        assert versions(dbsession) == 3


class TestPermission:
    @pytest.mark.parametrize("login", ["reader", "otto"])
    def test_readers_and_editors_elsewhere_may_not(
        self, browser_for, dbsession, page, login
    ):
        other = browser_for(login)
        for url in (HISTORY, HISTORY + "/2", HISTORY + "/3?against=1"):
            response = other.get(url, status=403)
            assert "Old title" not in response.text
            assert "Edited" not in response.text
        body = {"csrf_token": csrf(other), "latest": "3", "version": "1"}
        other.post(HISTORY, body, status=403)
        assert versions(dbsession) == 3

    def test_anonymous_is_sent_to_log_in(self, testapp, dbsession, page):
        response = testapp.get(HISTORY + "/2", status=303)
        assert "/@@login?came_from=" in response.location
        testapp.post(HISTORY, {"latest": "3", "version": "1"}, status=303)
        assert versions(dbsession) == 3

    def test_the_draft_preview_is_for_editors(self, editor, reader, page):
        editor.post(
            "/site/page/@@workflow",
            {"transition": "publish", "csrf_token": csrf(editor)},
            status=303,
        )
        edit(editor, "/site/page/", title="Secret draft")
        assert editor.get(HISTORY).html.select_one("#history-draft-preview")
        response = reader.get("/site/page/?version=draft", status=403)
        assert "Secret draft" not in response.text


def csrf(client):
    return client.get("/site/").html.select_one('meta[name="csrf-token"]')["content"]
