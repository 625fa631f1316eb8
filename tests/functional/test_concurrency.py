"""Concurrent writers on a real database (committed transactions, threads).

Two editors PATCH with the same If-Match: exactly one wins, the other gets
412. Many writers at once on SQLite never die of "database is locked": write
requests begin with BEGIN IMMEDIATE and wait their turn. Two changes of the
tree's shape at once (moves, deletes, copies) never break it: each round
starts both requests together, and the tree is checked after every round.
"""

import threading
from contextlib import contextmanager

import pytest
import webtest
from sqlalchemy import select

import cms
from cms.models import Document, Folder, Node
from cms.scripts import initialize_db
from cms.scripts.check import find_problems
from cms.traversal import load_node
from tests.sites import SECRET, scratch_database, site_ini

WRITERS = 8
#: Rounds of each race: enough to meet the bad interleavings, still quick.
ROUNDS = 20
#: What a request that lost a race may answer: the target is gone (400), the
#: item is gone (404) or it moved meanwhile (409).
LOST = {400, 404, 409}


@contextmanager
def served(database_url, folder, monkeypatch):
    """Yield ``(app, headers)``: a new site of its own and an admin's headers."""
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "the admin's passphrase")
    with scratch_database(database_url, folder) as url:
        ini_file = site_ini(folder / "site.ini", url, folder / "blobs")
        assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
        app = cms.main(
            {},
            **{
                "sqlalchemy.url": url,
                "cms.secret": SECRET,
                "cms.blob_dir": str(folder / "blobs"),
                "cms.login_slowdown": "0",
            },
        )
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        token = client.post_json(
            "/@@login", {"login": "admin", "password": "the admin's passphrase"}
        ).json["token"]
        yield app, {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        app.registry["dbengine"].dispose()


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    with served(database_url, tmp_path, monkeypatch) as (app, headers):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        client.post_json(
            "/", {"@type": "Folder", "id": "f", "title": "F"}, headers=headers
        )
        yield app, headers


@pytest.fixture(scope="module")
def shared_site(database_url, tmp_path_factory):
    """One site for all the races: each builds its own folders in it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        folder = tmp_path_factory.mktemp("races")
        with served(database_url, folder, monkeypatch) as site:
            yield site


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


# -- changes of the tree's shape at once -----------------------------------------


def build_rounds(app, race_name, names):
    """Commit ``/{race_name}-{n}/{name}/p/`` for each round n; return those folders."""
    session = app.registry["dbsession_factory"]()
    with session.begin():
        root = load_node(session, "/")
        for number in range(ROUNDS):
            folder = root.add(Folder(title=race_name), f"{race_name}-{number}")
            for name in names:
                child = folder.add(Folder(title=name.upper()), name)
                child.add(Document(title="Page", body=""), "p")
    session.close()
    return [f"/{race_name}-{number}/" for number in range(ROUNDS)]


def tree_paths(app, prefix):
    """The paths under *prefix*, after checking the integrity of that part."""
    session = app.registry["dbsession_factory"]()
    try:
        # The other races of the site have their own folders (and checks).
        problems = [
            (path, expected)
            for path, expected in find_problems(session)
            if path == "/" or path.startswith(prefix)
        ]
        assert problems == []
        query = select(Node.path).where(Node.path.startswith(prefix, autoescape=True))
        return list(session.scalars(query.order_by(Node.path)))
    finally:
        session.close()


def race(app, headers, first, second):
    """Send two requests ``(method, url, body)`` together; return their statuses."""

    def send(index):
        method, url, body = (first, second)[index]
        own = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        if body is None:
            return own.request(
                url, method=method, headers=headers, expect_errors=True
            ).status_int
        return own.post_json(url, body, headers=headers, expect_errors=True).status_int

    return run_together(2, send)


def test_opposite_moves_one_wins(shared_site):
    app, headers = shared_site
    for r in build_rounds(app, "opposite", ["a", "b"]):
        statuses = race(
            app,
            headers,
            ("POST", f"{r}a/@@move", {"to": f"{r}b/"}),
            ("POST", f"{r}b/@@move", {"to": f"{r}a/"}),
        )
        assert sorted(statuses)[0] == 200 and sorted(statuses)[1] in LOST, statuses
        paths = tree_paths(app, r)
        if statuses[0] == 200:
            assert paths == [r, f"{r}b/", f"{r}b/a/", f"{r}b/a/p/", f"{r}b/p/"]
        else:
            assert paths == [r, f"{r}a/", f"{r}a/b/", f"{r}a/b/p/", f"{r}a/p/"]


def test_move_into_a_subtree_that_is_moving(shared_site):
    app, headers = shared_site
    for r in build_rounds(app, "into-moving", ["x", "y", "z"]):
        statuses = race(
            app,
            headers,
            ("POST", f"{r}x/@@move", {"to": f"{r}y/"}),
            ("POST", f"{r}z/@@move", {"to": f"{r}x/"}),
        )
        # x goes into y whatever happens; z follows it there, or finds no
        # x to go into when x moved first.
        assert statuses[0] == 200 and statuses[1] in {200} | LOST, statuses
        paths = tree_paths(app, r)
        if statuses[1] == 200:
            z = [f"{r}y/x/z/", f"{r}y/x/z/p/"]
        else:
            z = [f"{r}z/", f"{r}z/p/"]
        assert paths == sorted(
            [r, f"{r}y/", f"{r}y/p/", f"{r}y/x/", f"{r}y/x/p/", *z]
        ), statuses


def test_move_against_delete(shared_site):
    app, headers = shared_site
    for r in build_rounds(app, "delete", ["x", "y"]):
        statuses = race(
            app,
            headers,
            ("POST", f"{r}x/@@move", {"to": f"{r}y/"}),
            ("DELETE", f"{r}x/", None),
        )
        assert sorted(statuses) in ([200, 404], [200, 409], [204, 404]), statuses
        paths = tree_paths(app, r)
        if statuses[0] == 200:
            assert paths == [r, f"{r}y/", f"{r}y/p/", f"{r}y/x/", f"{r}y/x/p/"]
        else:
            assert paths == [r, f"{r}y/", f"{r}y/p/"]


def test_copy_into_a_folder_that_is_moving(shared_site):
    app, headers = shared_site
    for r in build_rounds(app, "copy", ["x", "y", "z"]):
        statuses = race(
            app,
            headers,
            ("POST", f"{r}z/@@move", {"to": f"{r}y/"}),
            ("POST", f"{r}x/@@copy", {"to": f"{r}z/"}),
        )
        # z goes into y whatever happens; the copy lands in z before it
        # moves, or finds no z to go into when z moved first.
        assert statuses[0] == 200 and statuses[1] in {201} | LOST, statuses
        copied = [f"{r}y/z/x/", f"{r}y/z/x/p/"] if statuses[1] == 201 else []
        assert tree_paths(app, r) == sorted(
            [
                r,
                *(f"{r}{name}/" for name in ("x", "y", "y/z")),
                *(f"{r}{name}/p/" for name in ("x", "y", "y/z")),
                *copied,
            ]
        ), statuses
