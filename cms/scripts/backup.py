"""``cms-admin INI backup DIR``: the whole site, database and blobs, into a new folder.

Safe while the site runs: see :mod:`cms.backups`.
"""

import sys
from pathlib import Path

from cms.backups import BackupError
from cms.backups.making import make_backup
from cms.files import size_text
from cms.scripts.progress import Progress

HELP = (
    "back up the whole site (its database and every file it refers to) into "
    "DIR, a new folder"
)
#: Opens its own connections: the database is copied outside any transaction
#: of cms-admin's (see cms.scripts.admin).
MANAGES_CONNECTIONS = True


def add_arguments(parser):
    parser.add_argument(
        "folder", metavar="DIR", help="the folder to make (new or empty)"
    )


def run_site(registry, args):
    folder = Path(args.folder)
    try:
        manifest = make_backup(
            registry["dbengine"], registry["blobstore"], folder, Progress
        )
    except BackupError as error:
        print(f"backup: {error}", file=sys.stderr)
        return 1
    print(
        f"Backed up {manifest['nodes']} nodes, {manifest['users']} users and "
        f"{manifest['blobs']} blobs ({size_text(manifest['blob_bytes'])}) of the "
        f"{manifest['database']} database at revision {manifest['alembic_revision']} "
        f"into {folder}."
    )
    return 0
