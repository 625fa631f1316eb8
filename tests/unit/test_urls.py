"""The URLs the site writes: of nodes, of links to follow, and of redirects."""

import pytest

from cms.urls import came_through_api, link_url, node_url, safe_came_from

PUBLIC = "https://www.example.org"


class TestNodeUrl:
    def test_a_node_and_its_view_and_query(self, make_request):
        request = make_request()
        assert node_url(request, "/about/") == "http://example.com/about/"
        assert (
            node_url(request, "/about/", "@@edit", {"b_size": 10, "q": "a b&c"})
            == "http://example.com/about/@@edit?b_size=10&q=a+b%26c"
        )

    def test_names_that_a_url_cannot_carry_are_encoded(self, make_request):
        url = node_url(make_request(), "/café menu/", "@@view #1")
        assert url == "http://example.com/caf%C3%A9%20menu/@@view%20%231"

    def test_the_public_url_replaces_the_requests_host(self, make_request):
        # As load_settings leaves it: without a trailing slash.
        request = make_request(public_url=PUBLIC + "/")
        assert node_url(request, "/about/") == "https://www.example.org/about/"
        assert node_url(request, "/") == "https://www.example.org/"


class TestCameThroughApi:
    @pytest.mark.parametrize("path", ["/++api++", "/++api++/", "/++api++/about/"])
    def test_the_api_prefix(self, make_request, path):
        assert came_through_api(make_request(path))

    @pytest.mark.parametrize("path", ["/", "/++api++x/", "/about/++api++/", "/api/"])
    def test_anything_else(self, make_request, path):
        assert not came_through_api(make_request(path))

    def test_a_path_that_is_not_utf8(self, make_request):
        # WSGI hands the raw bytes over as latin-1.
        path = b"/++api++/caf\xe9/".decode("latin-1")
        assert came_through_api(make_request(path))
        assert not came_through_api(make_request(path[len("/++api++") :]))


class TestLinkUrl:
    def test_a_client_on_the_api_stays_there(self, make_request):
        request = make_request("/++api++/news/")
        url = link_url(request, "/news/", "@@contents", {"b_after": "3.4"})
        assert url == "http://example.com/++api++/news/@@contents?b_after=3.4"
        # A node's own @id stays canonical.
        assert node_url(request, "/news/") == "http://example.com/news/"

    def test_a_browser_gets_the_plain_url(self, make_request):
        assert link_url(make_request("/news/"), "/news/") == "http://example.com/news/"

    def test_under_the_public_url_too(self, make_request):
        request = make_request("/++api++/", public_url=PUBLIC)
        assert link_url(request, "/") == "https://www.example.org/++api++/"


class TestSafeCameFrom:
    @pytest.mark.parametrize(
        ("target", "expected"),
        [
            ("/about/", "http://example.com/about/"),
            ("/about/?b_size=3#top", "http://example.com/about/?b_size=3#top"),
            ("http://example.com/about/", "http://example.com/about/"),
            ("http://example.com", "http://example.com/"),
            # What a Location header cannot carry is encoded; what is, is kept.
            ("/a b/", "http://example.com/a%20b/"),
            ("/caf%C3%A9/", "http://example.com/caf%C3%A9/"),
        ],
    )
    def test_a_place_on_this_site_is_kept(self, make_request, target, expected):
        assert safe_came_from(make_request(), target) == expected

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "http://example.com.evil.example/",
            "http://example.comevil/",
            "//evil.example/",
            "/\\evil.example/",
            "/about\\..\\",
            "javascript:alert(1)",
            "about/",
            "/about/\r\nSet-Cookie: x=1",
            "/about/\x00",
            "/" + "a" * 2000,
            "",
            None,
            ["/about/"],
        ],
    )
    def test_anywhere_else_leads_home(self, make_request, target):
        assert safe_came_from(make_request(), target) == "http://example.com/"

    def test_behind_a_public_url_both_origins_are_this_site(self, make_request):
        request = make_request(public_url=PUBLIC)
        assert safe_came_from(request, "http://example.com/news/") == (
            "https://www.example.org/news/"
        )
        assert safe_came_from(request, PUBLIC + "/news/") == (
            "https://www.example.org/news/"
        )
        assert safe_came_from(request, "https://evil.example/") == PUBLIC + "/"
