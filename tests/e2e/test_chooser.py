"""The rich-text editor's chooser, in a real browser: images and links of the site.

An image is uploaded on the spot into a folder the editor browses to, or
found by searching; a page is linked through the chooser. Both are stored
by uid, so that after their folder is renamed the page still shows the
picture and its link still leads to the page. The toolbar is one stop of
the Tab key, its buttons reached with the arrow keys.
"""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import Api, axe_blocking, png
from tests.e2e.editing import add_page, edit, save, toolbar


def open_image_chooser(page):
    toolbar(page).get_by_role("button", name="Image").click()
    chooser = page.get_by_role("dialog", name="Choose an image")
    expect(chooser.locator(".chooser-item").first).to_be_visible()
    return chooser


def shown_after_more(dialog, name):
    """The chooser's button *name*, asking for more items until it shows.

    The session's site holds what the other tests added, in any order: an
    item may be past the first batch of the root's children.
    """
    wanted = dialog.get_by_role("button", name=name)
    more = dialog.get_by_role("button", name="Show more")
    expect(dialog.locator(".chooser-title").first).to_be_visible()
    for _ in range(40):
        if wanted.count():
            return wanted
        if not more.is_visible():
            break
        shown = dialog.locator(".chooser-title").count()
        more.click()
        expect(dialog.locator(".chooser-title")).not_to_have_count(shown)
    return wanted


def shown_width(page, selector):
    """The width of the picture as the browser decoded it (0: not loaded)."""
    locator = page.locator(selector)
    expect(locator).to_be_visible()
    page.wait_for_function(
        "s => document.querySelector(s).complete", arg=selector, timeout=10_000
    )
    return page.eval_on_selector(selector, "img => img.naturalWidth")


def test_an_image_uploaded_on_the_spot(admin, tmp_path, screenshots):
    api = Api(admin)
    api.add("/", "Folder", "ch-photos", title="Photos")
    path = add_page(api, "Chooser upload")
    edit(admin, path)
    chooser = open_image_chooser(admin)
    # It opens on the page's folder: here the site's top.
    expect(chooser.locator("[aria-current]")).to_have_text("Home")
    shown_after_more(chooser, "Open Photos").click()
    expect(chooser.locator("[aria-current]")).to_have_text("Photos")
    expect(chooser.get_by_role("status")).to_have_text("No images here.")
    expect(chooser.get_by_role("heading", name="Upload a new image into Photos"))
    screenshots(admin, "chooser")
    assert axe_blocking(admin) == []
    # What is not a picture is refused, in words, and nothing is made.
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    chooser.get_by_label("Picture file").set_input_files(text)
    chooser.get_by_role("button", name="Upload").click()
    expect(chooser.get_by_role("alert")).to_contain_text("Not an image")
    assert api.get("/ch-photos/")["items"] == []
    picture = tmp_path / "boats.png"
    picture.write_bytes(png(800, 600))
    chooser.get_by_label("Picture file").set_input_files(picture)
    chooser.get_by_role("button", name="Upload").click()
    details = admin.get_by_role("dialog", name="Add an image")
    expect(details).to_contain_text("boats.png")
    size = details.get_by_label("Size")
    expect(size).to_have_value("preview")
    expect(size.locator("option")).to_have_text(
        ["Small (128 × 96)", "Medium (400 × 300)", "Original (800 × 600)"]  # noqa: RUF001
    )
    screenshots(admin, "details")
    assert axe_blocking(admin) == []
    details.get_by_role("button", name="Insert").click()
    expect(details.get_by_role("alert")).to_contain_text("decorative")
    details.get_by_label("Alternative text", exact=True).fill("Boats in the harbour")
    details.get_by_role("button", name="Insert").click()
    expect(details).to_have_count(0)
    save(admin)
    [image] = api.get("/ch-photos/")["items"]
    assert image["@type"] == "Image"
    assert (
        f'<img src="{image["@id"]}@@images/preview" alt="Boats in the harbour">'
        in (api.get(path)["body"])
    )
    admin.goto(path)
    assert shown_width(admin, ".body img") == 400


def test_a_chosen_image_and_link_survive_a_rename(admin, screenshots):
    api = Api(admin)
    api.add("/", "Folder", "ch-a", title="Chooser folder")
    api.post(
        "/ch-a/",
        multipart={
            "@type": "Image",
            "id": "sunset",
            "title": "Sunset over the bay",
            "file": {"name": "sunset.png", "mimeType": "image/png", "buffer": png()},
        },
    )
    api.add("/ch-a/", "Document", "target", title="Link target page")
    path = add_page(api, "Chooser links")
    body = edit(admin, path)
    body.click()
    # An image found by searching, shown small, with a caption.
    chooser = open_image_chooser(admin)
    chooser.get_by_label("Search the site's images").fill("sunset")
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.locator(".chooser-title")).to_have_text(["Sunset over the bay"])
    chooser.get_by_role("button", name="Choose Sunset over the bay").click()
    details = admin.get_by_role("dialog", name="Add an image")
    details.get_by_label("Size").select_option("thumb")
    details.get_by_label("Decorative").check()
    expect(details.get_by_label("Alternative text", exact=True)).to_be_disabled()
    details.get_by_label("Caption").fill("The bay at dusk")
    details.get_by_role("button", name="Insert").click()
    expect(details).to_have_count(0)
    # Typing goes on below the figure. A link to a page found by
    # browsing reads as the page's title.
    admin.keyboard.type("Read ")
    toolbar(admin).get_by_role("button", name="Link").click()
    link = admin.get_by_role("dialog", name="Add a link")
    link.get_by_role("button", name="Choose a page of this site").click()
    pages = admin.get_by_role("dialog", name="Choose a page")
    # The session's site holds what other tests added: the folder may be
    # past the first batch of the root's children.
    shown_after_more(pages, "Open Chooser folder").click()
    expect(pages.locator("[aria-current]")).to_have_text("Chooser folder")
    pages.get_by_role("button", name="Choose Link target page").click()
    expect(pages).to_have_count(0)
    expect(link.get_by_label("Address")).to_have_value(re.compile(r"/ch-a/target/$"))
    link.get_by_role("button", name="Apply").click()
    save(admin)
    stored = api.get(f"{path}@@history")  # saved: a revision was recorded
    assert stored["items"]
    # The folder is renamed: the page shows the picture and the link anew.
    api.post("/ch-a/@@move", {"to": "/", "id": "ch-b"})
    admin.goto(path)
    screenshots(admin, "after-rename")
    image = admin.locator(".body figure img")
    expect(image).to_have_attribute("src", re.compile(r"/ch-b/sunset/@@images/thumb$"))
    expect(image).to_have_attribute("alt", "")
    expect(admin.locator(".body figcaption")).to_have_text("The bay at dusk")
    assert shown_width(admin, ".body figure img") == 128
    admin.get_by_role("link", name="Link target page").click()
    expect(admin).to_have_url(re.compile(r"/ch-b/target/$"))
    expect(admin.get_by_role("heading", level=1)).to_have_text("Link target page")


def test_the_toolbar_is_one_tab_stop_with_arrow_keys(admin):
    api = Api(admin)
    path = add_page(api, "Chooser keys")
    body = edit(admin, path)
    bar = toolbar(admin)
    admin.get_by_label("Description").focus()
    admin.keyboard.press("Tab")
    first = bar.get_by_role("button", name="Paragraph")
    expect(first).to_be_focused()
    # One stop: the next Tab is the text, the one before the toolbar again.
    admin.keyboard.press("Tab")
    expect(body).to_be_focused()
    admin.keyboard.press("Shift+Tab")
    expect(first).to_be_focused()
    admin.keyboard.press("ArrowRight")
    expect(bar.get_by_role("button", name="Heading 2")).to_be_focused()
    admin.keyboard.press("End")
    expect(bar.get_by_role("button", name="HTML")).to_be_focused()
    admin.keyboard.press("ArrowRight")
    expect(first).to_be_focused()
    admin.keyboard.press("ArrowLeft")
    expect(bar.get_by_role("button", name="HTML")).to_be_focused()
    # The toolbar is one stop: Tab leaves it for the text, and back.
    admin.keyboard.press("Tab")
    expect(body).to_be_focused()
    admin.keyboard.press("Shift+Tab")
    expect(bar.get_by_role("button", name="HTML")).to_be_focused()
    # The image chooser by keyboard alone: opened, searched, closed.
    admin.keyboard.press("Home")
    for _ in range(40):
        if admin.evaluate("document.activeElement.textContent") == "Image":
            break
        admin.keyboard.press("ArrowRight")
    admin.keyboard.press("Enter")
    chooser = admin.get_by_role("dialog", name="Choose an image")
    expect(chooser.get_by_label("Search the site's images")).to_be_focused()
    # A word of this image alone: other tests of the session's site add
    # images of the harbour too.
    admin.keyboard.type("dawn")
    admin.keyboard.press("Enter")
    expect(chooser.locator(".chooser-title")).to_have_text(["The harbour at dawn"])
    admin.keyboard.press("Escape")
    expect(chooser).to_have_count(0)
    expect(body).to_be_focused()


def test_the_chooser_fits_a_phone(admin, screenshots):
    api = Api(admin)
    path = add_page(api, "Chooser phone")
    admin.set_viewport_size({"width": 390, "height": 844})
    try:
        edit(admin, path)
        chooser = open_image_chooser(admin)
        shown_after_more(chooser, "Open About us").click()
        expect(chooser.locator(".chooser-title")).to_contain_text(
            ["The harbour at dawn"]
        )
        screenshots(admin, "chooser-390")
        sizes = chooser.evaluate(
            "d => [d.scrollWidth, d.clientWidth, d.getBoundingClientRect().right]"
        )
        assert sizes[0] <= sizes[1] and sizes[2] <= 390, sizes
        chooser.get_by_role("button", name="Choose The harbour at dawn").click()
        details = admin.get_by_role("dialog", name="Add an image")
        screenshots(admin, "details-390")
        width = details.evaluate("d => d.getBoundingClientRect().right")
        assert width <= 390
        details.get_by_role("button", name="Cancel").click()
    finally:
        admin.set_viewport_size({"width": 1280, "height": 900})
