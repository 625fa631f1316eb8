"""The sweep: crawl everything a caller can reach and look for hidden markers.

Every node carries a unique marker (title, description, body). Starting at
the root, follow every link of every page, ask for the JSON of every node
found and its side views, try every door we know of for every marker, and
assert that no marker of a node the caller may not view ever appears, in a
body or a header.
"""

from urllib.parse import urljoin, urlsplit

import pytest

# Every test here runs without and with the anonymous page cache.
from tests.functional.security.caching import app_without_and_with_the_cache  # noqa: F401
from tests.functional.security.site import ORACLE, SPECS, marker

SIDE_VIEWS = ("@@breadcrumbs", "@@navigation", "@@workflow", "@@sharing")
SITE_WIDE = (
    "/sitemap.xml",
    "/robots.txt",
    "/@@feed",
    "/@@users",
    "/@@groups",
    "/@@tokens",
)
MAX_PAGES = 600


def internal_links(response):
    if response.content_type != "text/html":
        return []
    links = []
    for tag in response.html.find_all(["a", "link", "form"]):
        href = tag.get("href") or tag.get("action")
        if href:
            url = urljoin(response.request.url, href)
            if urlsplit(url).netloc == "example.com":
                links.append(url.split("#")[0])
    return links


def crawl(client, headers):
    seen, queue, responses = set(), ["http://example.com/"], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers=headers, expect_errors=True)
        responses.append(response)
        queue.extend(link for link in internal_links(response) if link not in seen)
    return seen, responses


@pytest.mark.parametrize("caller", [None, "reader", "owner"])
def test_no_hidden_marker_anywhere(site, caller):
    client = site.browsers[caller]
    html_headers = {"Accept": "text/html"}
    json_headers = site.json_headers[caller]
    seen, responses = crawl(client, html_headers)
    # Every node, found or not: its page, JSON, API URL and side views.
    for path in SPECS:
        for url in (path, "/++api++" + path, *(path + view for view in SIDE_VIEWS)):
            responses.append(client.get(url, headers=html_headers, expect_errors=True))
            responses.append(client.get(url, headers=json_headers, expect_errors=True))
        for query in ("?b_size=1", "?b_size=1000", "?version=draft"):
            responses.append(
                client.get(path + query, headers=json_headers, expect_errors=True)
            )
    for path in SITE_WIDE:
        responses.append(client.get(path, expect_errors=True))
        responses.append(client.get(path, headers=json_headers, expect_errors=True))
    hidden = ORACLE.hidden_markers(caller)
    assert hidden, "the site must hide something from this caller"
    # A search page shows the words it was asked for (in its links and their
    # Link header too): those are the caller's own, not the node's. What it
    # found is checked instead: nothing.
    searches = []
    for path in SPECS:
        mark = marker(path)
        for url in (f"/@@search?q={mark}", f"/@@search?SearchableText={mark}"):
            page = client.get(url, expect_errors=True)
            searches.append((mark, page))
            data = client.get(url, headers=json_headers, expect_errors=True)
            searches.append((mark, data))
            if mark in hidden and "q=" in url:
                assert page.html.select(".search-result") == []
                assert data.json["items"] == [] and data.json["items_total"] == 0
    for response in responses:
        assert response.status_int < 500, response.request.url
        text = response.text + str(response.headerlist)
        for mark in hidden:
            assert mark not in text, f"{mark} leaked at {response.request.url}"
    for asked, response in searches:
        assert response.status_int < 500, response.request.url
        text = (response.text + str(response.headerlist)).replace(asked, "")
        for mark in hidden:
            assert mark not in text, f"{mark} leaked at {response.request.url}"
    # The crawl really went somewhere: every node the caller may view.
    reachable = {urlsplit(url).path for url in seen}
    for path in SPECS:
        if ORACLE.may(caller, path, "view") and ORACLE.may(caller, "/", "view"):
            parent_chain_visible = all(
                ORACLE.may(caller, p, "view") for p in SPECS if path.startswith(p)
            )
            if parent_chain_visible:
                assert path in reachable, f"{path} not reached by {caller}"
