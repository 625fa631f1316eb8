"""Concurrent writers on a real database (committed transactions, threads).

Two editors PATCH with the same If-Match: exactly one wins, the other gets
412. Many writers at once on SQLite never die of "database is locked": write
requests begin with BEGIN IMMEDIATE and wait their turn.
"""

import threading

import pytest
import webtest

import cms
from cms.scripts import initialize_db
from tests.sites import SECRET

WRITERS = 8


@pytest.fixture
def site(scratch_url, ini_file, tmp_path, monkeypatch):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "the admin's passphrase")
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    app = cms.main(
        {},
        **{
            "sqlalchemy.url": scratch_url,
            "cms.secret": SECRET,
            "cms.blob_dir": str(tmp_path / "blobs"),
            "cms.login_slowdown": "0",
        },
    )
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    token = client.post_json(
        "/@@login", {"login": "admin", "password": "the admin's passphrase"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    client.post_json("/", {"@type": "Folder", "id": "f", "title": "F"}, headers=headers)
    yield app, headers
    app.registry["dbengine"].dispose()


def run_together(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_patches_with_the_same_if_match_one_wins(site):
    app, headers = site
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    etag = client.get("/f/", headers=headers).headers["ETag"]

    def patch(index):
        own = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        response = own.patch_json(
            "/f/",
            {"title": f"Writer {index}"},
            headers={**headers, "If-Match": etag},
            expect_errors=True,
        )
        return response.status_int

    statuses = run_together(WRITERS, patch)
    assert sorted(statuses) == [200] + [412] * (WRITERS - 1)
    title = client.get("/f/", headers=headers).json["title"]
    assert title.startswith("Writer ")
    history = client.get("/f/@@history", headers=headers).json["items"]
    assert [item["comment"] for item in history] == ["Edited", "Created"]


def test_parallel_writers_all_succeed(site):
    app, headers = site

    def add(index):
        own = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        response = own.post_json(
            "/f/",
            {"@type": "Document", "title": f"Page {index}"},
            headers=headers,
            expect_errors=True,
        )
        return response.status_int, response.text

    results = run_together(WRITERS, add)
    assert [status for status, _text in results] == [201] * WRITERS, results
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    listed = client.get("/f/?b_size=100", headers=headers).json
    assert listed["items_total"] == WRITERS
    positions = sorted(item["id"] for item in listed["items"])
    assert len(set(positions)) == WRITERS


def test_parallel_adds_of_the_same_name_one_wins(site):
    app, headers = site

    def add(index):
        own = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        return own.post_json(
            "/f/",
            {"@type": "Document", "id": "same", "title": f"Page {index}"},
            headers=headers,
            expect_errors=True,
        ).status_int

    statuses = run_together(4, add)
    assert sorted(statuses) == [201, 409, 409, 409]
