"""The published site as an anonymous reader (and a crawler) finds it.

The admin builds a small site through the API: sections with pages, a nested
folder, an image, a file, a press folder with items, site settings, and a
few things the public must never see. Then, with no cookies, a crawler
follows every link from ``/`` (and the sitemap, robots.txt and the feeds):
no link is broken, nothing answers 500, nothing private shows. Each kind of
page reached is then checked in Chromium: valid HTML (the Nu checker),
accessible (axe-core), nothing scrolling sideways on a phone, with
screenshots at both widths in ``test-artifacts/e2e/test_public_site/``.
"""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import (
    ADMIN_PASSWORD,
    ARTIFACTS,
    Api,
    Screenshots,
    axe_blocking,
    log_in,
    new_page,
    nu_errors,
    png,
)
from tests.e2e.crawler import ATOM, SITEMAP, crawl, fetch

#: URLs the crawler may fetch at most; reaching it fails the test.
LIMIT = 300
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SETTINGS = {
    "title": "Harbour Walks",
    "description": "Walks along the harbour and the hills above it.",
    "footer": '<p>Harbour Walks. <a href="/guide/start/">Start here</a>.</p>',
}
#: Public pages the site is built with (beside the demo's).
PUBLIC = [
    "/guide/",
    "/guide/start/",
    "/guide/routes/",
    "/guide/routes/coast/",
    "/guide/routes/hills/",
    "/guide/map/",
    "/guide/leaflet/",
    "/press/",
    "/press/opening/",
    "/press/new-route/",
    "/press/winter/",
]
#: What no anonymous answer may contain: the hidden nodes' titles and names.
PRIVATE_MARKERS = [
    "Hush plan zq7",
    "Hush folder zq7",
    "Hush inside zq7",
    "Hush later zq7",
    "hush-plan",
    "hush-folder",
    "hush-later",
]
#: A sitemap's ``lastmod``: a W3C Datetime, to the minute or finer.
W3C_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")
#: Pages no link leads to, with the status they answer.
EXTRA = {
    "/@@search?q=route": 200,
    "/@@search?q=hush": 200,
    "/guide/no-such-page/": 404,
}
#: The kinds of page that must be among those checked.
KINDS = {
    "home",
    "folder",
    "document",
    "document-with-picture",
    "image",
    "file",
    "search",
    "search-none",
}


#: The site built: (parent, type, name, title, other fields), all published
#: but those named in ``PRIVATE``.
TREE = [
    ("/", "Folder", "guide", "Guide", {
        "description": "Where to walk.",
        "body": '<p>Begin with <a href="/guide/start/">the first steps</a> or '
                'look at <a href="/guide/map/">the map</a>.</p>',
    }),
    ("/guide/", "Document", "start", "First steps", {
        "description": "Shoes, water, a plan.", "body": "<p>Bring water.</p>",
    }),
    ("/guide/", "Folder", "routes", "Routes", {}),
    ("/guide/routes/", "Document", "coast", "The coast route plan", {
        "body": "<p>Follow the shore to the lighthouse.</p>",
    }),
    ("/guide/routes/", "Document", "hills", "The hills route", {
        "body": '<p>Steep. See <a href="/guide/leaflet/">the leaflet</a>.</p>',
    }),
    ("/", "Folder", "press", "Press", {"description": "News of the walks."}),
    *[
        ("/press/", "Document", name, title, {
            "description": f"{title}.", "body": f"<p>{title}.</p>",
        })
        for name, title in [
            ("opening", "The harbour path opens"),
            ("new-route", "A new route in the hills"),
            ("winter", "Winter hours"),
        ]
    ],
    # A private page among public ones; a published page in a private folder.
    ("/guide/", "Document", "hush-plan", "Hush plan zq7", {"body": "<p>Not yet.</p>"}),
    ("/", "Folder", "hush-folder", "Hush folder zq7", {}),
    ("/hush-folder/", "Document", "inside", "Hush inside zq7", {}),
    # Published, and scheduled for later.
    ("/press/", "Document", "hush-later", "Hush later zq7", {
        "effective": "2099-01-01T00:00:00+00:00",
    }),
]  # fmt: skip
PRIVATE = {"/guide/hush-plan/", "/hush-folder/"}
#: What anonymous readers may not view: the private nodes and what is inside.
HIDDEN = sorted(PRIVATE | {"/hush-folder/inside/", "/press/hush-later/"})


@pytest.fixture(scope="module")
def public_site(chromium, site):
    page = new_page(chromium, site)
    log_in(page, "admin", ADMIN_PASSWORD)
    api = Api(page)
    before = api.get("/@@site-settings")
    api.patch("/@@site-settings", SETTINGS)
    for parent, type_name, name, title, fields in TREE:
        api.add(parent, type_name, name, title=title, **fields)
    api.upload("/guide/", "Image", "map", "map.png", png(1600, 900), "image/png")
    api.patch("/guide/map/", {"title": "Map of the harbour"})
    # A picture wider than a phone, in a page's text.
    figure = (
        '<figure><img src="/guide/map/@@images/large" alt="The harbour, mapped">'
        "<figcaption>The harbour.</figcaption></figure>"
    )
    api.patch("/guide/start/", {"body": "<p>Bring water.</p>" + figure})
    api.upload("/guide/", "File", "leaflet", "leaflet.txt", b"Walk.\n", "text/plain")
    added = [f"{parent}{name}/" for parent, _, name, *_ in TREE]
    for path in [*added, "/guide/map/", "/guide/leaflet/"]:
        if path not in PRIVATE:
            api.post(f"{path}@@workflow", {"transition": "publish"})
    yield site
    api.patch("/@@site-settings", {key: before[key] for key in SETTINGS})
    page.context.close()


@pytest.fixture(scope="module")
def crawled(public_site):
    starts = ["/", "/robots.txt", "/sitemap.xml", *EXTRA]
    return crawl(public_site.url, starts, LIMIT)


def _path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_crawl_reaches_the_whole_site_within_its_bound(crawled, public_site):
    assert len(crawled) < LIMIT, "the crawl stopped at its bound"
    reached = {_path(url) for url in crawled}
    assert set(PUBLIC) <= reached
    # The feeds the pages announce were read too.
    assert {"/@@feed", "/guide/@@feed", "/press/@@feed"} <= reached


def test_no_link_is_broken_and_nothing_answers_500(crawled):
    broken = {
        _path(url): (answer.status, answer.found_on and _path(answer.found_on))
        for url, answer in crawled.items()
        if answer.status != EXTRA.get(_path(url), 200)
    }
    assert broken == {}


def test_nothing_private_reaches_a_reader(crawled, public_site):
    leaks = {
        _path(url): [marker for marker in PRIVATE_MARKERS if marker in answer.text]
        for url, answer in crawled.items()
    }
    assert {path: found for path, found in leaks.items() if found} == {}
    for path in HIDDEN:
        answer = fetch(public_site.url + path)
        # Not found, or the login form: never the page itself.
        assert answer.status != 200 or "@@login" in answer.hops[-1], path
        assert not any(marker in answer.text for marker in PRIVATE_MARKERS[:3]), path


def test_the_sitemap_and_the_feeds_speak_of_the_served_site(crawled, public_site):
    """What the served documents add to tests/functional/reader's checks:
    absolute URLs of this very site, for every public page."""
    sitemap = crawled[public_site.url + "/sitemap.xml"]
    document = ET.fromstring(sitemap.body)  # noqa: S314 (the site's own answer)
    assert document.tag == SITEMAP + "urlset"
    listed = []
    for url in document:
        loc, lastmod = url.find(SITEMAP + "loc"), url.find(SITEMAP + "lastmod")
        assert loc.text.startswith(public_site.url + "/"), loc.text
        assert W3C_DATETIME.fullmatch(lastmod.text), lastmod.text
        listed.append(_path(loc.text))
    assert set(PUBLIC) | {"/"} <= set(listed)
    feeds = [a for a in crawled.values() if "atom" in a.content_type]
    assert feeds
    for answer in feeds:
        feed = ET.fromstring(answer.body)  # noqa: S314
        assert feed.tag == ATOM + "feed"
        for tag in ("id", "title", "updated"):
            assert feed.find(ATOM + tag).text, (answer.url, tag)
        for entry in feed.findall(ATOM + "entry"):
            for tag in ("id", "title", "updated"):
                assert entry.find(ATOM + tag).text, (answer.url, tag)
            datetime.fromisoformat(entry.find(ATOM + "updated").text)
            href = entry.find(ATOM + "link").get("href")
            assert href.startswith(public_site.url + "/"), href
    press = crawled[public_site.url + "/press/@@feed"].text
    assert press.count("<entry>") == 3


def _kinds(crawled):
    """One page of each kind the crawl reached: ``{kind: Answer}``."""
    kinds = {}
    for url, answer in crawled.items():
        if not answer.is_html() or url != answer.hops[-1]:
            continue
        path = _path(url)
        if path == "/":
            kind = "home"
        elif path == "/@@search?q=hush":
            kind = "search-none"
        elif path == "/guide/start/":
            kind = "document-with-picture"
        elif answer.status == 404:
            kind = "not-found"
        elif match := re.search(r'class="node node-(\w+)"', answer.text):
            kind = match.group(1)
        else:
            # A view of its own, such as the login form: named after it.
            view = urlsplit(url).path.rsplit("@@", 1)[-1]
            kind = re.sub(r"\W+", "-", view).strip("-")
        kinds.setdefault(kind, answer)
    return kinds


@pytest.fixture(scope="module")
def kinds(crawled):
    kinds = _kinds(crawled)
    assert KINDS | {"not-found"} <= set(kinds), sorted(kinds)
    return kinds


def test_every_kind_of_public_page_is_valid_html(kinds, tmp_path):
    pages = {kind: answer.body for kind, answer in kinds.items()}
    assert nu_errors(pages, tmp_path) == []


def test_every_kind_of_public_page_is_accessible_and_fits_a_phone(
    kinds, chromium, public_site
):
    shots = Screenshots(ARTIFACTS / "test_public_site")
    page = new_page(chromium, public_site)
    problems = {}
    try:
        for kind, answer in sorted(kinds.items()):
            found = problems[kind] = []
            page.set_viewport_size(DESKTOP)
            response = page.goto(answer.url)
            if response.status != answer.status:
                found.append(f"status {response.status}")
            found += axe_blocking(page)
            shots(page, f"{kind}-1280")
            page.set_viewport_size(PHONE)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                found.append(f"{_path(answer.url)} is {width} px wide at 390 px")
            found += [v for v in axe_blocking(page) if v not in found]
            shots(page, f"{kind}-390")
            found += page.js_errors
            page.js_errors.clear()
    finally:
        page.context.close()
    assert problems == {kind: [] for kind in kinds}
