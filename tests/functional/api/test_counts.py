"""``items_total`` of big listings, kept while the site does not change.

With the page cache on (production), a batch after the first counts the
folder's children once per site generation and caller's view; every write
and every schedule moment makes it count again.
"""

import time
from datetime import timedelta

import pytest

from cms.models.meta import utcnow
from tests.factories import add_document, add_folder, bearer, make_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def big(dbsession, root):
    folder = add_folder(root, "big", "Big")
    for number in range(30):
        add_document(folder, f"p{number:02d}")
    add_document(folder, "hidden", state="private")
    dbsession.flush()
    return folder


@pytest.fixture
def admin(dbsession):
    user = make_user(dbsession, "admin", groups=["admins"])
    dbsession.flush()
    return bearer(dbsession, user)


def second_batch(client, headers=JSON):
    first = client.get("/big/?b_size=10", headers=headers).json
    return first["batching"]["next"]


def test_a_count_is_made_once_while_the_site_holds(cached_testapp, big, count_queries):
    url = second_batch(cached_testapp)
    cached_testapp.get(url, headers=JSON)
    with count_queries() as statements:
        data = cached_testapp.get(url, headers=JSON).json
    assert data["items_total"] == 30
    assert not any("count(" in sql.lower() for sql in statements)


def test_each_view_has_its_own_count(cached_testapp, big, admin):
    url = second_batch(cached_testapp)
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 30
    assert cached_testapp.get(url, headers=admin).json["items_total"] == 31
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 30


def test_a_write_counts_again(cached_testapp, big, admin):
    url = second_batch(cached_testapp)
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 30
    cached_testapp.post_json(
        "/big/hidden/@@workflow", {"transition": "publish"}, headers=admin
    )
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 31
    cached_testapp.delete("/big/p29/", headers=admin)
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 30


def test_a_schedule_moment_counts_again(cached_testapp, big, admin, dbsession):
    big["p05"].expires = utcnow() + timedelta(seconds=1.5)
    dbsession.flush()
    url = second_batch(cached_testapp)
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 30
    time.sleep(1.6)
    url = second_batch(cached_testapp)
    assert cached_testapp.get(url, headers=JSON).json["items_total"] == 29
