"""``cms-admin INI restore DIR [--replace]``: put a backup back into the site.

Stop the site's processes first: the database is replaced under them.
"""

import sys
from pathlib import Path

from cms.backups import BackupError
from cms.backups.restoring import restore_backup
from cms.scripts.progress import Progress

HELP = (
    "restore the backup in DIR into the site's database (which must be empty, "
    "unless --replace) and blob store"
)
#: Replaces the database: no transaction of cms-admin's may hold it.
MANAGES_CONNECTIONS = True


def add_arguments(parser):
    parser.add_argument("folder", metavar="DIR", help="a folder made by backup")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="wipe the site's database first when it holds anything",
    )


def run_site(registry, args):
    try:
        restored = restore_backup(
            registry["dbengine"],
            registry["blobstore"],
            Path(args.folder),
            args.replace,
            Progress,
        )
    except BackupError as error:
        print(f"restore: {error}", file=sys.stderr)
        return 1
    manifest = restored.manifest
    print(
        f"Restored the backup of {manifest['created']}: {restored.nodes} nodes, "
        f"{restored.users} users, {manifest['blobs']} blobs "
        f"({restored.blobs_added} new to the blob store)."
    )
    if restored.migrated_from:
        print(f"Migrated the database from revision {restored.migrated_from}.")
    if restored.missing:
        for key in restored.missing:
            print(f"missing {key}", file=sys.stderr)
        print(
            f"{len(restored.missing)} blobs the database refers to are missing.",
            file=sys.stderr,
        )
        return 1
    return 0
