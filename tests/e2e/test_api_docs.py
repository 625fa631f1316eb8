"""``/@@api-docs`` in Chromium: Swagger UI lists the API's operations.

An anonymous reader opens the page, sees the operations of the OpenAPI
document grouped by tag, opens the search operation, tries it against the
site and gets its answer, then reads it on a phone's narrow screen; all
with the site's Content-Security-Policy unchanged: nothing refused, no
script error, no request to another site, and at each step no serious or
critical violation that axe-core finds.
A logged-in user's "Try it out" writes with the session (the page's CSRF
token goes along). The page as served is valid HTML.
"""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, axe_blocking, new_page, nu_errors

#: The search operation at the root (cms/openapi/paths_nodes.py).
SEARCH = "#operations-navigation-searchRoot"
PHONE = {"width": 390, "height": 844}
#: The page's width and the screen's: wider would scroll sideways.
WIDTHS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def watch(page, site):
    """Record console errors, refusals of the policy and foreign requests."""
    seen = {"console": [], "foreign": []}
    page.on(
        "console",
        lambda message: (
            (
                message.type == "error"
                or "Content Security Policy" in message.text
                or "Content-Security-Policy" in message.text
            )
            and seen["console"].append(f"{message.type}: {message.text}")
        ),
    )
    origin = urlsplit(site.url)
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url)[:2] != origin[:2]
            and not request.url.startswith("data:")
            and seen["foreign"].append(request.url)
        ),
    )
    return seen


def test_an_anonymous_reader_sees_and_tries_the_operations(chromium, site, screenshots):
    page = new_page(chromium, site)
    seen = watch(page, site)
    page.goto("/@@api-docs")
    expect(page).to_have_title("API documentation \N{EN DASH} Demo site")
    download = page.locator('a[download][href$="/@@openapi.json"]')
    expect(download).to_be_visible()

    # The document's title, its tags and their operations.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("cms JSON API")
    expect(page.locator(".opblock-tag-section")).to_have_count(10)
    search = page.locator(SEARCH)
    expect(search.locator(".opblock-summary-path")).to_have_text("/@@search")
    assert page.locator(".opblock").count() > 50
    screenshots(page, "operations")
    assert axe_blocking(page) == []
    # The dialog that takes a token.
    page.locator(".scheme-container .btn.authorize").click()
    dialog = page.locator(".modal-ux")
    expect(dialog).to_contain_text("Available authorizations")
    assert axe_blocking(page) == []
    dialog.get_by_role("button", name="Close", exact=True).last.click()
    expect(dialog).to_be_hidden()

    # Opened: its parameters, with the search words first.
    search.locator(".opblock-summary").first.click()
    parameters = search.locator(".parameters tbody tr")
    expect(parameters.first.locator(".parameter__name")).to_contain_text("q")
    assert axe_blocking(page) == []
    # Tried against the site itself.
    search.locator(".try-out__btn").click()
    search.locator('tr[data-param-name="q"] input').fill("welcome")
    search.locator(".execute").click()
    answer = search.locator(".live-responses-table tr.response")
    expect(answer.locator(".response-col_status")).to_have_text("200")
    expect(search.locator(".live-responses-table")).to_contain_text('"items_total"')
    screenshots(page, "search-tried")
    assert axe_blocking(page) == []

    # On a phone, the opened operation and its answer fit the screen's width.
    page.set_viewport_size(PHONE)
    screenshots(page, "search-tried-phone")
    width, screen = page.evaluate(WIDTHS)
    assert width <= screen

    assert page.js_errors == []
    assert seen["console"] == []
    assert seen["foreign"] == []
    page.context.close()


def test_the_page_as_served_is_valid_html(chromium, site):
    page = new_page(chromium, site)
    html = page.request.get("/@@api-docs").body()
    folder = ARTIFACTS / "test_api_docs_html"
    folder.mkdir(parents=True, exist_ok=True)
    assert nu_errors({"api-docs": html}, folder) == []
    page.context.close()


def test_a_logged_in_user_tries_a_write_with_the_session(admin, site):
    """The page's CSRF token goes with "Try it out": a write from the session."""
    admin.goto("/@@api-docs")
    create = admin.locator("#operations-auth-createToken")
    create.locator(".opblock-summary").first.click()
    create.locator(".try-out__btn").click()
    body = create.get_by_role("textbox", name="Request body")
    assert axe_blocking(admin) == []
    body.fill('{"title": "from the docs"}')
    create.locator(".execute").click()
    answer = create.locator(".live-responses-table tr.response")
    expect(answer.locator(".response-col_status")).to_have_text("201")
    expect(answer).to_contain_text('"title": "from the docs"')
    admin.goto("/@@preferences")
    expect(admin.locator("#tokens")).to_contain_text("from the docs")
