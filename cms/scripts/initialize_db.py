"""``initialize_cms_db INI [--demo]``: migrate the schema, add the root (and a demo tree).

Safe to run twice: the migrations stop at the newest revision, and the root
and the demo nodes are only added when they are missing.
"""

import argparse
import sys

from cms.migrations import upgrade
from cms.scripts import open_site
from cms.site import add_demo_tree, ensure_root


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="initialize_cms_db",
        description="Create or migrate the database, and add the root node.",
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    parser.add_argument(
        "--demo", action="store_true", help="also add a small published demo tree"
    )
    return parser.parse_args(argv[1:])


def main(argv=sys.argv):
    args = parse_args(argv)
    with open_site(args.config_uri) as env:
        engine = env["registry"]["dbengine"]
        print(f"Migrating {engine.url.render_as_string(hide_password=True)} …")
        upgrade(engine)
        request = env["request"]
        with request.tm:
            root = ensure_root(request.dbsession)
            added = add_demo_tree(request.dbsession, root) if args.demo else 0
        print(f"Database ready; demo nodes added: {added}.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
