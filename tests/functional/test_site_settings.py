"""``/@@site-settings``: the site's name, logo and footer on every page."""

import pytest

from cms.demo import add_demo_once
from cms.services.site_settings import update_settings
from tests.factories import (
    add_document,
    add_folder,
    bearer,
    browser_as,
    grant,
    make_user,
)
from tests.functional.editor.test_uploads import png

JSON = {"Accept": "application/json"}
URL = "/@@site-settings"


@pytest.fixture
def people(dbsession, root):
    users = {
        "editor": make_user(dbsession, "ed"),
        "manager": make_user(dbsession, "mo"),
        "admin": make_user(dbsession, "al", groups=["admins"]),
    }
    grant(root, users["editor"], "editor")
    grant(root, users["manager"], "manager")
    add_document(root, "page", "A page", body="<p>Text</p>")
    dbsession.flush()
    return {name: {**JSON, **bearer(dbsession, user)} for name, user in users.items()}


def test_anyone_reads_the_defaults(testapp, people):
    assert testapp.get(URL, headers=JSON).json == {
        "title": "My site",
        "description": "",
        "logo": None,
        "footer": "",
        "navigation_depth": 2,
    }


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("editor", 403)])
def test_only_site_managers_change_them(testapp, people, who, status):
    headers = people[who] if who else JSON
    testapp.patch_json(URL, {"title": "Mine"}, headers=headers, status=status)
    assert testapp.get(URL, headers=JSON).json["title"] == "My site"


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_a_site_manager_changes_them(testapp, people, who):
    data = testapp.patch_json(
        URL,
        {"title": "Our club", "navigation_depth": 3, "description": "All about us."},
        headers=people[who],
    ).json
    assert (data["title"], data["navigation_depth"]) == ("Our club", 3)
    assert testapp.get(URL, headers=JSON).json == data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"navigation_depth": 0}, "navigation_depth"),
        ({"navigation_depth": 11}, "navigation_depth"),
        ({"navigation_depth": "2"}, "navigation_depth"),
        ({"navigation_depth": True}, "navigation_depth"),
        ({"title": "x" * 201}, "title"),
        ({"title": 5}, "title"),
        ({"footer": None}, "footer"),
        ({"logo": "not-a-uid"}, "logo"),
        ({"logo": "6f1c2a3e-0000-4000-8000-000000000000"}, "logo"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_values_are_refused_by_name(testapp, people, change, field):
    error = testapp.patch_json(URL, change, headers=people["admin"], status=400).json
    assert [e["field"] for e in error["error"]["errors"]] == [field]
    assert testapp.get(URL, headers=JSON).json["navigation_depth"] == 2


def test_the_title_heads_every_page_and_no_product_name(testapp, people):
    testapp.patch_json(URL, {"title": "Our club"}, headers=people["admin"])
    for url, status in (("/page/", 200), ("/", 200), ("/nope/", 404)):
        page = testapp.get(url, status=status)
        assert page.html.select_one(".site-name").text == "Our club"
        assert "cms" not in page.html.get_text().lower().split()
        assert "Powered by" not in page.text
    assert testapp.get("/page/").html.title.text == "A page \N{EN DASH} Our club"


def test_the_footer_is_sanitized_and_shown(testapp, people):
    footer = '<p>© Us <a href="https://example.org/">us</a></p><script>x()</script>'
    data = testapp.patch_json(URL, {"footer": footer}, headers=people["manager"]).json
    assert "<script" not in data["footer"]
    shown = testapp.get("/page/").html.select_one("footer.site-footer")
    assert shown.select_one("a")["href"] == "https://example.org/"
    assert shown.select_one("script") is None


def test_no_footer_by_default(testapp, people):
    assert testapp.get("/page/").html.select_one("footer") is None


def test_a_page_reads_the_settings_once(testapp, people, count_queries):
    testapp.patch_json(URL, {"footer": "<p>F</p>"}, headers=people["admin"])
    with count_queries() as statements:
        testapp.get("/page/")
    assert sum("site_settings" in sql for sql in statements) == 1


def test_the_logo_shows_when_the_image_may_be_seen(
    testapp, dbsession, root, people, app
):
    admin = browser_as(app, dbsession, "al")
    folder = add_folder(root, "media", "Media")
    dbsession.flush()
    form = admin.get(f"{folder.path}@@upload").forms["upload-form"]
    form["files"] = [("logo.png", png(300, 100))]
    form.submit(status=303)
    uid = admin.get(f"{folder.path}logo.png/", headers=JSON).json["uid"]
    testapp.patch_json(URL, {"logo": uid}, headers=people["admin"])
    # The image is private yet: only those who may see it get it.
    assert testapp.get("/page/").html.select_one(".site-logo") is None
    logo = admin.get("/page/").html.select_one(".site-logo")
    assert logo["src"].endswith("/logo.png/@@images/thumb")
    assert logo["alt"] == "My site"
    assert int(logo["width"]) > 0
    testapp.patch_json(URL, {"logo": None}, headers=people["admin"])
    assert admin.get("/page/").html.select_one(".site-logo") is None


def test_the_demo_names_the_site_and_the_home_page_has_text(
    app, testapp, dbsession, root
):
    add_demo_once(dbsession, root, app.registry["blobstore"])
    dbsession.flush()
    home = testapp.get("/").html
    assert home.select_one(".site-name").text == "Demo site"
    body = home.select_one("article .body")
    assert "Welcome to the demo site" in body.text
    # The home page's text comes before its listing.
    assert home.find_all(["div", "nav"], class_=["body", "contents"])[0] is body
    assert testapp.get(URL, headers=JSON).json["title"] == "Demo site"


def test_a_title_set_before_the_demo_is_kept(app, testapp, dbsession, root):
    update_settings(dbsession, {"title": "Ours"})
    add_demo_once(dbsession, root, app.registry["blobstore"])
    dbsession.flush()
    assert testapp.get(URL, headers=JSON).json["title"] == "Ours"
