"""The race matrix: every kind of write against what can pull a node away.

Each write (the rows of :data:`WRITES`) meets each racer (:data:`RACERS`) on
the same node, in both orders, with real threads and committed
transactions (see :mod:`.harness`). Every race must answer no 5xx, answer
what the same two requests give one after the other, and leave the tree as
they leave it: nothing acknowledged lost, nothing half-done.
"""

import dataclasses

import pytest
import webtest

from tests.functional.races.harness import (
    Request,
    build,
    race,
    serially,
    snapshot,
)
from tests.sites import served

N, F = "a/n/", "a/f/"

#: The writes, on the Document ``n`` (the File ``f`` for a file replace).
WRITES = {
    "patch": Request("PATCH", N, {"title": "Patched"}),
    "patch with If-Match": Request("PATCH", N, {"title": "Patched"}, if_match=True),
    "delete": Request("DELETE", N),
    "delete with If-Match": Request("DELETE", N, if_match=True),
    "move": Request("POST", N + "@@move", {"to": "{prefix}t/"}),
    "move with If-Match": Request(
        "POST", N + "@@move", {"to": "{prefix}t/"}, if_match=True
    ),
    "rename": Request("POST", N + "@@move", {"id": "renamed"}),
    "copy": Request("POST", N + "@@copy", {"to": "{prefix}t/"}),
    "publish": Request("POST", N + "@@workflow", {"transition": "publish"}),
    "share": Request(
        "POST",
        N + "@@sharing",
        {"entries": [{"principal": "user:alice", "roles": ["editor"]}]},
    ),
    "reorder": Request("POST", "a/@@order", {"id": "n", "position": 1}),
    "revert": Request("POST", N + "@@revert", {"version": 1}),
    "replace the file": Request("PATCH", F, upload=b"two"),
    # The editor's Contents page: each selected item in turn (a SAVEPOINT each).
    "publish in Contents": Request(
        "POST", "a/@@contents", form={"action": "publish", "ids": "n"}
    ),
    "delete in Contents": Request("POST", "a/@@contents-delete", form={"ids": "n"}),
}

#: What pulls the node away, or changes it first.
RACERS = {
    "delete": Request("DELETE", N),
    "move": Request("POST", N + "@@move", {"to": "{prefix}t/"}),
    "move the parent": Request("POST", "a/@@move", {"to": "{prefix}t/"}),
    "delete the parent": Request("DELETE", "a/"),
    "patch": Request("PATCH", N, {"title": "Racer"}),
}


def on_the_file(request):
    """The same request about the File ``f`` instead of the Document ``n``."""
    if not request.url.startswith(N):
        return request
    return dataclasses.replace(request, url=F + request.url[len(N) :])


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        folder = tmp_path_factory.mktemp("matrix")
        with served(database_url, folder, monkeypatch) as (app, headers):
            client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
            client.post_json(
                "/@@users",
                {"login": "alice", "password": "alice's passphrase"},
                headers=headers,
            )
            yield app, headers, client


@pytest.mark.parametrize("racer_name", RACERS)
@pytest.mark.parametrize("write_name", WRITES)
def test_race(site, write_name, racer_name):
    app, headers, client = site
    write, racer = WRITES[write_name], RACERS[racer_name]
    held = N
    if write.upload is not None:
        racer, held = on_the_file(racer), F
    orders = [(write, racer), (racer, write)]
    serial = []
    for order in orders:
        scenario = build(client, headers)
        statuses = serially(app, headers, scenario, *order)
        serial.append((statuses, snapshot(app, scenario)))
    # Alone and first, the write succeeds: the matrix races real changes.
    assert serial[0][0][0] < 400, serial[0][0]
    postgresql = app.registry["dbengine"].dialect.name == "postgresql"
    for index, order in enumerate(orders):
        scenario = build(client, headers)
        statuses, overtaken = race(app, headers, scenario, *order, held=held)
        assert all(status < 500 for status in statuses), statuses
        outcome = (statuses, snapshot(app, scenario))
        flipped = (statuses[::-1], outcome[1])
        if postgresql:
            # The order was forced: the first request sent went first, unless
            # the second one never waited and ended first.
            if overtaken:
                assert flipped == serial[1 - index], (index, statuses)
            else:
                assert outcome == serial[index], (index, statuses, serial[index][0])
        else:
            # SQLite chose the order: one of the two.
            assert outcome == serial[index] or flipped == serial[1 - index], (
                index,
                statuses,
                [statuses for statuses, _tree in serial],
            )
