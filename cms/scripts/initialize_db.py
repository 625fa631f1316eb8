"""``initialize_cms_db INI [--demo]``: migrate the schema, add the root and ``admin``.

The ``admin`` user's password comes from the environment variable
``CMS_ADMIN_PASSWORD``, else it is made at random and printed once. ``--demo``
also adds a small published demo tree, once: demo pages deleted since are
not put back. Safe to run twice: the migrations stop at the newest revision,
and the root and ``admin`` are only added when they are missing.
"""

import argparse
import os
import sys

from cms.demo import add_demo_once
from cms.migrations import upgrade
from cms.scripts import open_site
from cms.security.passwords import password_problem
from cms.site import ADMIN_LOGIN, ensure_admin, ensure_root


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="initialize_cms_db",
        description="Create or migrate the database, and add the root node.",
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="also add a small published demo tree (once: never again after)",
    )
    return parser.parse_args(argv[1:])


def main(argv=sys.argv):
    args = parse_args(argv)
    password = os.environ.get("CMS_ADMIN_PASSWORD") or None
    if password is not None and password_problem(password):
        print(f"CMS_ADMIN_PASSWORD: {password_problem(password)}", file=sys.stderr)
        return 2
    with open_site(args.config_uri) as env:
        engine = env["registry"]["dbengine"]
        print(f"Migrating {engine.url.render_as_string(hide_password=True)} …")
        upgrade(engine)
        request = env["request"]
        with request.tm:
            root = ensure_root(request.dbsession)
            created = ensure_admin(request.dbsession, password)
            store = env["registry"]["blobstore"]
            added = add_demo_once(request.dbsession, root, store) if args.demo else 0
        print(f"Database ready; demo nodes added: {added}.")
        if created is None:
            print(
                f"The user {ADMIN_LOGIN!r} exists already; its password is unchanged."
            )
        elif password is None:
            print(f"Created the user {ADMIN_LOGIN!r} with the password: {created}")
            print("It is shown this once: note it, or change it after logging in.")
        else:
            print(
                f"Created the user {ADMIN_LOGIN!r} "
                "with the password in CMS_ADMIN_PASSWORD."
            )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
