"""The reader's pages on a phone: 390 px wide, nothing scrolls sideways."""

WIDTH = 390


def test_navigation_fits_a_phone(chromium, site, screenshots):
    context = chromium.new_context(
        base_url=site.url, viewport={"width": WIDTH, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto("/")
        sections = page.locator(".site-nav .nav-level-1 > li > a")
        paths = ["/"] + [link.get_attribute("href") for link in sections.all()]
        # A page inside a section: the navigation opens down there.
        for section in paths[1:]:
            page.goto(section)
            inner = page.locator(".site-nav .nav-level-2 a")
            if inner.count():
                paths.append(inner.last.get_attribute("href"))
                break
        assert len(paths) > len(sections.all()) + 1, "no section has pages"
        for path in paths:
            page.goto(path)
            assert page.locator('.site-nav a[aria-current="page"]').count() == (
                0 if path == "/" else 1
            ), path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= WIDTH, (path, width)
            screenshots(page, "narrow")
    finally:
        context.close()


def test_a_missing_page_fits_a_phone(chromium, site, screenshots):
    context = chromium.new_context(
        base_url=site.url, viewport={"width": WIDTH, "height": 844}
    )
    page = context.new_page()
    try:
        assert page.goto("/about/old-storry").status == 404
        assert page.input_value("#search-instead-q") == "old storry"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, width
        screenshots(page, "not-found")
    finally:
        context.close()
