"""``cms-admin INI blobs clean|gc|check``: keep the blob store and the database agreed.

A blob is referenced by a File or Image (``blob_key``), by an Image's scales,
and by the revisions of files and images (a revert may bring an old blob
back). ``clean`` removes the others once they are older than any upload's
transaction (an upload writes its blob before its row commits), and the
temporary files crashed uploads left, after any backup running has copied
its blobs (``gc`` does the same, but only lists them unless ``--delete``);
``check`` finds referenced blobs that are missing. Both work on either store.
"""

import argparse
import sys

from cms.backups.lock import backup_lock
from cms.scripts import blobs_migrate
from cms.transfer import referenced_blobs

HELP = (
    "blob store upkeep: clean or gc (remove unreferenced blobs), check (find "
    "missing), migrate (copy to another store)"
)

#: An upload's transaction is over well within this many seconds.
DEFAULT_AGE = 3600


def _seconds(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError("a whole number of seconds, from 0")
    return value


def add_arguments(parser):
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    clean = actions.add_parser(
        "clean",
        help="remove blobs no node and no revision references, and leftover "
        "temporary files",
        description="Remove blobs that no node and no revision references, and "
        "temporary files left by crashed uploads.",
    )
    clean.add_argument(
        "--older-than",
        type=_seconds,
        default=DEFAULT_AGE,
        metavar="SECONDS",
        help=f"spare what changed more recently (default: {DEFAULT_AGE})",
    )
    clean.add_argument(
        "--dry-run", action="store_true", help="list what would go; remove nothing"
    )
    gc = actions.add_parser(
        "gc",
        help="list blobs no node and no revision references (a dry run); "
        "--delete removes them",
        description="Collect the blobs that no node and no revision references, "
        "and temporary files left by crashed uploads: listed only, unless "
        "--delete is given.",
    )
    gc.add_argument(
        "--older-than",
        type=_seconds,
        default=DEFAULT_AGE,
        metavar="SECONDS",
        help=f"spare what changed more recently (default: {DEFAULT_AGE})",
    )
    gc.add_argument("--delete", action="store_true", help="remove what is listed")
    migrate = actions.add_parser(
        "migrate",
        help="copy every blob to another store (s3://BUCKET/PREFIX or a folder)",
        description="Copy every blob of the site's store into another one, "
        "verifying each by its hash; run again to go on where it stopped. "
        "Says which settings to change at the end.",
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="s3://BUCKET/PREFIX, file:///path or a folder",
    )
    migrate.add_argument(
        "--endpoint",
        metavar="URL",
        help="the S3 endpoint of the target (default: cms.s3_endpoint)",
    )
    actions.add_parser(
        "check",
        help="report referenced blobs missing from the store (exit 1 if any)",
        description="Report blobs that nodes or revisions reference but the store "
        "lacks; exit 1 if there are any.",
    )


def _clean(store, referenced, args):
    verb = "would remove" if args.dry_run else "removed"
    removed = size = 0
    for key in store.orphans(referenced, args.older_than):
        try:
            bytes_ = store.size(key)
        except FileNotFoundError:
            continue
        if not args.dry_run:
            store.delete(key)
        print(f"{verb} {key} ({bytes_} bytes)")
        removed += 1
        size += bytes_
    if args.dry_run:
        tmp = len(store.stale_tmp(args.older_than))
    else:
        tmp = store.clean_tmp(args.older_than)
    print(
        f"{verb.capitalize()} {removed} unreferenced blobs ({size} bytes) and "
        f"{tmp} temporary files; {len(referenced)} blobs are referenced."
    )
    return 0


def _check(store, referenced):
    missing = 0
    for key, paths in sorted(referenced.items()):
        try:
            present = store.exists(key)
        except ValueError:
            present = False
        if not present:
            missing += 1
            more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
            print(f"missing {key}: referenced by {paths[0]}{more}", file=sys.stderr)
    print(f"Checked {len(referenced)} referenced blobs: {missing} missing.")
    return 1 if missing else 0


def run(request, args):
    store = request.registry["blobstore"]
    if args.action == "migrate":
        return blobs_migrate.run(request, args)
    if args.action == "gc":
        args.dry_run = not args.delete
    if args.action in ("clean", "gc"):
        # A running backup may still copy blobs its snapshot named that are
        # referenced no more: wait for it (cms.backups.lock).
        with backup_lock(request.registry["dbengine"], shared=False):
            return _clean(store, referenced_blobs(request.dbsession), args)
    return _check(store, referenced_blobs(request.dbsession))
