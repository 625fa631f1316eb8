"""Two writes on one node at once, in an order the test chooses.

A third connection holds the node's row (``SELECT … FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite); the first request is sent and
waits behind it, then the second, and the row is released. On PostgreSQL
waiters are served in turn, so the first request sent goes first (unless
the second never waits and is done before the row is released): both orders
of every pair are tested every time, not by luck. SQLite has one
writer at a time and no queue: whichever request takes the lock first runs
alone, so each run there is one of the two serial orders.

What each race should give is found by running the same two requests one
after the other on a fresh copy of the same scenario: the answers and the
resulting tree must be those of a serial order.
"""

import itertools
import threading
import time
from dataclasses import dataclass

import webtest
from sqlalchemy import select, text

from cms.db import BEGIN_IMMEDIATE
from cms.models import Node
from cms.scripts.check import find_problems

HOST = {"HTTP_HOST": "example.com"}
#: How long a request may take to start waiting for the held row.
WAIT_LIMIT = 10.0
_numbers = itertools.count()


@dataclass(frozen=True)
class Request:
    """A request: method, URL below the scenario, JSON body, file or form."""

    method: str
    url: str
    body: dict | None = None
    upload: bytes | None = None
    if_match: bool = False
    form: dict | None = None


@dataclass
class Scenario:
    """A folder of its own: ``a/`` holds the Document ``n``, ``s`` and the File ``f``.

    ``n`` has two revisions; ``t/`` is where things move and copy to. ETags
    are taken once the scenario is built, before either request is sent.
    """

    prefix: str
    etags: dict


def build(client, headers, alice=True):
    """Make a scenario through the API; return it."""
    prefix = f"/race-{next(_numbers)}/"
    client.post_json(
        "/", {"@type": "Folder", "id": prefix.strip("/"), "title": "R"}, headers=headers
    )
    post = lambda url, body: client.post_json(prefix + url, body, headers=headers)  # noqa: E731
    post("", {"@type": "Folder", "id": "a", "title": "A"})
    post("", {"@type": "Folder", "id": "t", "title": "T"})
    post("a/", {"@type": "Document", "id": "n", "title": "Node", "body": "<p>One</p>"})
    client.patch_json(f"{prefix}a/n/", {"title": "Node, edited"}, headers=headers)
    post("a/", {"@type": "Document", "id": "s", "title": "Sibling"})
    client.post(
        f"{prefix}a/",
        {"@type": "File", "id": "f"},
        upload_files=[("file", "one.txt", b"one")],
        headers=headers,
    )
    etags = {
        name: client.get(f"{prefix}a/{name}/", headers=headers).headers["ETag"]
        for name in ("n", "f")
    }
    return Scenario(prefix, etags)


def send(app, headers, scenario, request):
    """Send *request* in *scenario* with a client of its own; return the status."""
    client = webtest.TestApp(app, extra_environ=HOST)
    url = scenario.prefix + request.url
    own = dict(headers)
    if request.if_match:
        name = request.url.split("/")[1]
        own["If-Match"] = scenario.etags[name]
    if request.upload is not None:
        response = client.patch(
            url,
            {},
            upload_files=[("file", "two.txt", request.upload)],
            headers=own,
            expect_errors=True,
        )
    elif request.form is not None:
        # The editor's pages, as a browser posts them.
        own["Accept"] = "text/html"
        response = client.post(url, request.form, headers=own, expect_errors=True)
    elif request.body is None:
        response = client.request(
            url, method=request.method, headers=own, expect_errors=True
        )
    else:
        # Paths in the body ("to") name places in the scenario: {prefix}t/.
        body = {
            key: value.format(prefix=scenario.prefix)
            if isinstance(value, str)
            else value
            for key, value in request.body.items()
        }
        write = getattr(client, f"{request.method.lower()}_json")
        response = write(url, body, headers=own, expect_errors=True)
    return response.status_int


def snapshot(app, scenario):
    """What the scenario's part of the tree holds, after checking its integrity."""
    session = app.registry["dbsession_factory"]()
    try:
        prefix = scenario.prefix
        problems = [
            found
            for found in find_problems(session)
            if found[0] == "/" or found[0].startswith(prefix)
        ]
        assert problems == [], problems
        nodes = session.scalars(
            select(Node).where(
                Node.path.startswith(prefix, autoescape=True), Node.path != prefix
            )
        ).all()
        return sorted(
            (
                node.path[len(prefix) :],
                node.type,
                node.title,
                node.state,
                node.position,
                getattr(node, "body", None),
                getattr(node, "blob_key", None),
                sorted((role.user_id, role.role) for role in node.local_roles),
            )
            for node in nodes
        )
    finally:
        session.close()


class RowHolder:
    """A third connection that holds a node's row until released."""

    def __init__(self, app, path):
        self.engine = app.registry["dbengine"]
        self.postgresql = self.engine.dialect.name == "postgresql"
        self.path = path

    def __enter__(self):
        if self.postgresql:
            self.connection = self.engine.connect()
            self.connection.begin()
            nodes = Node.__table__
            held = self.connection.execute(
                select(nodes.c.id).where(nodes.c.path == self.path).with_for_update()
            ).all()
            assert held, f"no row at {self.path}"
            self.watcher = self.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        else:
            self.connection = self.engine.connect().execution_options(
                **{BEGIN_IMMEDIATE: True}
            )
            self.connection.begin()
        return self

    def waiting(self):
        """How many other connections wait for a lock (PostgreSQL only)."""
        return self.watcher.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()

    def wait_for(self, count, thread):
        """Wait until *count* requests wait for a lock, or *thread* is done."""
        if not self.postgresql:
            # Nothing to watch: give the request time to reach the lock.
            time.sleep(0.1)
            return
        deadline = time.monotonic() + WAIT_LIMIT
        while thread.is_alive() and self.waiting() < count:
            assert time.monotonic() < deadline, "the request neither waits nor ends"
            time.sleep(0.01)

    def __exit__(self, *exc_info):
        self.connection.rollback()
        self.connection.close()
        if self.postgresql:
            self.watcher.close()


def race(app, headers, scenario, first, second, held="a/n/"):
    """Send *first*, then *second* while the row at *held* is held; release it.

    Return both statuses, in the order sent, and whether *second* went
    first: a request that never touches the held row (a copy only reads it)
    may end while *first* still waits, and then it came first.
    """
    statuses = [None, None]

    def runner(index, request):
        statuses[index] = send(app, headers, scenario, request)

    with RowHolder(app, scenario.prefix + held) as holder:
        threads = []
        for index, request in enumerate((first, second)):
            thread = threading.Thread(target=runner, args=(index, request))
            thread.start()
            threads.append(thread)
            holder.wait_for(index + 1 - sum(not t.is_alive() for t in threads), thread)
        overtaken = (
            holder.postgresql and threads[0].is_alive() and not threads[1].is_alive()
        )
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request never ended"
    return statuses, overtaken


def serially(app, headers, scenario, first, second):
    """Send *first*, then *second*, one after the other; return the statuses."""
    return [send(app, headers, scenario, request) for request in (first, second)]
