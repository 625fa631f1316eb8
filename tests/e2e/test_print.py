"""A printed page: the content alone, black on white, links spelled out."""

from tests.e2e.conftest import ADMIN_PASSWORD, Api, log_in, new_page

WIDTH = 390
BODY = (
    '<p>Read <a href="https://www.example.org/a/very/long/address/that/goes/on/'
    'and/on/and/on">the report</a> and <a href="#notes">the notes</a>.</p>'
)


def test_a_printed_page(chromium, site, screenshots):
    editor = new_page(chromium, site)
    try:
        log_in(editor, "admin", ADMIN_PASSWORD)
        api = Api(editor)
        api.add("/about/", "Document", "printed", title="Printed", body=BODY)
        api.post("/about/printed/@@workflow", {"transition": "publish"})
    finally:
        editor.context.close()
    context = chromium.new_context(
        base_url=site.url, viewport={"width": WIDTH, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto("/about/printed/")
        page.emulate_media(media="print")
        for hidden in (".search-box", ".site-nav", ".user"):
            assert not page.locator(hidden).is_visible(), hidden
        assert page.locator("main h1").is_visible()
        after = page.evaluate(
            """selector => getComputedStyle(
                document.querySelector(selector), "::after").content"""
        , ".body a[href^='https']")  # fmt: skip
        assert "https://www.example.org/a/very/long/address" in after
        inner = page.evaluate(
            """() => getComputedStyle(
                document.querySelector(".body a[href='#notes']"), "::after").content"""
        )
        assert inner in ("none", "normal")
        colour = page.evaluate("getComputedStyle(document.body).color")
        assert colour == "rgb(0, 0, 0)"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, width
        screenshots(page, "print")
    finally:
        context.close()
