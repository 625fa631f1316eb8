"""Scenarios on the standard tree: search, copy, move and share of subtrees.

Each goes through HTTP in process (webtest: the whole WSGI stack, the
admin's bearer token, JSON), so that what is timed is what a client waits
for: traversal, security, the service, the transaction's commit. Statements
are those of the one request (traversal and authentication included).

``/s3/s3-5/`` is 111 nodes (itself, 10 pages, 100 leaves), ``/s3/`` 1,111.
"""

import urllib.parse

import webtest

from bench import search
from bench.scale.common import Statements, line, medians, say, timed

SMALL, BIG = "/s3/s3-5/", "/s3/"


def search_line(app, secret, repeat):
    """(v) the first batch of ``q=page`` (every page matches), anonymous."""
    say("search: the first batch of q=page, anonymous, JSON and HTML …")
    results = search.measure(app, secret, repeat, "anonymous site")
    figures = {
        label: median
        for label, (median, _fastest, _count) in results.items()
        if label.endswith("q=page")
    }
    worst = max(figures.values())
    shown = ", ".join(
        f"{label.split()[2]} {ms:.1f} ms" for label, ms in figures.items()
    )
    return line(
        "search common word", f"{shown} (median of {repeat})", "< 100 ms", worst < 100
    )


def _path(location):
    return urllib.parse.urlsplit(location).path


def copy_line(client, statements, path, nodes, goal_ms, repeat):
    """(iii) copy the subtree at *path* into ``/s4/``, then delete the copy."""
    times, counts = [], []
    for attempt in range(repeat):
        count, elapsed, response = statements.during(
            lambda: client.post_json(f"{path}@@copy", {"to": "/s4/"}, status=201)
        )
        times.append(elapsed)
        counts.append(count)
        cleanup, _ = timed(lambda r=response: client.delete(_path(r.location)))
        say(
            f"copy {nodes:,} nodes [{attempt + 1}/{repeat}]: {elapsed:.0f} ms, "
            f"{count} statements (delete of the copy {cleanup:.0f} ms)"
        )
    median = sorted(times)[len(times) // 2]
    return line(
        f"copy {nodes:,} nodes",
        f"{median:.0f} ms, {max(counts)} statements (median of {repeat})",
        f"< {goal_ms} ms",
        median < goal_ms,
    )


def move_line(client, statements, repeat):
    """(ii) move ``/s3/`` (1,111 nodes) under ``/s4/`` and back, in turns."""
    times, counts = [], []
    here, there = BIG, "/s4/s3/"
    for attempt in range(repeat):
        source, target = (here, "/s4/") if attempt % 2 == 0 else (there, "/")
        count, elapsed, _ = statements.during(
            lambda s=source, t=target: client.post_json(
                f"{s}@@move", {"to": t}, status=200
            )
        )
        times.append(elapsed)
        counts.append(count)
        say(
            f"move 1,111 nodes {source} -> {target} [{attempt + 1}/{repeat}]: "
            f"{elapsed:.0f} ms, {count} statements"
        )
    if repeat % 2:  # put it back where the other scenarios expect it
        client.post_json(f"{there}@@move", {"to": "/"}, status=200)
    # The old URL answers with a redirect to the new one.
    client.get(f"{there}", status=301)
    median = sorted(times)[len(times) // 2]
    return line(
        "move 1,111 nodes",
        f"{median:.0f} ms, {max(counts)} statements (median of {repeat})",
        "< 100 ms, <= 10 statements",
        median < 100 and max(counts) <= 10,
    )


def share_line(client, statements, editor, repeat):
    """(iv) grant (then take back) a local role on ``/s3/`` (1,111 nodes)."""
    times, counts = [], []
    # The editor holds "editor" on /s3/ (bench.search): add "reader", take it back.
    principal = f"user:{editor}"
    grants = [
        {"entries": [{"principal": principal, "roles": ["editor", "reader"]}]},
        {"entries": [{"principal": principal, "roles": ["editor"]}]},
    ]
    for attempt in range(repeat):
        data = grants[attempt % 2]
        count, elapsed, _ = statements.during(
            lambda d=data: client.post_json(f"{BIG}@@sharing", d, status=200)
        )
        times.append(elapsed)
        counts.append(count)
        say(f"share 1,111 nodes [{attempt + 1}/{repeat}]: {elapsed:.0f} ms, {count}")
    median = sorted(times)[len(times) // 2]
    return line(
        "share 1,111 nodes",
        f"{median:.0f} ms, {max(counts)} statements (median of {repeat})",
        "bounded statements",
        None,
    )


def leaf_medians(apps, repeat):
    """``{name: median ms}`` of the anonymous leaf page on each app, in turns."""
    clients = {name: webtest.TestApp(app) for name, app in apps.items()}
    leaf = "/s3/s3-5/s3-5-7/s3-5-7-2/"
    return medians(
        {
            name: lambda c=client: c.get(leaf, headers={"Accept": "text/html"})
            for name, client in clients.items()
        },
        repeat,
        warm_up=5,
    )


def run_tree(app, secret, client, names, repeat):
    """The lines of the tree scenarios in *names*, in an order that keeps the
    tree as the next one expects it."""
    statements = Statements(app)
    lines = []
    if "search" in names:
        lines.append(search_line(app, secret, repeat))
    if "copy" in names:
        lines.append(copy_line(client, statements, SMALL, 111, 100, repeat))
        lines.append(copy_line(client, statements, BIG, 1111, 500, max(3, repeat // 3)))
    if "move" in names:
        lines.append(move_line(client, statements, repeat))
    if "share" in names:
        lines.append(share_line(client, statements, search.EDITOR, repeat))
    return lines
