"""404 and 403 pages in the site's layout; JSON clients keep their errors."""

import pytest

from cms.services.site_settings import update_settings
from tests.factories import add_document, add_folder, browser, make_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def site(dbsession, root):
    root.state = "published"
    news = add_folder(root, "news", "News")
    add_document(news, "first", "First news")
    add_folder(root, "secret", "Secret section", state="private")
    update_settings(dbsession, {"title": "Field notes"})
    dbsession.flush()
    return root


def search_form(page):
    return page.html.select_one("form.search-instead")


def test_a_missing_page_offers_a_search_for_its_words(testapp, site):
    page = testapp.get("/news/old-storry", status=404)
    assert page.content_type == "text/html"
    assert page.html.title.text == "Page not found \N{EN DASH} Field notes"
    form = search_form(page)
    assert form["action"] == "http://example.com/@@search"
    assert form["method"] == "get"
    assert form.select_one('input[name="q"]')["value"] == "old storry"
    home = page.html.select_one("main a[href='http://example.com/']")
    assert home is not None
    # The search it offers finds the page under its real name.
    results = page.forms[1].submit()
    assert results.request.GET["q"] == "old storry"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/news/old-storry/", "old storry"),
        ("/news/Old_Story.html", "Old Story"),
        ("/news/first/@@no-such-view", "no such view"),
        ("/caf%C3%A9%20menu", "café menu"),
        ("/news/first/2024.v2", "2024 v2"),
        ("/news/---", ""),
    ],
)
def test_the_words_come_from_the_last_segment(testapp, site, path, words):
    page = testapp.get(path, status=404)
    assert search_form(page).select_one('input[name="q"]')["value"] == words


def test_the_page_is_in_the_layout_with_what_the_reader_may_see(testapp, site):
    page = testapp.get("/news/old-storry", status=404)
    assert page.html.select_one(".site-name").text.strip() == "Field notes"
    sections = [a.text for a in page.html.select(".site-nav a")]
    assert "News" in sections
    assert "Secret section" not in page.text


def test_the_words_are_escaped(testapp, site):
    page = testapp.get("/news/%22%3E%3Cscript%3Ex", status=404)
    assert "<script>x" not in page.text
    assert search_form(page).select_one('input[name="q"]')["value"] == "script x"


def test_json_clients_keep_their_404(testapp, site):
    response = testapp.get("/news/old-storry", headers=JSON, status=404)
    assert response.json == {
        "error": {"type": "NotFound", "message": "There is nothing at this address."}
    }
    response = testapp.get("/++api++/news/old-storry", status=404)
    assert response.json["error"]["type"] == "NotFound"


def test_a_forbidden_page_is_in_the_layout(testapp, dbsession, app, site):
    reader = browser(app, dbsession, make_user(dbsession, "rita"))
    page = reader.get("/news/first/@@edit", status=403)
    assert page.content_type == "text/html"
    assert page.html.title.text == "Forbidden \N{EN DASH} Field notes"
    assert page.html.select_one(".site-name").text.strip() == "Field notes"
    assert page.html.select_one("main a[href='http://example.com/']") is not None
    # Nothing is missing here: no search offered for the address.
    assert search_form(page) is None


def test_anonymous_readers_are_asked_to_log_in(testapp, site):
    response = testapp.get("/news/first/@@edit", status=303)
    assert "/@@login?came_from=" in response.location
    response = testapp.get("/news/first/@@edit", headers=JSON, status=401)
    assert response.json["error"]["type"] == "Unauthorized"
