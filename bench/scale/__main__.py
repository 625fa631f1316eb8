"""``python -m bench.scale [--only NAME] [--big]``: the scale scenarios.

Each prints ONE line: its name, its figures, the goal of issue 13's table
and pass/FAIL. All run in process (the WSGI app through webtest, no server)
on throw-away SQLite files in a temporary directory; progress on stderr.

=========  ===============================================================
folder     (i) first/middle/last batch of a 100,000-child folder, JSON+HTML
move       (ii) move a 1,111-node subtree (redirects kept): time, statements
copy       (iii) copy 111 and 1,111 nodes
share      (iv) grant a local role on a 1,111-node subtree: time, statements
search     (v) search a common word, first batch, standard tree
big        (vi) a leaf at 1,000,000 nodes vs 11,000: opt-in (``--big``)
=========  ===============================================================
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

from bench import search
from bench.scale import big, folder, tree
from bench.scale.common import admin_client, copy_database, line, say, site

TREE_SCENARIOS = ("search", "copy", "move", "share")
ALL = ("folder", *TREE_SCENARIOS)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--only", default="", help="scenarios, comma-separated: " + ", ".join(ALL)
    )
    parser.add_argument("--big", action="store_true", help="also (vi): ~5 min more")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs (9)")
    parser.add_argument(
        "--children", type=int, default=100_000, help="children of (i) (100000)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.only = [name for name in args.only.split(",") if name]
    unknown = set(args.only) - {*ALL, "big"}
    if unknown:
        parser.error(f"--only: no scenario {', '.join(sorted(unknown))}")
    return args


def standard_tree(tmpdir):
    """The standard tree on its own SQLite file; return its path and the
    editor's token (bench.search's editor, who holds editor on /s3/)."""
    path = os.path.join(tmpdir, "tree.db")
    app = site(path, tmpdir)
    started = time.perf_counter()
    secret = search.populate(app)
    say(f"standard tree ready in {time.perf_counter() - started:.0f} s")
    app.registry["dbengine"].dispose()
    return path, secret


def big_line(tmpdir, tree_path, repeat):
    paths = {
        "11,000": os.path.join(tmpdir, "small.db"),
        "1,000,000": os.path.join(tmpdir, "big.db"),
    }
    apps = {}
    for name, path in paths.items():
        copy_database(tree_path, path)
        apps[name] = site(path, tmpdir, migrate=False)
        folder_id, folder_path = big.add_bulk_folder(apps[name])
    started = time.perf_counter()
    count = big.insert_bulk(apps["1,000,000"], folder_id, folder_path)
    minutes = (time.perf_counter() - started) / 60
    say(f"big: {count:,} nodes inserted in {minutes:.1f} min")
    figures = tree.leaf_medians(apps, max(repeat, 30))
    value = figures["1,000,000"] / figures["11,000"]
    return line(
        "leaf at 1,000,000 vs 11,000",
        f"{figures['1,000,000']:.1f} vs {figures['11,000']:.1f} ms: {value:.2f}x "
        f"(median of {max(repeat, 30)}; {count + 11_123:,} nodes, bulk insert "
        f"{minutes:.1f} min)",
        "<= 1.2x",
        value <= 1.2,
    )


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    wanted = args.only or (*ALL, *(("big",) if args.big else ()))
    tmpdir = tempfile.mkdtemp(prefix="cms-scale-")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    lines = []
    started = time.perf_counter()
    try:
        if "folder" in wanted:
            app = site(os.path.join(tmpdir, "folder.db"), tmpdir)
            lines.append(folder.run_folder(app, args.children, args.repeat))
            app.registry["dbengine"].dispose()
            print(lines[-1], flush=True)
        if set(wanted) & {*TREE_SCENARIOS, "big"}:
            tree_path, secret = standard_tree(tmpdir)
            if "big" in wanted:
                lines.append(big_line(tmpdir, tree_path, args.repeat))
                print(lines[-1], flush=True)
            names = [name for name in TREE_SCENARIOS if name in wanted]
            if names:
                app = site(tree_path, tmpdir, migrate=False)
                client = admin_client(app)
                for text in tree.run_tree(app, secret, client, names, args.repeat):
                    lines.append(text)
                    print(text, flush=True)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    say(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
