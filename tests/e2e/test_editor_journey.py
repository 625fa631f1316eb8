"""An editor's day in a real browser, one step after the other.

Each step leaves a screenshot in ``test-artifacts/e2e/test_editor_journey/``.
The steps share one site and one browser session, in order: a step builds
on what the one before it made.
"""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, log_in, new_page


def test_editor_journey(chromium, site, screenshots):
    page = new_page(chromium, site)
    shot = lambda name: screenshots(page, name)  # noqa: E731

    # Log in.
    log_in(page, "admin", ADMIN_PASSWORD)
    shot("logged-in")

    # Add a folder, then a page in it.
    page.get_by_role("link", name="Add Folder").click()
    page.fill("#field-title", "Team")
    shot("add-folder-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{site.url}/team/")
    expect(page.locator("h1")).to_have_text("Team")
    page.get_by_role("link", name="Add Document").click()
    page.fill("#field-title", "Welcome")
    page.fill("#field-description", "Who we are.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{site.url}/team/welcome/")
    shot("page-added")

    # Publish the page and its folder.
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".toolbar .state")).to_have_text(re.compile("Published"))
    page.goto("/team/")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".toolbar .state")).to_have_text(re.compile("Published"))
    shot("published")

    # Log out, and see the site as a reader does.
    page.get_by_role("link", name="Log out").click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/team/welcome/")
    expect(page.locator("h1")).to_have_text("Welcome")
    expect(page.locator("nav.toolbar")).to_have_count(0)
    shot("reader-view")
    assert page.js_errors == []
