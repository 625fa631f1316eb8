"""``GET /@@api-docs``: the OpenAPI document presented to people by Swagger UI.

The page is served to anyone, in the site's frame, under the site's
Content-Security-Policy unchanged (no inline script, no style attribute);
Swagger UI's files are served from a URL naming their version, to be kept a
year. ``tests/e2e/test_api_docs.py`` checks that a browser shows the
operations without any refusal of the policy.
"""

from urllib.parse import urlsplit

import pytest

from cms.assets import swagger_ui_version
from cms.headers import CONTENT_SECURITY_POLICY
from tests.factories import bearer, make_user

ONE_YEAR = "max-age=31536000"


def path(url):
    return urlsplit(url).path


@pytest.fixture
def page(testapp, root):
    return testapp.get("/@@api-docs", status=200)


def test_anyone_gets_an_html_page_in_the_sites_frame(page):
    assert page.content_type == "text/html"
    assert page.html.title.text.startswith("API documentation")
    assert page.html.select_one("header.site-header") is not None
    assert page.html.h1.text == "API documentation"


def test_it_is_served_under_the_sites_policy(page):
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    # Nothing the policy would refuse: no inline script, no style attribute.
    assert all(script.get("src") for script in page.html("script"))
    assert page.html.select("[style]") == []
    assert page.html("style") == []


def test_it_links_the_document_for_download(page, testapp):
    link = page.html.select_one('a[download][href$="/@@openapi.json"]')
    assert link is not None
    assert testapp.get(path(link["href"])).json["openapi"].startswith("3.")
    mount = page.html.select_one("#swagger-ui")
    assert path(mount["data-openapi-url"]) == "/@@openapi.json"


def test_it_loads_swagger_ui_by_its_version_then_our_start(page):
    version = swagger_ui_version()
    scripts = [path(script["src"]) for script in page.html("script")]
    assert scripts[-2:] == [
        f"/static-swagger-ui/{version}/swagger-ui-bundle.js",
        "/static/api-docs.js",
    ]
    links = page.html.select('link[rel="stylesheet"]')
    stylesheets = [path(link["href"]) for link in links]
    assert f"/static-swagger-ui/{version}/swagger-ui.css" in stylesheets
    assert "/static/api-docs.css" in stylesheets


def test_the_files_it_names_are_served(page, testapp):
    scripts = [script["src"] for script in page.html("script")]
    links = [link["href"] for link in page.html.select('link[rel="stylesheet"]')]
    for url in scripts + links:
        testapp.get(path(url), status=200)
    bundle = testapp.get(path(scripts[-2]))
    assert "SwaggerUIBundle" in bundle.text
    assert bundle.content_type in ("text/javascript", "application/javascript")
    # Named by its version: kept a year.
    assert bundle.headers["Cache-Control"] == ONE_YEAR


def test_swagger_uis_licence_is_served_beside_it(testapp):
    folder = f"/static-swagger-ui/{swagger_ui_version()}"
    assert "Apache License" in testapp.get(f"{folder}/LICENSE").text
    assert "SmartBear" in testapp.get(f"{folder}/NOTICE").text
    assert testapp.get(f"{folder}/manifest.json").json["license"] == "Apache-2.0"


def test_another_version_is_not_there(testapp, root):
    testapp.get("/static-swagger-ui/0.0.1/swagger-ui-bundle.js", status=404)


def test_a_caller_with_a_token_gets_it_not_cached_for_others(testapp, dbsession, root):
    headers = bearer(dbsession, make_user(dbsession, "alice"))
    page = testapp.get("/@@api-docs", headers={**headers, "Accept": "text/html"})
    assert page.content_type == "text/html"
    assert page.headers["Cache-Control"] == "private, no-cache"


def test_it_has_no_subpages(testapp, root):
    testapp.get("/@@api-docs/more", status=404)


def test_the_document_points_people_to_it(testapp, root):
    document = testapp.get("/@@openapi.json").json
    assert path(document["externalDocs"]["url"]) == "/@@api-docs"
