"""The rich-text editor in a real browser: it gives back what it was given.

Every body of the corpus (tests/rich_text_corpus.py) is stored through the
API, opened in the edit form and saved unchanged: the stored body must be
the same, byte for byte, and no revision is recorded. Then typing and the
toolbar, the HTML view, and the form without JavaScript.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_PASSWORD, Api, log_in
from tests.e2e.editing import add_page, edit, newest_version, save, toolbar
from tests.rich_text_corpus import CORPUS


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_saving_unchanged_changes_nothing(admin, name):
    api = Api(admin)
    path = add_page(api, name, CORPUS[name])
    before = api.get(path)["body"]
    # As given, but for links to pages of the site, shown at their full URL.
    assert before == CORPUS[name] or '="http://127.0.0.1' in before
    version = newest_version(api, path)
    edit(admin, path)
    save(admin, changed=False)
    assert api.get(path)["body"] == before
    assert newest_version(api, path) == version


def test_the_demo_home_saved_unchanged_changes_nothing(admin):
    api = Api(admin)
    before = api.get("/")["body"]
    assert "<figure>" in before
    version = newest_version(api, "/")
    edit(admin, "/")
    save(admin, changed=False)
    assert api.get("/")["body"] == before
    assert newest_version(api, "/") == version


def test_typing_and_the_toolbar(admin):
    api = Api(admin)
    path = add_page(api, "Typed")
    body = edit(admin, path)
    bar = toolbar(admin)
    # The field's label leads to the editor.
    admin.locator("#label-body").click()
    expect(body).to_be_focused()
    admin.keyboard.type("Title")
    bar.get_by_role("button", name="Heading 3").click()
    expect(bar.get_by_role("button", name="Heading 3")).to_have_attribute(
        "aria-pressed", "true"
    )
    admin.keyboard.press("End")
    admin.keyboard.press("Enter")
    admin.keyboard.type("Plain ")
    bar.get_by_role("button", name="Bold").click()
    expect(bar.get_by_role("button", name="Bold")).to_have_attribute(
        "aria-pressed", "true"
    )
    admin.keyboard.type("bold")
    bar.get_by_role("button", name="Bold").click()
    admin.keyboard.type(" and ")
    bar.get_by_role("button", name="Italic").click()
    bar.get_by_role("button", name="Underline").click()
    admin.keyboard.type("both")
    bar.get_by_role("button", name="Underline").click()
    bar.get_by_role("button", name="Italic").click()
    admin.keyboard.type(" H")
    bar.get_by_role("button", name="Subscript").click()
    admin.keyboard.type("2")
    bar.get_by_role("button", name="Subscript").click()
    admin.keyboard.type("O ")
    # A link to a page of the site, with a title, through the dialog.
    bar.get_by_role("button", name="Link").click()
    dialog = admin.get_by_role("dialog", name="Add a link")
    dialog.get_by_label("Address").fill("javascript:alert(1)")
    dialog.get_by_role("button", name="Apply").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Give an address")
    dialog.get_by_label("Address").fill("/news/")
    dialog.get_by_label("Title").fill("The news")
    dialog.get_by_role("button", name="Apply").click()
    expect(dialog).to_have_count(0)
    admin.keyboard.press("Enter")
    bar.get_by_role("button", name="Bulleted list").click()
    admin.keyboard.type("one")
    admin.keyboard.press("Enter")
    admin.keyboard.type("nested")
    bar.get_by_role("button", name="Indent").click()
    admin.keyboard.press("Enter")
    bar.get_by_role("button", name="Outdent").click()
    admin.keyboard.type("two")
    admin.keyboard.press("Enter")
    admin.keyboard.press("Enter")
    # An image: an empty alternative text needs "decorative".
    bar.get_by_role("button", name="Image").click()
    chooser = admin.get_by_role("dialog", name="Choose an image")
    chooser.get_by_role("button", name="Give an address instead").click()
    dialog = admin.get_by_role("dialog", name="Add an image")
    dialog.get_by_label("Image address").fill("/about/harbour/@@images/thumb")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog.get_by_role("alert")).to_contain_text("decorative")
    dialog.get_by_label("Alternative text", exact=True).fill("The harbour")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog).to_have_count(0)
    bar.get_by_role("button", name="Insert table").click()
    table = admin.get_by_role("group", name="Table")
    expect(table).to_be_visible()
    admin.keyboard.type("Head")
    admin.keyboard.press("Tab")
    table.get_by_role("button", name="Delete column").click()
    table.get_by_role("button", name="Add row below").click()
    bar.get_by_role("button", name="Undo").click()
    save(admin)
    site = admin.url.split("/rt-")[0]
    assert api.get(path)["body"] == (
        "<h3>Title</h3><p>Plain <strong>bold</strong> and <em><u>both</u></em>"
        f' H<sub>2</sub>O <a href="{site}/news/" title="The news"'
        ' rel="noopener noreferrer">/news/</a></p>'
        "<ul><li><p>one</p><ul><li>nested</li></ul></li><li>two</li></ul>"
        f'<p><img src="{site}/about/harbour/@@images/thumb" alt="The harbour"></p>'
        '<table><thead><tr><th scope="col">Head</th><th scope="col"></th></tr>'
        "</thead><tbody><tr><td></td><td></td></tr><tr><td></td><td></td></tr>"
        "</tbody></table>"
    )


def test_the_html_view_round_trips(admin):
    api = Api(admin)
    path = add_page(api, "Source", "<p>Before</p>")
    edit(admin, path)
    source = toolbar(admin).get_by_role("button", name="HTML")
    source.click()
    expect(source).to_have_attribute("aria-pressed", "true")
    textarea = admin.locator("textarea#field-body")
    expect(textarea).to_have_value("<p>Before</p>")
    expect(toolbar(admin).get_by_role("button", name="Bold")).to_be_disabled()
    textarea.fill(
        "<h2>Typed <b>as</b> HTML</h2>\n<table><caption>C</caption><tr>"
        '<th scope="col">a</th></tr></table>'
    )
    source.click()
    expect(admin.get_by_role("textbox", name="Body")).to_contain_text("Typed as HTML")
    source.click()
    expected = (
        "<h2>Typed <strong>as</strong> HTML</h2><table><caption>C</caption>"
        '<tbody><tr><th scope="col">a</th></tr></tbody></table>'
    )
    expect(textarea).to_have_value(expected)
    # Saved from the HTML view: what it shows is what is sent.
    save(admin)
    assert api.get(path)["body"] == expected


def test_without_javascript_the_textarea_saves(admin, chromium, site):
    api = Api(admin)
    path = add_page(api, "No script", "<p>Before</p>")
    context = chromium.new_context(base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "admin", ADMIN_PASSWORD)
    page.goto(f"{path}@@edit")
    expect(page.get_by_role("toolbar")).to_have_count(0)
    textarea = page.get_by_label("Body")
    expect(textarea).to_have_value("<p>Before</p>")
    textarea.fill("<p>Written <i>by hand</i></p>")
    save(page)
    context.close()
    assert api.get(path)["body"] == "<p>Written <em>by hand</em></p>"


def test_leaving_with_changes_not_saved_asks_first(admin):
    api = Api(admin)
    path = add_page(api, "Unsaved words", "<p>First</p>")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    admin.on("dialog", answer)
    try:
        # Nothing typed: leaving does not ask.
        edit(admin, path)
        admin.get_by_role("link", name="History").first.click()
        expect(admin).to_have_url(re.compile("@@history"))
        assert asked == []
        # Words typed in the editor: leaving asks, and staying keeps them.
        body = edit(admin, path)
        body.click()
        admin.keyboard.press("End")
        admin.keyboard.type(" and more")
        admin.get_by_role("link", name="History").first.click()
        expect(body).to_contain_text("First and more")
        assert asked == ["beforeunload"]
        assert "@@edit" in admin.url
        # Saving them does not ask.
        save(admin)
        assert asked == ["beforeunload"]
        assert api.get(path)["body"] == "<p>First and more</p>"
    finally:
        admin.remove_listener("dialog", answer)
