"""The site managers' page of the site's settings: a plain form."""

import pytest

from tests.factories import browser_as, grant, make_user

URL = "/@@site-settings"


@pytest.fixture
def people(dbsession, root):
    grant(root, make_user(dbsession, "boss"), "manager")
    grant(root, make_user(dbsession, "ed"), "editor")
    dbsession.flush()


@pytest.fixture
def boss(app, dbsession, people, testapp):
    return browser_as(app, dbsession, "boss")


def test_managers_find_the_page_in_the_header(boss):
    link = boss.get("/").html.find("a", string="Site settings")
    assert link["href"] == "http://example.com/@@site-settings"


def test_editors_get_neither_link_nor_page(app, dbsession, people, testapp):
    ed = browser_as(app, dbsession, "ed")
    assert ed.get("/").html.find("a", string="Site settings") is None
    ed.get(URL, status=403)


def test_the_form_saves_and_the_header_shows_it(boss, testapp):
    form = boss.get(URL).forms["site-settings-form"]
    assert form["title"].value == "My site"
    form["title"] = "Our club"
    form["footer"] = "<p>Contact us</p><script>x()</script>"
    form["navigation_depth"] = "4"
    page = form.submit(status=303).follow()
    assert "The site settings are saved." in page.text
    assert page.forms["site-settings-form"]["navigation_depth"].value == "4"
    home = testapp.get("/").html
    assert home.select_one(".site-name").text == "Our club"
    assert home.select_one("footer").decode_contents() == "<p>Contact us</p>"


@pytest.mark.parametrize(
    ("field", "value"),
    [("navigation_depth", "0"), ("navigation_depth", "two"), ("logo", "nope")],
)
def test_errors_show_beside_their_field(boss, field, value):
    form = boss.get(URL).forms["site-settings-form"]
    form["title"] = "Kept"
    form[field] = value
    page = form.submit(status=400)
    assert page.html.select_one(f"#error-{field}").text
    assert page.html.select_one(f"#field-{field}")["aria-invalid"] == "true"
    assert page.forms["site-settings-form"]["title"].value == "Kept"


def test_without_the_csrf_token_nothing_is_saved(boss, testapp):
    boss.post(URL, {"title": "Stolen"}, status=400)
    assert (
        testapp.get(URL, headers={"Accept": "application/json"}).json["title"]
        == "My site"
    )


def test_anonymous_visitors_are_sent_to_log_in(testapp, people):
    response = testapp.get(URL, status=303)
    assert response.location.startswith("http://example.com/@@login?came_from=")
