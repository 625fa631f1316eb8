"""The sharing page: roles by user and group, search, block inheritance."""

import pytest

from tests.factories import (
    add_document,
    add_folder,
    bearer,
    ensure_group,
    find_user,
    grant,
    make_user,
)

PAGE = "/site/section/@@sharing"


@pytest.fixture
def site(testapp, dbsession, root):
    # A tree of its own: these tests are about who is listed and found, so
    # each principal here is named and placed for them (the shared tree's
    # "admin" user would be found by a search for the admins group).
    site = add_folder(root, "site", "Site")
    section = add_folder(site, "section", "Section")
    add_document(section, "page", "Page", state="private")
    make_user(dbsession, "boss", groups=["admins"])
    grant(site, make_user(dbsession, "mia", fullname="Mia Manager"), "manager")
    grant(site, make_user(dbsession, "ed"), "editor")
    grant(site, make_user(dbsession, "rita"), "reader")
    make_user(dbsession, "olaf", fullname="Olaf Berg", email="olaf@example.org")
    make_user(dbsession, "oldolaf", fullname="Olaf Gone", active=False)
    grant(section, ensure_group(dbsession, "staff"), "reader")
    dbsession.flush()
    return site


@pytest.fixture
def mia(browser_for, site):
    return browser_for("mia")


def stored(testapp, dbsession, path="/site/section/"):
    """The node's sharing as the JSON API tells it (to an admin)."""
    boss = find_user(dbsession, "boss")
    return testapp.get(f"{path}@@sharing", headers=bearer(dbsession, boss)).json


def row(page, principal):
    return page.html.select_one(f'tr[data-principal="{principal}"]')


def box(page, principal, role):
    return row(page, principal).select_one(f'input[data-role="{role}"]')


def csrf(client):
    return client.get("/site/").html.select_one('meta[name="csrf-token"]')["content"]


class TestPage:
    def test_own_and_inherited_roles(self, mia):
        page = mia.get(PAGE)
        assert page.html.h1.text == "Sharing “Section”"
        # Granted here: an editable, ticked box.
        staff = box(page, "group:staff", "reader")
        assert staff.has_attr("checked") and not staff.has_attr("disabled")
        assert staff["name"] == "roles.group:staff"
        assert not box(page, "group:staff", "editor").has_attr("checked")
        # Granted on /site/: ticked, disabled, and a link to where it comes from.
        manager = box(page, "user:mia", "manager")
        assert manager.has_attr("checked") and manager.has_attr("disabled")
        link = row(page, "user:mia").select_one("a.inherited")
        assert link["href"] == "http://example.com/site/"
        assert link.text == "inherited from Site"
        assert "Mia Manager" in row(page, "user:mia").th.text
        assert not page.forms["sharing-form"]["block"].checked

    def test_the_owner_is_marked(self, mia, dbsession, site):
        site["section"].owner_id = find_user(dbsession, "olaf").id
        dbsession.flush()
        owner = row(mia.get(PAGE), "user:olaf")
        assert owner.select_one(".badge.owner").text == "Owner"
        assert not owner.select("input[type=checkbox][checked]")

    def test_html_in_names_stays_text(self, mia, dbsession):
        make_user(dbsession, "mallory", fullname="<b>Mallory</b>")
        dbsession.flush()
        page = mia.get(PAGE, {"q": "mallory"})
        assert "<b>Mallory</b>" not in page.text
        assert row(page, "user:mallory").select_one(".principal-title").text == (
            "<b>Mallory</b>"
        )

    def test_the_json_is_unchanged(self, testapp, dbsession, site):
        headers = bearer(dbsession, find_user(dbsession, "mia"))
        data = testapp.get(PAGE, headers=headers).json
        assert data["entries"] == [{"principal": "group:staff", "roles": ["reader"]}]
        # A form body is no JSON: still refused as before.
        testapp.post(PAGE, {"block": "on"}, headers=headers, status=415)


class TestSave:
    def test_grant_a_found_user(self, mia, testapp, dbsession, browser_for):
        page = mia.get(PAGE, {"q": "olaf"})
        assert "found" in row(page, "user:olaf")["class"]
        form = page.forms["sharing-form"]
        tick(form, "user:olaf", "editor")
        response = form.submit(status=303)
        assert response.location == "http://example.com/site/section/@@sharing"
        page = response.follow()
        assert page.html.select_one(".message").text == "Sharing saved."
        assert box(page, "user:olaf", "editor").has_attr("checked")
        assert {"principal": "user:olaf", "roles": ["editor"]} in stored(
            testapp, dbsession
        )["entries"]
        browser_for("olaf").get("/site/section/@@edit", status=200)

    def test_remove_a_role(self, mia, testapp, dbsession):
        form = mia.get(PAGE).forms["sharing-form"]
        tick(form, "group:staff", "reader", checked=False)
        form.submit(status=303)
        assert stored(testapp, dbsession)["entries"] == []

    def test_block_inheritance(self, browser_for, testapp, dbsession, site):
        rita = browser_for("rita")
        rita.get("/site/section/page/", status=200)
        boss = browser_for("boss")
        form = boss.get(PAGE).forms["sharing-form"]
        form["block"] = True
        page = form.submit(status=303).follow()
        assert page.forms["sharing-form"]["block"].checked
        data = stored(testapp, dbsession)
        assert data["inherit"] is False
        assert data["inherited"] == []
        # Roles from /site/ no longer reach inside: the reader is kept out.
        rita.get("/site/section/page/", status=403)

    def test_locking_oneself_out_keeps_the_form(self, mia, testapp, dbsession):
        """Mia manages through /site/: blocking that is refused, nothing changes."""
        before = stored(testapp, dbsession)
        page = mia.get(PAGE, {"q": "olaf"})
        form = page.forms["sharing-form"]
        form["block"] = True
        tick(form, "user:olaf", "reader")
        response = form.submit(status=400)
        error = response.html.select_one("#sharing-error")
        assert "Nothing was saved." in error.text
        assert "lose your own right to share" in error.text
        # What she chose is still there, to be corrected.
        again = response.forms["sharing-form"]
        assert again["block"].checked
        assert box(response, "user:olaf", "reader").has_attr("checked")
        assert stored(testapp, dbsession) == before

    def test_a_double_submit_is_refused_as_stale(self, mia, testapp, dbsession):
        form = mia.get(PAGE, {"q": "olaf"}).forms["sharing-form"]
        tick(form, "user:olaf", "reader")
        form.submit(status=303)
        response = form.submit(status=409)
        assert "changed the sharing" in response.html.select_one("#sharing-error").text
        assert box(response, "user:olaf", "reader").has_attr("checked")
        entries = stored(testapp, dbsession)["entries"]
        assert {"principal": "user:olaf", "roles": ["reader"]} in entries

    def test_a_stale_form_loses_no_one_elses_change(
        self, mia, browser_for, testapp, dbsession
    ):
        mine = mia.get(PAGE).forms["sharing-form"]
        theirs = browser_for("boss").get(PAGE, {"q": "olaf"})
        other = theirs.forms["sharing-form"]
        tick(other, "user:olaf", "editor")
        other.submit(status=303)
        tick(mine, "group:staff", "reader", checked=False)
        response = mine.submit(status=409)
        assert "Olaf Berg" in response.html.select_one("#sharing-theirs").text
        # What they added is kept in the form; what I changed too.
        assert box(response, "user:olaf", "editor").has_attr("checked")
        assert not box(response, "group:staff", "reader").has_attr("checked")
        entries = stored(testapp, dbsession)["entries"]
        assert {"principal": "user:olaf", "roles": ["editor"]} in entries
        assert {"principal": "group:staff", "roles": ["reader"]} in entries
        response.forms["sharing-form"].submit(status=303)
        entries = stored(testapp, dbsession)["entries"]
        assert entries == [{"principal": "user:olaf", "roles": ["editor"]}]

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"roles.user:nobody": "reader"}, "No such principal: user:nobody."),
            ({"roles.group:staff": "superuser"}, "No such role: superuser."),
            ({"roles.role:manager": "reader"}, "principal: user:<login>"),
        ],
    )
    def test_a_forged_form_is_400_and_changes_nothing(
        self, mia, testapp, dbsession, fields, message
    ):
        before = stored(testapp, dbsession)
        page = mia.get(PAGE)
        body = {
            "csrf_token": csrf(mia),
            "fingerprint": page.forms["sharing-form"]["fingerprint"].value,
            "roles.user:mia": "manager",
            **fields,
        }
        response = mia.post(PAGE, body, status=400)
        assert message in response.html.select_one("#sharing-error").text
        assert stored(testapp, dbsession) == before

    def test_a_form_with_too_many_rows_is_400(self, mia, testapp, dbsession):
        before = stored(testapp, dbsession)
        body = {
            "csrf_token": csrf(mia),
            "fingerprint": mia.get(PAGE).forms["sharing-form"]["fingerprint"].value,
            "principal": [f"user:u{number}" for number in range(501)],
        }
        response = mia.post(PAGE, body, status=400)
        assert "too many" in response.html.select_one("main").text
        assert stored(testapp, dbsession) == before

    def test_a_form_without_its_fingerprint_is_400(self, mia, testapp, dbsession):
        before = stored(testapp, dbsession)
        mia.post(PAGE, {"csrf_token": csrf(mia)}, status=400)
        assert stored(testapp, dbsession) == before

    def test_without_the_csrf_token(self, mia, testapp, dbsession):
        before = stored(testapp, dbsession)
        form = mia.get(PAGE).forms["sharing-form"]
        form["csrf_token"] = ""
        form["block"] = True
        form.submit(status=400)
        assert stored(testapp, dbsession) == before


class TestPermission:
    @pytest.mark.parametrize("login", ["ed", "rita"])
    def test_editors_and_readers_may_not(
        self, browser_for, testapp, dbsession, site, login
    ):
        before = stored(testapp, dbsession)
        other = browser_for(login)
        page = other.get(PAGE, {"q": "olaf"}, status=403)
        assert "Olaf" not in page.text and "staff" not in page.text
        body = {"csrf_token": csrf(other), "fingerprint": "x", "block": "on"}
        other.post(PAGE, body, status=403)
        assert stored(testapp, dbsession) == before

    def test_anonymous_is_sent_to_log_in(self, testapp, dbsession, site):
        response = testapp.get(PAGE, {"q": "olaf"}, status=303)
        assert "/@@login?came_from=" in response.location
        testapp.post(PAGE, {"block": "on"}, status=303)
        assert stored(testapp, dbsession)["inherit"] is True

    def test_a_manager_elsewhere_may_not_share_here(self, browser_for, dbsession, site):
        other = add_folder(site.__parent__, "other", "Other")
        grant(other, make_user(dbsession, "otto"), "manager")
        dbsession.flush()
        browser_for("otto").get(PAGE, status=403)

    def test_an_ancestor_the_sharer_may_not_see_keeps_its_title(
        self, browser_for, dbsession, root
    ):
        secret = add_folder(root, "secret", "Secret plans", state="private")
        inner = add_folder(secret, "inner", "Inner", state="private")
        grant(secret, make_user(dbsession, "spy"), "reader")
        grant(inner, make_user(dbsession, "lena"), "manager")
        dbsession.flush()
        page = browser_for("lena").get("/secret/inner/@@sharing")
        link = row(page, "user:spy").select_one("a.inherited")
        assert link.text == "inherited from /secret/"
        assert "Secret plans" not in page.text


class TestSearch:
    def names(self, page):
        return [tr["data-principal"] for tr in page.html.select("tr.found")]

    def test_by_login_name_group_and_whole_email(self, mia):
        assert self.names(mia.get(PAGE, {"q": "Berg"})) == ["user:olaf"]
        assert self.names(mia.get(PAGE, {"q": "OLAF@example.org"})) == ["user:olaf"]
        # Part of an address finds nobody: addresses are not guessed.
        assert self.names(mia.get(PAGE, {"q": "example.org"})) == []
        page = mia.get(PAGE, {"q": "admin"})
        assert self.names(page) == ["group:admins"]
        assert "group admins" in row(page, "group:admins").th.text

    def test_inactive_and_unknown_accounts_are_not_found(self, mia):
        page = mia.get(PAGE, {"q": "olaf"})
        assert self.names(page) == ["user:olaf"]
        assert "Gone" not in page.text
        page = mia.get(PAGE, {"q": "oldolaf"})
        assert self.names(page) == []
        assert "No user or group matches “oldolaf”." in page.text
        assert "No user or group matches" in mia.get(PAGE, {"q": "nobody"}).text

    def test_wildcards_are_plain_characters(self, mia):
        assert self.names(mia.get(PAGE, {"q": "%"})) == []
        assert self.names(mia.get(PAGE, {"q": "_"})) == []

    def test_principals_in_the_table_are_not_repeated(self, mia):
        page = mia.get(PAGE, {"q": "staff"})
        assert self.names(page) == []
        assert len(page.html.select('tr[data-principal="group:staff"]')) == 1

    def test_results_are_capped(self, mia, dbsession):
        for number in range(25):
            make_user(dbsession, f"temp{number:02d}")
        dbsession.flush()
        page = mia.get(PAGE, {"q": "temp"})
        assert len(self.names(page)) == 20
        assert "More than 20 match" in page.html.select_one("#sharing-found").text

    def test_a_long_query_is_a_message(self, mia):
        page = mia.get(PAGE, {"q": "x" * 101})
        assert "at most 100" in page.html.select_one("#sharing-q-error").text
        assert page.html.select_one("#sharing-q")["value"] == "x" * 101


def tick(form, principal, role, checked=True):
    """Tick (or untick) one role's checkbox in a principal's row."""
    for field in form.fields[f"roles.{principal}"]:
        if field._value == role:
            field.checked = checked
            return
    raise AssertionError(f"no {role} box for {principal}")
