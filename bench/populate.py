#!/usr/bin/env python
"""``bench/populate.py INI``: add the standard benchmark tree (TREE.md) to a site.

The tree, all of it published, every node a Document (a page that may hold
children, so each one has a title, a one-sentence description and a ~2 KB HTML
body, as TREE.md asks of every node):

- sections ``s0`` .. ``s9`` under the root ("Section 3"),
- subsections ``s3-0`` .. ``s3-9`` under each section,
- ``s3-5-0`` .. ``s3-5-9`` under each subsection,
- leaf pages ``s3-5-7-0`` .. ``s3-5-7-9`` under each of those
  (10 + 100 + 1,000 + 10,000 = 11,110 nodes),
- the deep chain ``deep/d1/d2/.../d10`` (11 nodes).

Nodes are added through the model API (``parent.add(child, name)``), so that
paths, positions, uids, versions and timestamps are exactly what the
application itself would write. That takes about 15 s on SQLite; all of it is
one transaction. Run ``initialize_cms_db INI`` first.

The script refuses to run on a database whose root already has a child ``s0``:
the tree is never added twice.
"""

import argparse
import sys
import time

from cms.models import Document
from cms.scripts import open_site
from cms.scripts.progress import Progress
from cms.site import get_root

FANOUT = 10
LEVELS = 4
DEEP_LEVELS = 10
#: 10 + 100 + 1,000 + 10,000 nodes, then "deep" and d1..d10.
TOTAL = sum(FANOUT**level for level in range(1, LEVELS + 1)) + 1 + DEEP_LEVELS

PARAGRAPHS = (
    "This page belongs to the standard benchmark tree. Its text is long enough "
    "to weigh what a real page weighs, about two kilobytes of HTML, so that "
    "rendering and transferring it costs what a modest article would cost.",
    "Every page of the tree is published and reachable by a plain URL made of "
    "the names of its ancestors. Resolving that URL, loading the lineage and "
    "rendering the template are what the benchmark measures, nothing more.",
    "The words themselves carry no meaning. They are the same on every page "
    "but for the page's own key, which keeps the pages comparable between "
    "runs and between the systems that are measured side by side.",
    "A content management system spends most of its time on pages like this "
    "one: a title, a short description, a few paragraphs, a list and a link "
    "or two. Nothing here is cached by the application between requests.",
    "The benchmark asks for the same few URLs again and again from one "
    "machine, with a handful of connections, and reports how many requests "
    "a second the server answers and how long each answer takes to arrive.",
)


def body_for(key, path, parent_path):
    """Return a deterministic ~2 KB HTML body for the node *key* at *path*."""
    first, second, third, fourth, fifth = PARAGRAPHS
    return (
        f"<p><strong>{key}</strong>: {first}</p>\n"
        f"<p>{second}</p>\n"
        "<ul>\n"
        f"  <li>Key: {key}</li>\n"
        f"  <li>Path: {path}</li>\n"
        f"  <li>Depth: {path.count('/') - 1}</li>\n"
        f"  <li>Parent: {parent_path}</li>\n"
        "  <li>Type: Document</li>\n"
        "  <li>State: published</li>\n"
        "</ul>\n"
        f'<p>{third} See also <a href="{parent_path}">the page above this '
        f'one</a>, or go back to <a href="/">the home page</a>.</p>\n'
        f"<p>{fourth}</p>\n"
        f"<p>{fifth}</p>\n"
        f"<p>{first}</p>\n"
        f"<p>{second}</p>\n"
        f"<p>{third}</p>\n"
    )


def tree_key(indexes):
    """Return ``s3-5-7-2`` for ``(3, 5, 7, 2)``."""
    return "s" + "-".join(str(index) for index in indexes)


def add_page(parent, name, title, description, key):
    path = f"{parent.path}{name}/"
    page = Document(
        title=title,
        description=description,
        state="published",
        body=body_for(key, path, parent.path),
    )
    return parent.add(page, name)


def add_level(parent, indexes, progress):
    """Add the children of *parent*, at depth ``len(indexes) + 1``, recursively."""
    depth = len(indexes) + 1
    for index in range(FANOUT):
        child_indexes = (*indexes, index)
        key = tree_key(child_indexes)
        if depth == 1:
            title = f"Section {index}"
            description = (
                f"Section {index} of the benchmark tree, with ten subsections."
            )
        else:
            title = f"Page {key}"
            kind = "leaf page" if depth == LEVELS else "page"
            description = (
                f"A {kind} at depth {depth} of the benchmark tree, "
                f"number {index} of its folder."
            )
        child = add_page(parent, key, title, description, key)
        progress.step()
        if depth < LEVELS:
            add_level(child, child_indexes, progress)


def add_deep_chain(root, progress):
    """Add ``deep/d1/.../d10``, each a page."""
    node = add_page(
        root, "deep", "Deep", "The top of a chain of ten nested pages.", "deep"
    )
    progress.step()
    for level in range(1, DEEP_LEVELS + 1):
        node = add_page(
            node,
            f"d{level}",
            f"Deep page d{level}",
            f"Page {level} of a chain of ten nested pages.",
            f"d{level}",
        )
        progress.step()


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/populate.py",
        description="Add the standard benchmark tree (TREE.md) to the site's database.",
    )
    parser.add_argument("config_uri", help="the ini file, e.g. production.ini")
    return parser.parse_args(argv[1:])


def main(argv=sys.argv):
    args = parse_args(argv)
    with open_site(args.config_uri) as env:
        request = env["request"]
        with request.tm:
            dbsession = request.dbsession
            root = get_root(dbsession)
            if root is None:
                sys.stderr.write(
                    "populate: the database has no root: run "
                    f"`initialize_cms_db {args.config_uri}` first.\n"
                )
                return 2
            try:
                root["s0"]
            except KeyError:
                pass
            else:
                sys.stderr.write(
                    "populate: the root already has a child 's0': the benchmark "
                    "tree is there already (use a fresh database to populate again).\n"
                )
                return 1
            started = time.perf_counter()
            progress = Progress(TOTAL, "populate")
            add_level(root, (), progress)
            add_deep_chain(root, progress)
            progress.finish()
            sys.stderr.write("populate: committing …\n")
        elapsed = time.perf_counter() - started
    print(f"populate: {progress.done:,} nodes added in {elapsed:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
