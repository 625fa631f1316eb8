"""An editor's day in a real browser, one step after the other.

Each step leaves a screenshot in ``test-artifacts/e2e/test_editor_journey/``.
The steps share one site and one browser session, in order: a step builds
on what the one before it made.
"""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, PASSWORD, log_in, new_page, png


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

    # Edit it with the rich-text editor: a heading, bold text.
    page.get_by_role("link", name="Edit", exact=True).click()
    body = page.get_by_role("textbox", name="Body")
    toolbar = page.get_by_role("toolbar", name="Formatting")
    body.click()
    page.keyboard.type("Hello from the team")
    toolbar.get_by_role("button", name="Heading 2").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("We are ")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.type("glad")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.type(" you came.")
    shot("rich-text-editor")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message")).to_have_text("Saved.")
    expect(page.locator(".body h2")).to_have_text("Hello from the team")
    expect(page.locator(".body strong")).to_have_text("glad")
    shot("page-edited")

    # Publish the page and its folder.
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".toolbar .state")).to_have_text(re.compile("Published"))
    page.goto("/team/")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".toolbar .state")).to_have_text(re.compile("Published"))
    shot("published")

    # Add a second page, then drag it above the first in the folder's contents.
    page.get_by_role("link", name="Add Document").click()
    page.fill("#field-title", "Agenda")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{site.url}/team/agenda/")
    page.goto("/team/@@contents")
    rows = page.locator("#contents-form tbody tr[data-id]")
    expect(rows).to_have_count(2)
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == [
        "welcome",
        "agenda",
    ]
    shot("contents")
    page.drag_and_drop('tr[data-id="agenda"]', 'tr[data-id="welcome"]')
    expect(page.locator("#contents-status")).to_have_text("Moved “Agenda”.")
    page.reload()
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == [
        "agenda",
        "welcome",
    ]
    shot("reordered")

    # Move the page: cut it here, paste it into News.
    page.check("#select-agenda")
    page.click("button[name=action][value=cut]")
    expect(page.locator(".message")).to_have_text("Cut “Agenda”.")
    page.goto("/news/@@contents")
    shot("clipboard")
    page.click("p.clipboard button[name=action][value=paste]")
    expect(page.locator(".message")).to_have_text("Pasted “Agenda”.")
    expect(page.locator('tr[data-id="agenda"]')).to_be_visible()
    page.check("#select-all")
    ticked = page.locator('#contents-form input[name="ids"]:checked')
    expect(ticked).to_have_count(page.locator('input[name="ids"]').count())
    shot("moved")
    page.uncheck("#select-all")
    expect(ticked).to_have_count(0)
    page.goto("/team/agenda/")
    expect(page).to_have_url(f"{site.url}/news/agenda/")

    # Upload an image, and see its sizes.
    page.goto("/team/")
    page.get_by_role("link", name="Upload files").click()
    page.set_input_files(
        "#field-files",
        files=[{"name": "team-photo.png", "mimeType": "image/png", "buffer": png()}],
    )
    shot("upload-chosen")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-summary")).to_contain_text("Added 1 of 1 file.")
    shot("uploaded")
    page.goto("/team/team-photo.png/")
    expect(page.locator("table.scales")).to_be_visible()
    expect(page.locator("figure.image img")).to_be_visible()
    shot("image-page")

    # Share the folder with another user, who may then edit in it.
    page.goto("/team/@@sharing")
    page.fill("#sharing-q", "editor")
    page.locator("main").get_by_role("button", name="Search").click()
    row = page.locator('tr[data-principal="user:editor"]')
    row.locator('input[data-role="editor"]').check()
    shot("sharing-chosen")
    page.click("#sharing-save")
    expect(page.locator(".message")).to_have_text("Sharing saved.")
    shot("shared")
    colleague = new_page(chromium, site)
    log_in(colleague, "editor", PASSWORD)
    colleague.goto("/team/welcome/")
    expect(colleague.locator("nav.toolbar a", has_text="Edit")).to_be_visible()
    screenshots(colleague, "colleague-may-edit")
    colleague.context.close()

    # Revert the page to the version before the rich text, then publish that.
    page.goto("/team/welcome/@@history")
    shot("history")
    page.click("button[form=history-revert][name=version][value='1']")
    expect(page.locator(".message")).to_contain_text("Version 1 is now the draft")
    page.goto("/team/welcome/?version=draft")
    expect(page.locator(".body strong")).to_have_count(0)
    shot("reverted-draft")
    # The draft's banner offers to publish it.
    page.get_by_role("button", name="Publish the draft").click()
    expect(page.locator(".message")).to_contain_text("is now published")
    expect(page.locator(".body strong")).to_have_count(0)
    shot("reverted-published")

    # Log out, and see the site as a reader does.
    page.get_by_role("link", name="Log out").click()
    page.get_by_role("button", name="Log out").click()
    page.goto("/team/welcome/")
    expect(page.locator("h1")).to_have_text("Welcome")
    expect(page.locator("nav.toolbar")).to_have_count(0)
    shot("reader-view")
    # The image was never published: a reader is asked to log in.
    page.goto("/team/team-photo.png/")
    expect(page).to_have_url(re.compile("@@login"))
    assert page.js_errors == []
