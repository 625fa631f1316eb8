"""/sitemap.xml and /robots.txt: every public node, and nothing else."""

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from cms.models import Node
from cms.security.visibility import public, public_nodes
from cms.workflow import is_public
from tests.factories import add_document, add_folder

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://example.com"
#: What the reader fixture publishes where the public may see it.
PUBLIC = [
    "/",
    "/about/",
    "/about/history/",
    "/about/team/",
    "/about/team/alice/",
    "/news/",
    "/news/first/",
]


def urls(response):
    """The ``loc`` of a ``<urlset>``, checked against the protocol."""
    assert response.content_type == "application/xml"
    document = ET.fromstring(response.body)  # noqa: S314 (the site's own answer)
    assert document.tag == SM + "urlset"
    locations = []
    for url in document:
        assert url.tag == SM + "url"
        assert [child.tag for child in url] == [SM + "loc", SM + "lastmod"]
        loc, lastmod = url
        assert loc.text.startswith(BASE + "/")
        # W3C Datetime with a time zone.
        assert lastmod.text[10] == "T" and lastmod.text.endswith("+00:00")
        locations.append(loc.text[len(BASE) :])
    return locations


def test_the_sitemap_lists_every_public_node_and_nothing_else(testapp, site):
    assert sorted(urls(testapp.get("/sitemap.xml"))) == PUBLIC


def test_the_sitemap_is_the_same_for_everyone(testapp, dbsession, site, owner):
    from tests.factories import bearer

    response = testapp.get("/sitemap.xml", headers=bearer(dbsession, owner))
    assert sorted(urls(response)) == PUBLIC


def test_the_sql_rule_agrees_with_the_lineage_rule(dbsession, site):
    nodes = dbsession.scalars(select(Node)).all()
    expected = sorted(node.path for node in nodes if is_public(node))
    found = dbsession.scalars(select(Node.path).where(public())).all()
    # The walk from the top that search uses is the same rule.
    walked = dbsession.scalars(select(Node.path).where(public_nodes())).all()
    assert sorted(found) == sorted(walked) == expected == PUBLIC


def test_a_private_root_hides_everything(testapp, dbsession, site):
    site.state = "private"
    dbsession.flush()
    assert urls(testapp.get("/sitemap.xml")) == []


def test_walk_skips_hidden_subtrees_across_batches(
    testapp, dbsession, site, monkeypatch
):
    import cms.reader.sitemap

    hidden = add_folder(site, "hidden", state="private")
    for number in range(7):
        add_document(hidden, f"p{number}")
    shown = add_folder(site, "shown")
    for number in range(5):
        add_document(shown, f"p{number}")
    dbsession.flush()
    monkeypatch.setattr(cms.reader.sitemap, "WALK_BATCH", 3)
    monkeypatch.setattr(cms.reader.sitemap.public_entries, "__defaults__", (3,))
    found = urls(testapp.get("/sitemap.xml"))
    assert found == sorted(found)
    expected = PUBLIC + ["/shown/"] + [f"/shown/p{n}/" for n in range(5)]
    assert sorted(found) == sorted(expected)


def test_many_urls_make_an_index_of_valid_parts(app, testapp, site, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "cms.sitemap_part_size", 3)
    index = testapp.get("/sitemap.xml")
    document = ET.fromstring(index.body)  # noqa: S314 (the site's own answer)
    assert document.tag == SM + "sitemapindex"
    parts = [entry.find(SM + "loc").text for entry in document]
    assert all(entry.tag == SM + "sitemap" for entry in document)
    assert parts == [f"{BASE}/sitemap.xml?part={n}" for n in (1, 2, 3)]
    found = []
    for part in parts:
        locations = urls(testapp.get(part[len(BASE) :]))
        assert 1 <= len(locations) <= 3
        found += locations
    assert found == sorted(PUBLIC)
    testapp.get("/sitemap.xml?part=4", status=404)
    testapp.get("/sitemap.xml?part=0", status=404)


def test_robots_txt_names_the_sitemap(testapp, site):
    response = testapp.get("/robots.txt")
    assert response.content_type == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


@pytest.mark.parametrize("url", ["/about/sitemap.xml", "/about/robots.txt"])
def test_only_the_root_has_them(testapp, site, url):
    testapp.get(url, status=404)
