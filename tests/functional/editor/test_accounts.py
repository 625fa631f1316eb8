"""The site managers' pages in a browser: ``/@@users`` and ``/@@groups``."""

import pytest
from sqlalchemy import func, select

from cms.models import Group, LoginSession, User
from cms.security.passwords import verify_password
from tests.factories import (
    PASSWORD,
    ensure_group,
    grant,
    make_user,
)

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def people(testapp, dbsession, root):
    """An admin, an editor of the whole site, alice of staff, and bob.

    These users alone, not the shared tree's: the pages list and count them.
    """
    make_user(dbsession, "boss", groups=["admins"], fullname="Big Boss")
    grant(root, make_user(dbsession, "editor"), "editor")
    make_user(
        dbsession,
        "alice",
        groups=["staff"],
        email="alice@example.com",
        fullname="Alice A.",
    )
    make_user(dbsession, "bob", email="bob@example.com", fullname="Bob B.")
    dbsession.flush()


def user(dbsession, login):
    dbsession.expire_all()
    return dbsession.scalars(select(User).where(User.login == login)).one_or_none()


def group(dbsession, name):
    dbsession.expire_all()
    return dbsession.scalars(select(Group).where(Group.name == name)).one_or_none()


@pytest.fixture
def boss(browser_for, people):
    return browser_for("boss")


@pytest.fixture
def editor(browser_for, people):
    return browser_for("editor")


def csrf_token(client):
    page = client.get("/@@preferences")
    return page.html.select_one('meta[name="csrf-token"]')["content"]


def message(page):
    return page.html.select_one(".message").text.strip()


def check(form, name, value, checked=True):
    """Tick (or untick) the checkbox *name* whose value is *value*."""
    for field in form.fields[name]:
        if field._value == value:
            field.checked = checked
            return
    raise AssertionError(f"no checkbox {name}={value}")


def field_error(page, name):
    return page.html.select_one(f"#error-{name}").text.strip()


def assert_no_secrets(dbsession, page):
    hashes = dbsession.scalars(select(User.password_hash)).all()
    assert not any(value in page.text for value in hashes)
    assert "argon2" not in page.text
    assert PASSWORD not in page.text
    assert NEW_PASSWORD not in page.text


# -- who may -------------------------------------------------------------------

ADMIN_PAGES = [
    "/@@users",
    "/@@users/@@add",
    "/@@users/alice",
    "/@@users/alice/@@delete",
    "/@@groups",
    "/@@groups/@@add",
    "/@@groups/staff",
    "/@@groups/staff/@@delete",
]

ADMIN_POSTS = [
    ("/@@users/@@add", {"login": "mallory", "password": NEW_PASSWORD}),
    ("/@@users/alice", {"fullname": "Hacked", "groups": "admins", "active": "1"}),
    ("/@@users/alice/@@delete", {"confirm": ""}),
    ("/@@groups/@@add", {"name": "evil"}),
    ("/@@groups/staff", {"title": "Hacked"}),
    ("/@@groups/admins/@@members", {"member": "editor"}),
    ("/@@groups/staff/@@members", {"remove": "alice"}),
    ("/@@groups/staff/@@delete", {"confirm": ""}),
]


def assert_nothing_changed(dbsession):
    alice = user(dbsession, "alice")
    assert alice.fullname == "Alice A."
    assert [g.name for g in alice.groups] == ["staff"]
    assert user(dbsession, "mallory") is None
    assert group(dbsession, "evil") is None
    assert group(dbsession, "staff").title == "Staff"
    assert not user(dbsession, "editor").is_admin


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_is_sent_to_log_in(testapp, people, path):
    response = testapp.get(path, status=303)
    assert "/@@login?came_from=" in response.location


@pytest.mark.parametrize(("path", "fields"), ADMIN_POSTS)
def test_anonymous_may_not_post(testapp, dbsession, people, path, fields):
    response = testapp.post(path, fields, status=303)
    assert "/@@login" in response.location
    assert_nothing_changed(dbsession)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_editor_who_is_not_an_admin_gets_403(editor, path):
    editor.get(path, status=403)


@pytest.mark.parametrize(("path", "fields"), ADMIN_POSTS)
def test_an_editor_may_not_post(editor, dbsession, path, fields):
    token = csrf_token(editor)
    editor.post(path, {**fields, "csrf_token": token}, status=403)
    assert_nothing_changed(dbsession)


@pytest.mark.parametrize(("path", "fields"), ADMIN_POSTS)
def test_a_post_without_the_csrf_token_is_400(boss, dbsession, path, fields):
    boss.post(path, fields, status=400)
    assert_nothing_changed(dbsession)


def test_the_json_api_is_unchanged(boss, testapp, dbsession):
    items = boss.get("/@@users", headers={"Accept": "application/json"}).json
    assert [item["login"] for item in items["items"]][:2] == ["alice", "bob"]
    boss.get("/@@groups/staff", headers={"Accept": "application/json"}, status=200)
    page = boss.get("/@@users", headers={"Accept": "text/html"})
    assert page.content_type == "text/html"


# -- the users -----------------------------------------------------------------


class TestUserList:
    def test_lists_users_with_their_groups(self, boss, dbsession):
        page = boss.get("/@@users")
        rows = {
            row["data-login"]: [cell.text.strip() for cell in row.select("th, td")]
            for row in page.html.select("#users tbody tr")
        }
        alice = ["alice", "Alice A.", "alice@example.com", "staff", "Yes"]
        assert rows["alice"] == alice
        assert rows["boss"][3] == "admins"
        assert list(rows) == sorted(rows)
        assert_no_secrets(dbsession, page)

    def test_search(self, boss):
        form = boss.get("/@@users").forms["user-search"]
        form["q"] = "ALICE@"
        page = form.submit()
        logins = [row["data-login"] for row in page.html.select("#users tbody tr")]
        assert logins == ["alice"]
        assert page.html.select_one("#search-q")["value"] == "ALICE@"
        page = boss.get("/@@users", {"q": "B."})
        assert [r["data-login"] for r in page.html.select("#users tbody tr")] == ["bob"]

    def test_a_search_for_like_wildcards_finds_them_literally(self, boss):
        page = boss.get("/@@users", {"q": "%"})
        assert page.html.select("#users tbody tr") == []
        assert "No user matches" in page.html.select_one(".empty").text

    def test_a_nul_in_the_search_is_not_a_500(self, boss):
        page = boss.get("/@@users?q=al%00ice")
        assert [r["data-login"] for r in page.html.select("#users tbody tr")] == [
            "alice"
        ]

    def test_pages_of_fifty(self, boss, dbsession):
        for number in range(60):
            make_user(dbsession, f"user{number:02d}")
        dbsession.flush()
        first = boss.get("/@@users")
        assert len(first.html.select("#users tbody tr")) == 50
        assert "page 1 of 2" in first.html.select_one("#users caption").text
        second = first.click(linkid=None, href="page=2", index=0)
        logins = [r["data-login"] for r in second.html.select("#users tbody tr")]
        assert len(logins) == 64 - 50
        assert logins[-1] == "user59"
        assert second.html.select_one('a[rel="prev"]') is not None
        assert second.html.select_one('a[rel="next"]') is None

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "1e3", "9999999", "٣"])
    def test_a_bad_page_number_is_400(self, boss, page):
        boss.get("/@@users", {"page": page}, status=400)

    def test_a_page_past_the_end_shows_the_last(self, boss):
        page = boss.get("/@@users", {"page": "7"})
        assert len(page.html.select("#users tbody tr")) == 4


class TestAddUser:
    def test_add_a_user(self, boss, dbsession):
        page = boss.get("/@@users").click("Add a user")
        form = page.forms["user-form"]
        form["login"] = "dave"
        form["fullname"] = "Dave D."
        form["email"] = "dave@example.com"
        form["password"] = NEW_PASSWORD
        check(form, "groups", "staff")
        response = form.submit(status=303)
        assert response.location == "http://example.com/@@users"
        assert message(response.follow()) == "Added user dave."
        dave = user(dbsession, "dave")
        assert (dave.fullname, dave.email, dave.active) == (
            "Dave D.",
            "dave@example.com",
            True,
        )
        assert [g.name for g in dave.groups] == ["staff"]
        assert verify_password(dave.password_hash, NEW_PASSWORD)

    def test_an_inactive_user(self, boss, dbsession):
        form = boss.get("/@@users/@@add").forms["user-form"]
        form["login"], form["password"] = "eve", NEW_PASSWORD
        form["active"] = False
        form.submit(status=303)
        assert user(dbsession, "eve").active is False

    def test_refusals_come_back_next_to_the_fields(self, boss, dbsession):
        form = boss.get("/@@users/@@add").forms["user-form"]
        form["login"] = "dave"
        form["fullname"] = "Dave <b>D.</b>"
        form["email"] = "not an address"
        form["password"] = "short"
        check(form, "groups", "staff")
        page = form.submit(status=400)
        assert field_error(page, "email") == "Not an email address."
        assert "at least 8" in field_error(page, "password")
        # What was typed is kept, but never the password.
        assert page.html.select_one("#field-login")["value"] == "dave"
        assert page.html.select_one("#field-fullname")["value"] == "Dave <b>D.</b>"
        assert page.html.select_one("#field-email")["value"] == "not an address"
        assert page.html.select_one("#group-staff").has_attr("checked")
        assert page.html.select_one("#field-password")["value"] == ""
        assert "short" not in page.text
        assert user(dbsession, "dave") is None

    def test_a_taken_login(self, boss, dbsession):
        form = boss.get("/@@users/@@add").forms["user-form"]
        form["login"], form["password"], form["fullname"] = "alice", NEW_PASSWORD, "X"
        page = form.submit(status=409)
        assert field_error(page, "login") == "This login is taken."
        assert page.html.select_one("#field-fullname")["value"] == "X"
        assert user(dbsession, "alice").fullname == "Alice A."

    def test_a_bad_login(self, boss, dbsession):
        form = boss.get("/@@users/@@add").forms["user-form"]
        form["login"], form["password"] = "Not Valid", NEW_PASSWORD
        page = form.submit(status=400)
        assert "a-z" in field_error(page, "login")
        assert page.html.select_one("#field-login")["value"] == "Not Valid"

    def test_a_group_deleted_since_the_form_was_opened(self, boss, dbsession):
        form = boss.get("/@@users/@@add").forms["user-form"]
        form["login"], form["password"] = "dave", NEW_PASSWORD
        check(form, "groups", "staff")
        dbsession.delete(group(dbsession, "staff"))
        dbsession.flush()
        page = form.submit(status=400)
        assert field_error(page, "groups") == "No such group: staff."
        assert user(dbsession, "dave") is None

    def test_a_nul_character_is_refused_not_a_500(self, boss, dbsession):
        token = csrf_token(boss)
        page = boss.post(
            "/@@users/@@add",
            {
                "login": "dave",
                "password": NEW_PASSWORD,
                "fullname": "Da\x00ve",
                "groups": "st\x00aff",
                "csrf_token": token,
            },
            status=400,
        )
        assert "NUL" in field_error(page, "fullname")
        assert user(dbsession, "dave") is None

    def test_a_double_submitted_form_adds_one_user(self, boss, dbsession):
        form = boss.get("/@@users/@@add").forms["user-form"]
        form["login"], form["password"] = "dave", NEW_PASSWORD
        form.submit(status=303)
        page = form.submit(status=409)
        assert field_error(page, "login") == "This login is taken."
        count = select(func.count()).select_from(User).where(User.login == "dave")
        assert dbsession.scalar(count) == 1


class TestEditUser:
    def test_the_form_shows_the_user(self, boss, dbsession):
        page = boss.get("/@@users").click("alice")
        form = page.forms["user-form"]
        assert form["fullname"].value == "Alice A."
        assert form["email"].value == "alice@example.com"
        assert form["password"].value == ""
        assert page.html.select_one("#group-staff").has_attr("checked")
        assert not page.html.select_one("#group-admins").has_attr("checked")
        assert page.html.select_one("#field-login") is None
        assert_no_secrets(dbsession, page)

    def test_save(self, boss, dbsession):
        form = boss.get("/@@users/alice").forms["user-form"]
        old_hash = user(dbsession, "alice").password_hash
        form["fullname"], form["email"] = "Alice Liddell", "liddell@example.com"
        check(form, "groups", "staff", False)
        check(form, "groups", "admins")
        response = form.submit(status=303)
        assert message(response.follow()) == "Saved."
        alice = user(dbsession, "alice")
        assert (alice.fullname, alice.email) == ("Alice Liddell", "liddell@example.com")
        assert [g.name for g in alice.groups] == ["admins"]
        # No new password given: the old one stays.
        assert alice.password_hash == old_hash

    def test_a_new_password_ends_the_users_sessions(self, boss, browser_for, dbsession):
        alices_browser = browser_for("alice")
        alices_browser.get("/@@preferences", status=200)
        form = boss.get("/@@users/alice").forms["user-form"]
        form["password"] = NEW_PASSWORD
        form.submit(status=303)
        assert verify_password(user(dbsession, "alice").password_hash, NEW_PASSWORD)
        alices_browser.get("/@@preferences", status=303)

    def test_an_admin_who_changes_their_own_password_stays_in(self, boss, dbsession):
        form = boss.get("/@@users/boss").forms["user-form"]
        form["password"], form["current_password"] = NEW_PASSWORD, PASSWORD
        form.submit(status=303).follow(status=200)
        assert verify_password(user(dbsession, "boss").password_hash, NEW_PASSWORD)
        boss.get("/@@users", status=200)
        sessions = select(func.count()).select_from(LoginSession)
        assert (
            dbsession.scalar(
                sessions.where(LoginSession.user_id == user(dbsession, "boss").id)
            )
            == 1
        )

    @pytest.mark.parametrize("current", ["", "not my password"])
    def test_an_admins_own_new_password_needs_the_current_one(
        self, boss, dbsession, current
    ):
        form = boss.get("/@@users/boss").forms["user-form"]
        form["fullname"] = "Changed"
        form["password"], form["current_password"] = NEW_PASSWORD, current
        page = form.submit(status=400)
        assert field_error(page, "current_password")
        assert page.html.select_one("#field-current_password")["value"] == ""
        boss_row = user(dbsession, "boss")
        assert verify_password(boss_row.password_hash, PASSWORD)
        assert boss_row.fullname == "Big Boss"
        assert_no_secrets(dbsession, page)

    def test_only_ones_own_form_asks_for_the_current_password(self, boss):
        assert "current_password" in boss.get("/@@users/boss").forms["user-form"].fields
        alice_form = boss.get("/@@users/alice").forms["user-form"]
        assert "current_password" not in alice_form.fields

    def test_deactivate(self, boss, dbsession):
        form = boss.get("/@@users/bob").forms["user-form"]
        form["active"] = False
        form.submit(status=303)
        assert user(dbsession, "bob").active is False

    def test_refusals_keep_what_was_typed(self, boss, dbsession):
        form = boss.get("/@@users/alice").forms["user-form"]
        form["fullname"], form["email"] = "Alice Typed", "nope"
        form["password"] = "short"
        page = form.submit(status=400)
        assert field_error(page, "email") == "Not an email address."
        assert page.html.select_one("#field-fullname")["value"] == "Alice Typed"
        assert page.html.select_one("#field-email")["value"] == "nope"
        assert page.html.select_one("#field-password")["value"] == ""
        assert "Nothing was saved" in page.html.select_one('[role="alert"]').text
        assert user(dbsession, "alice").fullname == "Alice A."

    def test_the_last_admin_keeps_their_group_and_stays_active(self, boss, dbsession):
        form = boss.get("/@@users/boss").forms["user-form"]
        check(form, "groups", "admins", False)
        form["active"] = False
        page = form.submit(status=400)
        kept = "The site must keep at least one active admin."
        assert field_error(page, "groups") == kept
        assert field_error(page, "active") == kept
        assert not page.html.select_one("#group-admins").has_attr("checked")
        boss_row = user(dbsession, "boss")
        assert boss_row.is_admin and boss_row.active

    def test_an_unknown_user_is_404(self, boss):
        boss.get("/@@users/nobody", status=404)
        boss.get("/@@users/NO%00BODY", status=404)
        boss.get("/@@users/alice/@@nothing", status=404)
        token = csrf_token(boss)
        boss.post("/@@users/nobody", {"csrf_token": token}, status=404)


class TestDeleteUser:
    def test_asks_first_then_deletes(self, boss, dbsession):
        page = boss.get("/@@users/bob").click("Delete this user")
        assert page.html.h1.text == "Delete the user bob?"
        assert "cannot be undone" in page.text
        response = page.forms["delete-form"].submit(status=303)
        assert response.location == "http://example.com/@@users"
        assert message(response.follow()) == "Deleted user bob."
        assert user(dbsession, "bob") is None

    def test_the_last_admin_stays(self, boss, dbsession):
        page = boss.get("/@@users/boss/@@delete")
        response = page.forms["delete-form"].submit(status=303)
        assert response.location == "http://example.com/@@users/boss"
        shown = response.follow()
        assert shown.html.select_one(".message.error").text == (
            "The site must keep at least one active admin."
        )
        assert user(dbsession, "boss") is not None

    def test_twice_is_404(self, boss, dbsession):
        form = boss.get("/@@users/bob/@@delete").forms["delete-form"]
        form.submit(status=303)
        form.submit(status=404)


# -- the groups ----------------------------------------------------------------


class TestGroupList:
    def test_groups_with_member_counts(self, boss, dbsession):
        ensure_group(dbsession, "empty")
        dbsession.flush()
        page = boss.get("/@@users").click("Groups", index=0)
        rows = {
            row["data-group"]: [cell.text.strip() for cell in row.select("th, td")]
            for row in page.html.select("#groups tbody tr")
        }
        assert rows == {
            "admins": ["admins", "Site administrators", "1"],
            "empty": ["empty", "Empty", "0"],
            "staff": ["staff", "Staff", "1"],
        }


class TestAddGroup:
    def test_add_a_group(self, boss, dbsession):
        form = boss.get("/@@groups").click("Add a group").forms["group-form"]
        form["name"], form["title"] = "writers", "Writers"
        response = form.submit(status=303)
        assert response.location == "http://example.com/@@groups/writers"
        assert message(response.follow()) == "Added group writers."
        assert group(dbsession, "writers").title == "Writers"

    def test_a_bad_name_keeps_what_was_typed(self, boss, dbsession):
        form = boss.get("/@@groups/@@add").forms["group-form"]
        form["name"], form["title"] = "Bad Name!", "My title"
        page = form.submit(status=400)
        assert "a-z" in field_error(page, "name")
        assert page.html.select_one("#field-name")["value"] == "Bad Name!"
        assert page.html.select_one("#field-title")["value"] == "My title"
        assert dbsession.scalar(select(func.count()).select_from(Group)) == 2

    def test_a_taken_name(self, boss):
        form = boss.get("/@@groups/@@add").forms["group-form"]
        form["name"], form["title"] = "staff", "Again"
        page = form.submit(status=409)
        assert field_error(page, "name") == "This name is taken."
        assert page.html.select_one("#field-title")["value"] == "Again"


class TestEditGroup:
    def test_change_the_title(self, boss, dbsession):
        form = boss.get("/@@groups").click("staff").forms["group-form"]
        assert form["title"].value == "Staff"
        form["title"] = "The staff"
        response = form.submit(status=303)
        assert message(response.follow()) == "Saved."
        assert group(dbsession, "staff").title == "The staff"

    def test_a_long_title_keeps_what_was_typed(self, boss, dbsession):
        form = boss.get("/@@groups/staff").forms["group-form"]
        form["title"] = "x" * 201
        page = form.submit(status=400)
        assert field_error(page, "title") == "At most 200 characters."
        assert page.html.select_one("#field-title")["value"] == "x" * 201
        assert group(dbsession, "staff").title == "Staff"

    def test_an_unknown_group_is_404(self, boss):
        boss.get("/@@groups/nothing", status=404)
        token = csrf_token(boss)
        boss.post("/@@groups/nothing", {"csrf_token": token}, status=404)
        boss.post("/@@groups/staff/@@other", {"csrf_token": token}, status=404)


class TestMembers:
    def members(self, page):
        return [row["data-login"] for row in page.html.select("#members tbody tr")]

    def test_the_members_are_listed(self, boss):
        assert self.members(boss.get("/@@groups/staff")) == ["alice"]

    def test_add_a_member_by_login(self, boss, dbsession):
        form = boss.get("/@@groups/staff").forms["add-member-form"]
        form["member"] = "bob"
        response = form.submit(status=303)
        assert response.location == "http://example.com/@@groups/staff"
        page = response.follow()
        assert message(page) == "Added bob to the group."
        assert self.members(page) == ["alice", "bob"]
        assert [g.name for g in user(dbsession, "bob").groups] == ["staff"]

    def test_an_unknown_login_keeps_what_was_typed(self, boss, dbsession):
        form = boss.get("/@@groups/staff").forms["add-member-form"]
        form["member"] = "nobody"
        page = form.submit(status=400)
        assert field_error(page, "member") == "There is no user by this login."
        assert page.html.select_one("#field-member")["value"] == "nobody"

    def test_adding_a_member_twice(self, boss, dbsession):
        form = boss.get("/@@groups/staff").forms["add-member-form"]
        form["member"] = "alice"
        page = form.submit(status=303).follow()
        assert message(page) == "alice is already a member."
        assert self.members(page) == ["alice"]

    def test_remove_a_member(self, boss, dbsession):
        page = boss.get("/@@groups/staff")
        button = page.html.select_one('button[name="remove"][value="alice"]')
        assert button["form"] == "remove-member-form"
        form = page.forms["remove-member-form"]
        response = form.submit("remove", value="alice", status=303)
        page = response.follow()
        assert message(page) == "Removed alice from the group."
        assert self.members(page) == []
        assert user(dbsession, "alice").groups == []

    def test_removing_someone_who_is_no_member(self, boss, dbsession):
        token = csrf_token(boss)
        response = boss.post(
            "/@@groups/staff/@@members",
            {"remove": "bob", "csrf_token": token},
            status=303,
        )
        assert message(response.follow()) == "bob is not a member."

    def test_the_last_admin_stays_in_admins(self, boss, dbsession):
        form = boss.get("/@@groups/admins").forms["remove-member-form"]
        page = form.submit("remove", value="boss", status=303).follow()
        assert message(page) == "The site must keep at least one active admin."
        assert user(dbsession, "boss").is_admin

    def test_an_admin_who_leaves_admins_goes_home(self, boss, dbsession):
        make_user(dbsession, "other", groups=["admins"])
        dbsession.flush()
        form = boss.get("/@@groups/admins").forms["remove-member-form"]
        response = form.submit("remove", value="boss", status=303)
        assert response.location == "http://example.com/"
        assert not user(dbsession, "boss").is_admin


class TestDeleteGroup:
    def test_asks_first_then_deletes(self, boss, dbsession):
        page = boss.get("/@@groups/staff").click("Delete this group")
        assert page.html.h1.text == "Delete the group staff?"
        response = page.forms["delete-form"].submit(status=303)
        assert response.location == "http://example.com/@@groups"
        assert message(response.follow()) == "Deleted group staff."
        assert group(dbsession, "staff") is None
        assert user(dbsession, "alice") is not None

    def test_admins_stays(self, boss, dbsession):
        form = boss.get("/@@groups/admins/@@delete").forms["delete-form"]
        page = form.submit(status=303).follow()
        assert message(page) == "The admins group stays."
        assert group(dbsession, "admins") is not None


# -- valid pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/@@users", "/@@users/@@add", "/@@users/alice", "/@@groups", "/@@groups/staff"],
)
def test_ids_are_unique_and_inputs_labelled(boss, dbsession, path):
    page = boss.get(path)
    ids = [element["id"] for element in page.html.select("[id]")]
    assert len(ids) == len(set(ids))
    for field in page.html.select("input:not([type=hidden]):not([hidden])"):
        assert page.html.select_one(f'label[for="{field["id"]}"]') is not None
    assert not page.html.select("form form")
    assert_no_secrets(dbsession, page)
