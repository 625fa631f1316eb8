"""Concurrent writers on a real database (committed transactions, threads).

Two editors PATCH with the same If-Match: exactly one wins, the other gets
412. Many writers at once on SQLite never die of "database is locked": write
requests begin with BEGIN IMMEDIATE and wait their turn. Two changes of the
tree's shape at once (moves, deletes, copies) never break it: each round
starts both requests together, and the tree is checked after every round.
"""

import functools
import threading

import pytest
import webtest
from sqlalchemy import select

from cms.models import Document, Folder, Node
from cms.scripts.check import find_problems
from cms.traversal import load_node
from tests.sites import served

WRITERS = 8
#: Rounds of each race: enough to meet the bad interleavings, still quick.
ROUNDS = 20
#: What a request that lost a race may answer: the target is gone (400), the
#: item is gone (404) or it moved meanwhile (409).
LOST = {400, 404, 409}


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


# -- a write with If-Match against a delete of the same node ----------------------

#: The write, and what it answers when it comes first and second. Second, it
#: finds the node gone (404); first, it succeeds and the delete either
#: follows (204) or, after a move, finds nothing at the old address (404).
AGAINST_DELETE = {
    "patch": (("PATCH", "", {"title": "Changed"}), 200, 204),
    "delete": (("DELETE", "", None), 204, 404),
    "move": (("POST", "@@move", {"to": "/{r}t/"}), 200, 404),
}


def write_or_delete(app, headers, write, index):
    """Request 0 deletes ``write["url"]``; request 1 sends *write* with If-Match."""
    own = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    if index == 0:
        return own.delete(write["url"], headers=headers, expect_errors=True)
    url = write["url"] + write["view"]
    options = {"headers": {**headers, "If-Match": write["etag"]}, "expect_errors": True}
    if write["body"] is None:
        return own.request(url, method=write["method"], **options)
    send = getattr(own, f"{write['method'].lower()}_json")
    return send(url, write["body"], **options)


@pytest.mark.parametrize("kind", AGAINST_DELETE)
def test_if_match_against_a_delete_never_fails(shared_site, kind):
    app, headers = shared_site
    (method, view, body), won, then = AGAINST_DELETE[kind]
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    for r in build_rounds(app, f"against-delete-{kind}", ["d", "t"]):
        write = {
            "url": f"{r}d/",
            "method": method,
            "view": view,
            "body": body and {key: v.format(r=r[1:]) for key, v in body.items()},
            "etag": client.get(f"{r}d/", headers=headers).headers["ETag"],
        }
        deleting, writing = (
            response.status_int
            for response in run_together(
                2, functools.partial(write_or_delete, app, headers, write)
            )
        )
        # Either order is fine; nothing else is (never a 500).
        assert (deleting, writing) in ((204, 404), (then, won)), (deleting, writing)
        assert f"{r}d/" not in tree_paths(app, r)
