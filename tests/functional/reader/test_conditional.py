"""Conditional GETs of the sitemap and of feeds: 304 without the document.

The ETag is a summary of the nodes the document could list (one small
query); it changes whenever a node enters or leaves the document.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest

from cms.services.site_settings import update_settings
from tests.factories import add_document

DOCUMENTS = ["/sitemap.xml", "/news/@@feed"]


def child(node, name):
    return next(each for each in node.children() if each.name == name)


def revalidate(testapp, url, etag):
    return testapp.get(url, headers={"If-None-Match": etag}, status="*")


@pytest.mark.parametrize("url", DOCUMENTS)
def test_a_current_copy_is_answered_304_without_the_document(
    testapp, site, count_queries, url
):
    first = testapp.get(url, status=200)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    with count_queries() as statements:
        again = revalidate(testapp, url, etag)
    assert again.status_int == 304
    assert again.body == b""
    assert again.headers["ETag"] == etag
    # The summary; for a feed, its folder's lineage and the site's title too.
    assert len(statements) == (1 if url == "/sitemap.xml" else 3)
    assert revalidate(testapp, url, '"other"').status_int == 200
    assert revalidate(testapp, url, "W/" + etag).status_int == 304


def changes(dbsession, site):
    """Each change that makes a node enter or leave /news/ (and the sitemap)."""
    news = child(site, "news")
    about = child(site, "about")

    def add():
        add_document(news, "second", "Second")

    def retract():
        child(news, "first").state = "private"

    def publish():
        child(news, "first").state = "published"

    def rename():
        child(news, "first").rename("premier")

    def move_out():
        child(news, "premier").move(about)

    def move_in():
        child(about, "premier").move(news)

    def delete():
        child(news, "premier").delete()

    return [add, retract, publish, rename, move_out, move_in, delete]


@pytest.mark.parametrize("url", DOCUMENTS)
def test_the_etag_changes_when_a_node_enters_or_leaves(testapp, dbsession, site, url):
    etag = testapp.get(url).headers["ETag"]
    for change in changes(dbsession, site):
        change()
        dbsession.flush()
        answer = revalidate(testapp, url, etag)
        assert answer.status_int == 200, change.__name__
        etag = answer.headers["ETag"]
        assert revalidate(testapp, url, etag).status_int == 304, change.__name__


def test_a_feed_changes_with_its_folder_and_the_sites_title(testapp, dbsession, site):
    etag = testapp.get("/news/@@feed").headers["ETag"]
    child(site, "news").title = "Tidings"
    dbsession.flush()
    answer = revalidate(testapp, "/news/@@feed", etag)
    assert answer.status_int == 200
    update_settings(dbsession, {"title": "Another site"})
    dbsession.flush()
    assert revalidate(testapp, "/news/@@feed", answer.headers["ETag"]).status_int == 200


@pytest.mark.parametrize("url", DOCUMENTS)
@pytest.mark.parametrize("moment", ["effective", "expires"])
def test_the_etag_changes_when_a_moment_of_a_schedule_passes(
    testapp, dbsession, site, url, moment
):
    """No row is written when a node enters or leaves by its schedule."""
    soon = datetime.now(UTC) + timedelta(seconds=1)
    setattr(child(child(site, "news"), "first"), moment, soon)
    dbsession.flush()
    etag = testapp.get(url).headers["ETag"]
    assert revalidate(testapp, url, etag).status_int == 304
    time.sleep(max(0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    answer = revalidate(testapp, url, etag)
    assert answer.status_int == 200
    # It entered, or it left.
    assert ("/news/first/" in answer.text) == (moment == "effective")
