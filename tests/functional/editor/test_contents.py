"""The Contents view of a container: listing, bulk actions, rename, reorder."""

import pytest
import webtest
from sqlalchemy import select

from cms.models import File, Node, Redirect
from tests.factories import (
    add_document,
    add_folder,
    bearer,
    find_user,
    grant,
    make_user,
)


@pytest.fixture
def site(site, dbsession, root):
    """/site/ with three pages, a folder, a file; /other/ shared alike."""
    add_document(site, "alpha", "Alpha", state="private")
    add_document(site, "beta", "Beta", state="published")
    folder = add_folder(site, "box", "Box", state="private")
    add_document(folder, "inner", "Inner", state="private")
    add_folder(folder, "nested", "Nested", state="private")
    site.add(
        File(
            title="Notes",
            state="private",
            blob_key="0" * 64,
            filename="notes.txt",
            content_type="text/plain",
            size=123_456,
        ),
        "notes.txt",
    )
    other = add_folder(root, "other", "Other", state="private")
    for role in ("editor", "reader", "contributor"):
        grant(other, find_user(dbsession, role), role)
    stranger = make_user(dbsession, "stranger")
    # Private, someone else's, and blocking the roles granted above it: no
    # one on /site/ but its owner may see it.
    add_document(
        site,
        "secret",
        "Secret plans",
        state="private",
        owner_id=stranger.id,
        inherit_roles=False,
    )
    dbsession.flush()
    return site


def node_at(dbsession, path):
    dbsession.expire_all()
    return dbsession.scalars(select(Node).where(Node.path == path)).one_or_none()


def children(dbsession, path):
    return [child.name for child in node_at(dbsession, path).children()]


def listed(page):
    return [row["data-id"] for row in page.html.select("#contents-form tbody tr")]


def messages(page):
    return [(p["class"][-1], p.text) for p in page.html.select("p.message")]


def csrf(page):
    return page.html.select_one('meta[name="csrf-token"]')["content"]


def act(client, action, names, path="/site/", status=303):
    """Tick *names* on the contents page and press the *action* button."""
    form = client.get(f"{path}@@contents").forms["contents-form"]
    for box in form.fields.get("ids", ()):
        box.checked = box._value in names
    return form.submit("action", value=action, status=status)


def forged(client, action, names, path="/site/"):
    """Send *action* on *names* as a hand-made form (no button for it shown)."""
    token = csrf(client.get(f"{path}@@contents"))
    fields = [("csrf_token", token), ("action", action)]
    fields += [("ids", name) for name in names]
    return client.post(f"{path}@@contents", fields, status=303)


class TestPage:
    def test_lists_the_children_in_order(self, editor):
        page = editor.get("/site/@@contents")
        assert listed(page) == ["alpha", "beta", "box", "notes.txt"]
        rows = page.html.select("#contents-form tbody tr")
        cells = [cell.text.strip() for cell in rows[3].select("td, th")]
        assert cells[1:4] == ["Notes notes.txt", "File", "Private"]
        assert rows[3].select_one("th .item-name").text == "notes.txt"
        assert rows[1].select_one(".state").text == "Published"
        assert rows[3].select_one("td.size data")["value"] == "123456"
        assert rows[3].select_one("td.size").text == "123.5 kB"
        assert rows[0].select_one("td.size").text == ""
        assert rows[0].select_one("th a")["href"] == "http://example.com/site/alpha/"
        assert rows[0].select_one("time")["datetime"].startswith("20")
        assert page.html.select_one("caption").text == "Items in “Site”: 4"

    def test_every_row_checkbox_is_labelled(self, editor):
        page = editor.get("/site/@@contents")
        boxes = page.html.select("input[type=checkbox]")
        assert [box["aria-label"] for box in boxes] == [
            "Select Alpha",
            "Select Beta",
            "Select Box",
            "Select Notes",
        ]
        assert len({box["id"] for box in boxes}) == 4

    def test_readers_may_not(self, reader):
        reader.get("/site/@@contents", status=403)

    def test_anonymous_is_sent_to_log_in(self, testapp, site):
        response = testapp.get("/site/@@contents", status=303)
        assert "/@@login?came_from=" in response.location

    def test_an_owner_who_may_edit_but_not_add(self, browser_for, site):
        # "secret" is a private page of its owner's, who holds no role here.
        stranger = browser_for("stranger")
        page = stranger.get("/site/secret/@@contents")
        assert page.html.h1.text == "Contents of “Secret plans”"
        assert page.html.select_one("#order-form") is not None

    def test_a_file_has_no_contents(self, editor):
        editor.get("/site/notes.txt/@@contents", status=404)

    def test_contributors_may_open_it_but_not_reorder(self, contributor):
        page = contributor.get("/site/@@contents")
        assert listed(page) == ["alpha", "beta", "box", "notes.txt"]
        assert page.html.select("button[name=up]") == []
        assert page.html.select_one("#order-form") is None
        assert page.html.select_one("tbody[data-order-url]") is None

    def test_editors_get_the_drag_and_drop_script(self, editor):
        page = editor.get("/site/@@contents")
        body = page.html.select_one("tbody[data-order-url]")
        assert body["data-order-url"] == "http://example.com/site/@@contents-order"
        assert page.html.select_one("script[src$='contents.js']") is not None

    def test_an_empty_folder(self, editor):
        page = editor.get("/site/box/nested/@@contents")
        assert page.html.select_one("table") is None
        assert "nothing in “Nested” yet" in page.html.select_one(".empty").text

    def test_html_in_titles_stays_text(self, editor, dbsession, site):
        add_document(site, "x", "<img src=x onerror=alert(1)>")
        dbsession.flush()
        page = editor.get("/site/@@contents")
        assert "<img src=x" not in page.text
        assert page.html.select("tbody th a")[-1].text == "<img src=x onerror=alert(1)>"


class TestTrimming:
    """A child the caller may not view is neither listed nor reachable."""

    def test_not_listed_nor_counted(self, editor):
        page = editor.get("/site/@@contents")
        assert "secret" not in listed(page)
        assert "Secret plans" not in page.text

    @pytest.mark.parametrize("action", ["copy", "cut", "publish", "retract"])
    def test_its_name_cannot_be_guessed_into_an_action(self, editor, dbsession, action):
        token = csrf(editor.get("/site/@@contents"))
        response = editor.post(
            "/site/@@contents",
            {"csrf_token": token, "action": action, "ids": "secret"},
            status=303,
        )
        page = response.follow()
        assert messages(page) == [("error", "The selected items are no longer here.")]
        assert page.html.select_one(".clipboard") is None
        assert node_at(dbsession, "/site/secret/").state == "private"

    def test_nor_into_a_delete(self, editor, dbsession):
        token = csrf(editor.get("/site/@@contents"))
        page = editor.post(
            "/site/@@contents",
            {"csrf_token": token, "action": "delete", "ids": ["secret", "alpha"]},
        )
        assert [li["data-id"] for li in page.html.select(".delete-list li")] == [
            "alpha"
        ]
        editor.post(
            "/site/@@contents-delete",
            {"csrf_token": token, "ids": "secret"},
            status=303,
        )
        assert node_at(dbsession, "/site/secret/") is not None

    def test_nor_renamed_nor_moved(self, editor, dbsession):
        editor.get("/site/@@contents-rename?item=secret", status=404)
        token = csrf(editor.get("/site/@@contents"))
        editor.post(
            "/site/@@contents-rename?item=secret",
            {"csrf_token": token, "id": "leaked", "title": "Leaked"},
            status=303,
        )
        editor.post(
            "/site/@@contents-order", {"csrf_token": token, "up": "secret"}, status=303
        )
        secret = node_at(dbsession, "/site/secret/")
        assert (secret.title, secret.position) == ("Secret plans", 4)

    def test_its_owner_sees_it(self, browser_for, site):
        stranger = browser_for("stranger")
        # An owner may edit what is theirs, but this is not their folder.
        stranger.get("/site/@@contents", status=403)


class TestPaging:
    @pytest.fixture
    def big(self, site, dbsession):
        folder = add_folder(site, "big", "Big")
        for number in range(7):
            add_document(folder, f"p{number}", f"Page {number}")
        dbsession.flush()
        return folder

    def test_previous_and_next(self, editor, big):
        page = editor.get("/site/big/@@contents?b_size=3")
        assert listed(page) == ["p0", "p1", "p2"]
        assert page.html.select_one('nav.batching a[rel="prev"]') is None
        page = page.click(linkid=None, href="b_after", description="Next")
        assert listed(page) == ["p3", "p4", "p5"]
        page = page.click(description="Next")
        assert listed(page) == ["p6"]
        assert page.html.select_one('nav.batching a[rel="next"]') is None
        page = page.click(description="Previous")
        assert listed(page) == ["p3", "p4", "p5"]
        assert "7 items" in page.html.select_one("nav.batching").text

    def test_actions_come_back_to_the_same_batch(self, editor, big):
        page = editor.get("/site/big/@@contents?b_size=3").click(description="Next")
        form = page.forms["contents-form"]
        assert "b_after=" in form.action
        form.get("ids", index=0).checked = True
        response = form.submit("action", value="copy", status=303)
        assert response.location == form.action

    @pytest.mark.parametrize(
        "query", ["b_size=0", "b_size=x", "b_after=nope", "b_after=1.1&b_before=1.1"]
    )
    def test_bad_batch_parameters_are_400(self, editor, big, query):
        editor.get(f"/site/big/@@contents?{query}", status=400)

    def test_the_number_of_queries_stays_the_same(
        self, editor, big, site, dbsession, count_queries
    ):
        editor.get("/site/big/@@contents?b_size=3")
        with count_queries() as few:
            editor.get("/site/big/@@contents?b_size=3")
        for number in range(7, 40):
            add_document(big, f"p{number}", f"Page {number}")
            big.add(
                File(
                    title=f"File {number}",
                    blob_key="0" * 64,
                    filename="f.txt",
                    content_type="text/plain",
                    size=number,
                ),
                f"f{number}",
            )
        dbsession.flush()
        with count_queries() as many:
            page = editor.get("/site/big/@@contents?b_size=30")
        assert len(listed(page)) == 30
        assert len(many) == len(few) + 1  # the sizes of the files on the page
        with count_queries() as later:
            page.click(description="Next")
        assert len(later) == len(many)


class TestCopyCutPaste:
    def test_copy_and_paste_elsewhere(self, editor, dbsession):
        page = act(editor, "copy", ["alpha", "box"]).follow()
        assert messages(page) == [("info", "Copied 2 items.")]
        assert page.html.select_one(".clipboard").text.split() == [
            "Paste",
            "2",
            "items",
            "copied",
        ]
        page = act(editor, "paste", [], path="/other/").follow()
        assert messages(page) == [("info", "Pasted 2 items.")]
        assert children(dbsession, "/other/") == ["alpha", "box"]
        assert children(dbsession, "/other/box/") == ["inner", "nested"]
        assert node_at(dbsession, "/site/alpha/") is not None
        # A copy may be pasted again: it gets a free name.
        act(editor, "paste", [], path="/other/").follow()
        assert children(dbsession, "/other/") == ["alpha", "box", "alpha-1", "box-1"]

    def test_paste_a_copy_beside_the_original(self, editor, dbsession):
        act(editor, "copy", ["alpha"])
        page = act(editor, "paste", []).follow()
        assert messages(page) == [("info", "Pasted “Alpha”.")]
        assert "alpha-1" in listed(page)

    def test_cut_and_paste_moves_and_empties_the_clipboard(self, editor, dbsession):
        page = act(editor, "cut", ["beta", "box"]).follow()
        assert messages(page) == [("info", "Cut 2 items.")]
        page = act(editor, "paste", [], path="/other/").follow()
        assert messages(page) == [("info", "Pasted 2 items.")]
        assert children(dbsession, "/other/") == ["beta", "box"]
        assert node_at(dbsession, "/other/box/inner/") is not None
        assert listed(editor.get("/site/@@contents")) == ["alpha", "notes.txt"]
        assert page.html.select_one(".clipboard") is None
        # Sent again (a double click): nothing more happens.
        token = csrf(page)
        page = editor.post(
            "/other/@@contents", {"csrf_token": token, "action": "paste"}, status=303
        ).follow()
        assert messages(page) == [("error", "There is nothing to paste.")]
        assert children(dbsession, "/other/") == ["beta", "box"]

    def test_a_folder_cannot_be_pasted_into_itself(self, editor, dbsession):
        act(editor, "cut", ["box"])
        page = act(editor, "paste", [], path="/site/box/nested/").follow()
        assert messages(page) == [
            (
                "error",
                "“Box” was not pasted: an item cannot move into itself "
                "or into what it holds.",
            )
        ]
        assert node_at(dbsession, "/site/box/nested/") is not None
        assert children(dbsession, "/site/box/nested/") == []
        # It stays on the clipboard, to be pasted somewhere else.
        assert page.html.select_one(".clipboard").text.split()[1:] == [
            "1",
            "item",
            "cut",
        ]
        page = act(editor, "paste", [], path="/other/").follow()
        assert messages(page) == [("info", "Pasted “Box”.")]
        assert children(dbsession, "/other/box/") == ["inner", "nested"]
        assert page.html.select_one(".clipboard") is None

    def test_a_copy_cannot_go_into_itself_either(self, editor, dbsession):
        act(editor, "copy", ["box"])
        page = act(editor, "paste", [], path="/site/box/").follow()
        assert messages(page) == [
            ("error", "“Box” was not pasted: an item cannot be copied into itself.")
        ]
        assert children(dbsession, "/site/box/") == ["inner", "nested"]

    def test_something_deleted_meanwhile(self, editor, dbsession):
        act(editor, "copy", ["alpha", "beta"])
        node_at(dbsession, "/site/beta/").delete()
        dbsession.flush()
        page = act(editor, "paste", [], path="/other/").follow()
        assert messages(page) == [
            ("info", "Pasted “Alpha”."),
            ("error", "“/site/beta/” was not pasted: it is no longer there."),
        ]
        assert children(dbsession, "/other/") == ["alpha"]

    def test_another_node_now_at_that_path(self, editor, dbsession, site):
        act(editor, "cut", ["alpha"])
        node_at(dbsession, "/site/alpha/").rename("old-alpha")
        add_document(site, "alpha", "New alpha")
        dbsession.flush()
        page = act(editor, "paste", [], path="/other/").follow()
        assert messages(page) == [
            ("error", "“/site/alpha/” was not pasted: it is no longer there.")
        ]
        assert node_at(dbsession, "/site/alpha/").title == "New alpha"
        assert children(dbsession, "/other/") == []

    def test_too_many_to_hold(self, editor, dbsession, site):
        names = [f"{number}-{'x' * 90}" for number in range(30)]
        for name in names:
            add_document(site, name, "Long")
        dbsession.flush()
        token = csrf(editor.get("/site/@@contents"))
        response = editor.post(
            "/site/@@contents",
            {"csrf_token": token, "action": "copy", "ids": names},
            status=303,
        )
        page = response.follow()
        assert messages(page) == [("error", "That is too many items to hold at once.")]
        assert page.html.select_one(".clipboard") is None

    def test_a_name_clash_on_a_move(self, editor, dbsession, root):
        add_document(root["other"], "alpha", "Other alpha")
        dbsession.flush()
        act(editor, "cut", ["alpha", "beta"])
        page = act(editor, "paste", [], path="/other/").follow()
        assert messages(page) == [
            ("info", "Pasted “Beta”."),
            (
                "error",
                "“Alpha” was not pasted: 'alpha' is already taken in /other/; "
                "rename one of them first.",
            ),
        ]
        assert node_at(dbsession, "/site/alpha/").title == "Alpha"
        assert node_at(dbsession, "/other/alpha/").title == "Other alpha"

    def test_pasting_a_cut_where_it_is(self, editor, dbsession):
        act(editor, "cut", ["alpha"])
        page = act(editor, "paste", []).follow()
        assert messages(page) == [
            ("error", "“Alpha” was not pasted: it is here already.")
        ]
        assert listed(page)[0] == "alpha"

    def test_cut_needs_edit_on_each(self, contributor, dbsession):
        page = contributor.get("/site/@@contents")
        # Contributors are offered what they may do: copy, delete (their own).
        offered = [b["value"] for b in page.html.select("button[name=action]")]
        assert offered == ["copy", "delete"]
        assert page.html.select("td.row-actions a") == []
        page = forged(contributor, "cut", ["alpha"]).follow()
        assert messages(page) == [
            ("error", "“Alpha” was not cut: you may not move it.")
        ]
        assert page.html.select_one(".clipboard") is None

    def test_nothing_selected(self, editor):
        page = act(editor, "copy", []).follow()
        assert messages(page) == [("error", "Select one or more items first.")]

    def test_an_unknown_action_is_400(self, editor):
        token = csrf(editor.get("/site/@@contents"))
        editor.post(
            "/site/@@contents",
            {"csrf_token": token, "action": "explode", "ids": "alpha"},
            status=400,
        )

    def test_without_the_csrf_token(self, editor, dbsession):
        act(editor, "cut", ["alpha"])
        editor.post("/other/@@contents", {"action": "paste"}, status=400)
        assert node_at(dbsession, "/site/alpha/") is not None
        assert children(dbsession, "/other/") == []

    def test_readers_may_not(self, reader):
        token = csrf(reader.get("/site/"))
        reader.post(
            "/site/@@contents",
            {"csrf_token": token, "action": "copy", "ids": "alpha"},
            status=403,
        )


class TestPublishRetract:
    def test_publish_several(self, editor, dbsession):
        page = act(editor, "publish", ["alpha", "box"]).follow()
        assert messages(page) == [("info", "Published 2 items.")]
        assert node_at(dbsession, "/site/alpha/").state == "published"
        assert node_at(dbsession, "/site/box/").state == "published"

    def test_does_the_rest_and_says_what_it_could_not(self, editor, dbsession):
        # Beta is published: readers lose it, which is asked first.
        asked = act(editor, "retract", ["alpha", "beta"], status=200)
        page = asked.forms["transition-form"].submit().follow()
        assert messages(page) == [
            ("info", "Retracted “Beta”."),
            ("error", "“Alpha” was not retracted: not possible while it is private."),
        ]
        assert node_at(dbsession, "/site/beta/").state == "private"

    def test_without_the_permission(self, contributor, dbsession):
        page = forged(contributor, "publish", ["alpha"]).follow()
        assert messages(page) == [
            ("error", "“Alpha” was not published: you may not publish it.")
        ]
        assert node_at(dbsession, "/site/alpha/").state == "private"

    def test_many_refusals_are_counted(self, editor, dbsession, site):
        for number in range(5):
            add_document(site, f"pub{number}", f"Pub {number}")
        dbsession.flush()
        names = [f"pub{number}" for number in range(5)]
        page = act(editor, "publish", names).follow()
        assert len(messages(page)) == 4
        assert messages(page)[-1] == (
            "error",
            "2 more items were not published either.",
        )

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post(
            "/site/@@contents", {"action": "publish", "ids": "alpha"}, status=400
        )
        assert node_at(dbsession, "/site/alpha/").state == "private"


class TestDelete:
    def test_asks_first_then_deletes(self, editor, dbsession):
        page = act(editor, "delete", ["alpha", "box"], status=200)
        assert page.html.h1.text == "Delete 2 items from “Site”?"
        items = page.html.select(".delete-list li")
        assert [li.a.text for li in items] == ["Alpha", "Box"]
        assert "with everything inside" not in items[0].text  # an empty page
        assert "with everything inside" in items[1].text
        assert node_at(dbsession, "/site/alpha/") is not None
        response = page.forms["contents-delete-form"].submit(status=303)
        assert response.location == "http://example.com/site/@@contents"
        page = response.follow()
        assert messages(page) == [("info", "Deleted 2 items.")]
        assert listed(page) == ["beta", "notes.txt"]
        assert node_at(dbsession, "/site/box/inner/") is None

    def test_one_item(self, editor, dbsession):
        page = act(editor, "delete", ["beta"], status=200)
        assert page.html.h1.text == "Delete 1 item from “Site”?"
        page = page.forms["contents-delete-form"].submit(status=303).follow()
        assert messages(page) == [("info", "Deleted “Beta”.")]

    def test_sent_twice(self, editor, dbsession):
        form = act(editor, "delete", ["beta"], status=200).forms["contents-delete-form"]
        form.submit(status=303).follow()
        page = form.submit(status=303).follow()
        assert messages(page) == [("error", "The selected items are no longer here.")]

    def test_nothing_the_caller_may_delete(self, contributor, dbsession):
        page = act(contributor, "delete", ["alpha"], status=200)
        assert page.forms["contents-delete-form"].fields.get("submit") is None
        assert page.html.select("#contents-delete-form button") == []
        assert "You may not delete any of these." in page.text

    def test_only_what_the_caller_may_delete(self, contributor, dbsession, site):
        contributor.get("/site/@@contents")
        token = csrf(contributor.get("/site/@@contents"))
        contributor.post(
            "/site/@@add?type=Document",
            {"csrf_token": token, "title": "Mine"},
            status=303,
        )
        page = act(contributor, "delete", ["alpha", "mine"], status=200)
        warned = [li.a.text for li in page.html.select(".delete-list li") if li.strong]
        assert warned == ["Alpha"]
        page = page.forms["contents-delete-form"].submit(status=303).follow()
        assert messages(page) == [
            ("info", "Deleted “Mine”."),
            ("error", "“Alpha” was not deleted: you may not delete it."),
        ]
        assert node_at(dbsession, "/site/alpha/") is not None
        assert node_at(dbsession, "/site/mine/") is None

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post("/site/@@contents-delete", {"ids": "alpha"}, status=400)
        assert node_at(dbsession, "/site/alpha/") is not None

    def test_readers_may_not(self, reader, dbsession):
        token = csrf(reader.get("/site/"))
        reader.post(
            "/site/@@contents-delete", {"csrf_token": token, "ids": "beta"}, status=403
        )
        assert node_at(dbsession, "/site/beta/") is not None

    def test_anonymous_is_sent_to_log_in(self, testapp, dbsession, site):
        response = testapp.post("/site/@@contents-delete", {"ids": "beta"}, status=303)
        assert "/@@login" in response.location
        assert node_at(dbsession, "/site/beta/") is not None


class TestRename:
    def open(self, client, name="alpha"):
        page = client.get("/site/@@contents").click(
            href=f"@@contents-rename\\?item={name}"
        )
        return page.forms["rename-form"]

    def test_rename_and_retitle(self, editor, dbsession, testapp):
        form = self.open(editor)
        assert (form["id"].value, form["title"].value) == ("alpha", "Alpha")
        form["id"], form["title"] = "first", "First"
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/@@contents"
        page = response.follow()
        assert messages(page) == [("info", "Renamed “Alpha” to “First”.")]
        assert listed(page)[0] == "first"
        assert node_at(dbsession, "/site/first/").title == "First"
        assert dbsession.scalar(
            select(Redirect.path).where(Redirect.path == "/site/alpha/")
        )

    def test_only_the_short_name(self, editor, dbsession):
        form = self.open(editor)
        form["id"] = "first"
        page = form.submit(status=303).follow()
        assert messages(page) == [("info", "“Alpha” is now at “first”.")]

    def test_a_published_title_becomes_a_draft(self, editor, dbsession):
        form = self.open(editor, "beta")
        form["title"] = "Better"
        page = form.submit(status=303).follow()
        assert messages(page) == [("info", "Renamed “Beta”; the new title is a draft.")]
        assert node_at(dbsession, "/site/beta/").has_draft

    def test_a_bad_title_keeps_what_was_typed_and_changes_nothing(
        self, editor, dbsession
    ):
        form = self.open(editor)
        form["id"], form["title"] = "first", "   "
        page = form.submit(status=400)
        assert page.html.select_one("#error-title").text == "Required."
        assert page.html.select_one("#field-id")["value"] == "first"
        assert page.html.select_one("#field-title")["aria-invalid"] == "true"
        # The new name went with the refused title.
        assert node_at(dbsession, "/site/alpha/").title == "Alpha"
        assert node_at(dbsession, "/site/first/") is None

    def test_a_bad_name(self, editor, dbsession):
        form = self.open(editor)
        form["id"], form["title"] = "Not OK!", "Renamed"
        page = form.submit(status=400)
        assert "not a valid name" in page.html.select_one("#error-id").text
        assert page.html.select_one("#error-title") is None
        assert page.html.select_one("#field-id")["value"] == "Not OK!"
        assert page.html.select_one("#field-title")["value"] == "Renamed"
        assert node_at(dbsession, "/site/alpha/").title == "Alpha"

    def test_every_message_at_once(self, editor, dbsession):
        form = self.open(editor)
        form["id"], form["title"] = "beta", ""
        page = form.submit(status=409)
        assert "already taken" in page.html.select_one("#error-id").text
        assert page.html.select_one("#error-title").text == "Required."

    def test_a_taken_name(self, editor, dbsession):
        form = self.open(editor)
        form["id"] = "beta"
        page = form.submit(status=409)
        assert "already taken" in page.html.select_one("#error-id").text
        assert page.html.select_one("#field-id")["value"] == "beta"
        assert node_at(dbsession, "/site/beta/").title == "Beta"

    def test_a_stale_form(self, editor, dbsession):
        form = self.open(editor)
        other = self.open(editor)
        other["title"] = "Theirs"
        other.submit(status=303)
        form["title"] = "Mine"
        page = form.submit(status=409)
        assert "Someone else changed" in page.html.select_one(".message.error").text
        assert page.html.select_one("#field-title")["value"] == "Mine"
        assert node_at(dbsession, "/site/alpha/").title == "Theirs"
        # Sending it again replaces theirs.
        page.forms["rename-form"].submit(status=303)
        assert node_at(dbsession, "/site/alpha/").title == "Mine"

    def test_sent_twice(self, editor, dbsession):
        form = self.open(editor)
        form["id"] = "first"
        form.submit(status=303).follow()
        page = form.submit(status=303).follow()
        assert messages(page) == [
            ("error", "That item is no longer here under that name.")
        ]
        assert node_at(dbsession, "/site/first/") is not None

    def test_nothing_changed(self, editor):
        page = self.open(editor).submit(status=303).follow()
        assert messages(page) == [("info", "“Alpha” is unchanged.")]

    def test_unknown_item_is_404(self, editor):
        editor.get("/site/@@contents-rename?item=nope", status=404)
        editor.get("/site/@@contents-rename", status=404)

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post("/site/@@contents-rename?item=alpha", {"id": "first"}, status=400)
        assert node_at(dbsession, "/site/alpha/") is not None

    def test_without_the_permission(self, reader, contributor, dbsession):
        reader.get("/site/@@contents-rename?item=alpha", status=403)
        # Contributors may open the contents, not rename what is not theirs.
        contributor.get("/site/@@contents-rename?item=alpha", status=403)
        token = csrf(contributor.get("/site/@@contents"))
        contributor.post(
            "/site/@@contents-rename?item=alpha",
            {"csrf_token": token, "id": "first", "title": "First"},
            status=403,
        )
        assert node_at(dbsession, "/site/alpha/").title == "Alpha"

    def test_anonymous_is_sent_to_log_in(self, testapp, site):
        response = testapp.get("/site/@@contents-rename?item=beta", status=303)
        assert "/@@login" in response.location


class TestUpDown:
    def press(self, client, button, name, url="/site/@@contents"):
        page = client.get(url)
        return page.forms["order-form"].submit(button, value=name, status=303)

    def test_across_the_end_of_a_batch(self, editor):
        """Moving the first row of a batch up sends it to the batch before."""
        second = editor.get("/site/@@contents?b_size=2").click("Next")
        assert listed(second) == ["box", "notes.txt"]
        page = self.press(editor, "up", "box", url=second.request.url).follow()
        assert messages(page) == [("info", "Moved “Box” up.")]
        assert listed(page) == ["beta", "notes.txt"]
        first = page.click("Previous")
        assert listed(first) == ["alpha", "box"]
        # The other way: the last row of the first batch, down.
        page = self.press(editor, "down", "box", url=first.request.url).follow()
        assert listed(page) == ["alpha", "beta"]
        assert listed(page.click("Next")) == ["box", "notes.txt"]

    def test_down_and_up(self, editor, dbsession):
        page = self.press(editor, "down", "alpha").follow()
        assert messages(page) == [("info", "Moved “Alpha” down.")]
        assert listed(page) == ["beta", "alpha", "box", "notes.txt"]
        page = self.press(editor, "up", "notes.txt").follow()
        assert listed(page) == ["beta", "alpha", "notes.txt", "box"]

    def test_at_the_ends(self, editor):
        page = self.press(editor, "up", "alpha").follow()
        assert messages(page) == [("info", "“Alpha” is first already.")]
        page = self.press(editor, "down", "notes.txt").follow()
        assert messages(page) == [("info", "“Notes” is last already.")]

    def test_skips_what_the_caller_does_not_see(self, editor, dbsession, site):
        # "secret" is last; move it between alpha and beta.
        node_at(dbsession, "/site/secret/").set_position(1)
        dbsession.flush()
        page = editor.get("/site/@@contents")
        # Nothing on the page tells where the hidden child sits.
        assert [row.attrs.keys() for row in page.html.select("tbody tr")] == [
            {"data-id"}
        ] * 4
        page = self.press(editor, "down", "alpha").follow()
        assert listed(page) == ["beta", "alpha", "box", "notes.txt"]
        assert children(dbsession, "/site/") == [
            "secret",
            "beta",
            "alpha",
            "box",
            "notes.txt",
        ]

    def test_keeps_the_batch(self, editor):
        second = editor.get("/site/@@contents?b_size=2").click("Next")
        response = self.press(editor, "down", "box", url=second.request.url)
        assert response.location == second.request.url
        assert listed(response.follow()) == ["notes.txt", "box"]

    def test_without_the_csrf_token(self, editor, dbsession):
        editor.post("/site/@@contents-order", {"down": "alpha"}, status=400)
        assert children(dbsession, "/site/")[0] == "alpha"

    def test_without_the_permission(self, contributor, reader, dbsession):
        for client in (contributor, reader):
            token = csrf(client.get("/site/"))
            client.post(
                "/site/@@contents-order",
                {"csrf_token": token, "down": "alpha"},
                status=403,
            )
        assert children(dbsession, "/site/")[0] == "alpha"


class TestDragAndDrop:
    """What contents.js sends on a drop: the Up/Down form with ``move`` and ``onto``."""

    def drop(self, client, page, name, onto, **kwargs):
        url = page.html.select_one("tbody")["data-order-url"]
        fields = {"move": name, "onto": onto}
        if kwargs.pop("with_token", True):
            fields["csrf_token"] = csrf(page)
        return client.post(
            url,
            fields,
            headers={"Accept": "text/html", "X-Requested-With": "XMLHttpRequest"},
            **kwargs,
        )

    def test_drop_below_and_above(self, editor, dbsession):
        page = editor.get("/site/@@contents")
        self.drop(editor, page, "alpha", onto="box", status=204)
        assert children(dbsession, "/site/")[:3] == ["beta", "box", "alpha"]
        page = editor.get("/site/@@contents")
        self.drop(editor, page, "notes.txt", onto="beta", status=204)
        assert listed(editor.get("/site/@@contents")) == [
            "notes.txt",
            "beta",
            "box",
            "alpha",
        ]

    def test_hidden_children_keep_their_place(self, editor, dbsession):
        node_at(dbsession, "/site/secret/").set_position(0)
        dbsession.flush()
        page = editor.get("/site/@@contents")
        self.drop(editor, page, "notes.txt", onto="alpha", status=204)
        assert children(dbsession, "/site/")[:3] == ["secret", "notes.txt", "alpha"]

    def test_a_hidden_or_missing_row_is_a_conflict(self, editor, dbsession):
        page = editor.get("/site/@@contents")
        response = self.drop(editor, page, "alpha", onto="secret", status=409)
        assert response.text == "That item is no longer here."
        self.drop(editor, page, "gone", onto="beta", status=409)
        assert children(dbsession, "/site/")[:2] == ["alpha", "beta"]

    def test_without_the_csrf_token(self, editor, dbsession):
        page = editor.get("/site/@@contents")
        self.drop(editor, page, "alpha", onto="box", with_token=False, status=400)
        assert children(dbsession, "/site/")[0] == "alpha"


def test_json_clients_find_no_such_view(app, dbsession, site):
    """The pages are HTML alone: a JSON client gets a 404, as before them."""
    headers = bearer(dbsession, find_user(dbsession, "editor"))
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    for name in ("contents", "contents-delete", "contents-order", "contents-rename"):
        for method in ("get", "post"):
            response = getattr(client, method)(
                f"/site/@@{name}", headers=headers, status=404
            )
            assert response.json["error"] == {
                "type": "NotFound",
                "message": "There is nothing at this address.",
            }


class TestRetractAsksFirst:
    """Retracting published items from Contents says what readers lose first."""

    @pytest.fixture
    def site(self, site, dbsession):
        site.state = "published"
        for child in site.children():
            child.state = "published"
        dbsession.flush()
        return site

    def test_retracting_published_items_asks_first(self, editor, testapp):
        form = editor.get("/site/@@contents").forms["contents-form"]
        for box in form.fields["ids"]:
            if box._value in ("alpha", "box"):
                box.checked = True
        answer = form.submit("action", value="retract")
        assert answer.status_int == 200
        warning = answer.html.select_one(".warning").text
        assert "published pages from readers" in warning
        # Nothing happened yet…
        assert testapp.get("/site/alpha/").status_int == 200
        # …until the page's button is pressed.
        answer.forms["transition-form"].submit().follow()
        testapp.get("/site/alpha/", status=303)
        testapp.get("/site/box/", status=303)
        assert testapp.get("/site/beta/").status_int == 200

    def test_deleting_says_what_readers_lose(self, editor):
        form = editor.get("/site/@@contents").forms["contents-form"]
        for box in form.fields["ids"]:
            box.checked = box._value == "alpha"
        page = form.submit("action", value="delete")
        assert "1 published page" in page.html.select_one(".warning").text
