"""A small crawler of a served site, as an anonymous reader's client sees it.

Plain HTTP (no browser, no cookies): it follows every same-origin link of
HTML pages (``<a href>``, ``<link href>``, ``<img src>``/``srcset``,
``<script src>``), the ``<loc>`` of sitemaps, the ``Sitemap:`` of
robots.txt and the links of Atom feeds, up to a bound. Redirects are
followed by hand so that each hop is on record.
"""

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
#: What a browser asks for: HTML first, anything else after.
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: Redirects followed before a link counts as broken.
MAX_HOPS = 5
#: (tag, attribute) pairs whose value is a URL to follow.
LINKING = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")}


@dataclass
class Answer:
    """What a URL answered, after its redirects."""

    url: str
    status: int
    content_type: str
    body: bytes
    #: The URLs answered 3xx on the way, then the one answering *status*.
    hops: list[str] = field(default_factory=list)
    #: The first page that linked here (None for a starting point).
    found_on: str | None = None

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def is_html(self):
        return self.content_type.startswith("text/html")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url):
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def fetch(url, found_on=None):
    """GET *url*, following up to ``MAX_HOPS`` redirects."""
    hops = [url]
    while True:
        status, headers, body = _get(hops[-1])
        location = headers.get("Location")
        if not (300 <= status < 400 and location) or len(hops) > MAX_HOPS:
            break
        hops.append(urljoin(hops[-1], location))
    return Answer(url, status, headers.get("Content-Type", ""), body, hops, found_on)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in LINKING:
                self.found.append(value)
            elif value and name == "srcset" and tag in ("img", "source"):
                self.found += [part.split()[0] for part in value.split(",") if part]


def links(answer):
    """The URLs *answer* links to, absolute, without fragments."""
    base = answer.hops[-1]
    if answer.is_html():
        parser = _Links()
        parser.feed(answer.text)
        found = parser.found
    elif answer.content_type.startswith("text/plain"):
        # robots.txt names the sitemap.
        found = [
            line.split(":", 1)[1].strip()
            for line in answer.text.splitlines()
            if line.lower().startswith("sitemap:")
        ]
    elif "xml" in answer.content_type:
        document = ET.fromstring(answer.body)  # noqa: S314 (the site's own answer)
        found = [loc.text for loc in document.iter(SITEMAP + "loc")]
        found += [link.get("href") for link in document.iter(ATOM + "link")]
    else:
        found = []
    return [urldefrag(urljoin(base, url.strip())).url for url in found if url]


def crawl(origin, starts, limit):
    """Every same-origin URL reached from *starts*: ``{url: Answer}``.

    Stops after *limit* URLs; the caller checks the bound was not reached.
    """
    netloc = urlsplit(origin).netloc
    answers = {}
    queue = deque((urljoin(origin, start), None) for start in starts)
    while queue and len(answers) < limit:
        url, found_on = queue.popleft()
        if url in answers:
            continue
        answer = answers[url] = fetch(url, found_on)
        if answer.status != 200:
            continue
        for hop in answer.hops[1:]:
            answers.setdefault(hop, answer)
        for link in links(answer):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") and parts.netloc == netloc:
                queue.append((link, url))
    return answers
