"""(i) Any batch of a folder of 100,000 children, over HTTP, JSON and HTML.

The children are bulk-inserted by ``bench/paging.py``'s own code. The
middle and the last batch are reached the way a client reaches them, by
following ``batching.next`` links: in hops of 1,000 (``b_size``), then the
link is asked for with ``b_size=25``, the default, whose batch it starts.
"""

import urllib.parse

import webtest

from bench.paging import create_folder
from bench.scale.common import line, medians, say, session, timed

FOLDER = "/paging/"
SIZE = 25
HOP = 1000


def with_size(link, size):
    """The path and query of the batch link *link*, asking for *size* items."""
    parts = urllib.parse.urlsplit(link)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["b_size"] = str(size)
    return f"{parts.path}?{urllib.parse.urlencode(query)}"


def batch_urls(client, count):
    """``{"first", "middle", "last"}``: (URL, index of its first child)."""
    urls = {"first": (FOLDER, 0)}
    link, start = with_size(FOLDER, HOP), 0
    json = {"Accept": "application/json"}
    while start < count - SIZE:
        if "middle" not in urls and start >= count // 2:
            urls["middle"] = (with_size(link, SIZE), start)
        # The hop that ends one batch short of the end leads to the last batch.
        step = HOP if start + HOP < count - SIZE else count - SIZE - start
        body = client.get(with_size(link, step), headers=json).json
        link, start = body["batching"]["next"], start + step
    urls["last"] = (with_size(link, SIZE), start)
    return urls


def check(client, urls):
    json = {"Accept": "application/json"}
    for label, (url, first) in urls.items():
        body = client.get(url, headers=json).json
        names = [item["@id"].rstrip("/").rsplit("/", 1)[-1] for item in body["items"]]
        wanted = [f"item-{n}" for n in range(first, first + SIZE)]
        if names != wanted:
            raise SystemExit(f"scale: the {label} batch is wrong: {names[:2]} …")
        if label == "last" and "next" in body.get("batching", {}):
            raise SystemExit("scale: the last batch offers a next batch")


def run_folder(app, count, repeat):
    say(f"folder: inserting {count:,} children …")
    elapsed, _ = timed(lambda: _insert(app, count))
    say(f"folder: {count:,} children in {elapsed / 1000:.1f} s")
    client = webtest.TestApp(app)
    urls = batch_urls(client, count)
    check(client, urls)
    functions = {}
    for label, (url, _first) in urls.items():
        for kind in ("json", "html"):
            accept = "application/json" if kind == "json" else "text/html"
            functions[label, kind] = lambda u=url, a=accept: client.get(
                u, headers={"Accept": a}, status=200
            )
    figures = medians(functions, repeat)
    for (label, kind), ms in figures.items():
        say(f"folder: {label} batch {kind}: {ms:.1f} ms")
    worst = max(figures.values())
    drift = max(figures["last", k] / figures["first", k] for k in ("json", "html"))
    shown = "; ".join(
        f"{kind} " + "/".join(f"{figures[b, kind]:.1f}" for b in urls)
        for kind in ("json", "html")
    )
    return line(
        f"batch of {count:,} children",
        f"first/middle/last {shown} ms, last/first {drift:.2f}x (median of {repeat})",
        "< 10 ms, last <= 1.2x first",
        worst < 10 and drift <= 1.2,
    )


def _insert(app, count):
    with session(app) as dbsession:
        create_folder(dbsession, count)
