"""A backup's ``manifest.json``: written last, read and checked first."""

import hashlib
import json
import os
from datetime import UTC, datetime

from alembic.script import ScriptDirectory

from cms.backups import BackupError
from cms.migrations import alembic_config
from cms.storage import CHUNK_SIZE

FORMAT = "cms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BLOBS = "blobs"
#: The database's file in the folder, by database kind.
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.dump"}


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder, **fields):
    """Write ``manifest.json`` into *folder*, with the database file's hash.

    Written last, and atomically: a folder without it is not a whole backup.
    """
    database = folder / DATABASE_FILES[fields["database"]]
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **fields,
        "database_file": database.name,
        "database_bytes": database.stat().st_size,
        "database_sha256": file_sha256(database),
    }
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(partial, folder / MANIFEST)
    return manifest


def _known_revision(revision):
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        return scripts.get_revision(revision) is not None
    except Exception:
        return False


def read_manifest(folder):
    """Return the checked manifest of the backup in *folder*, or raise BackupError."""
    if not folder.is_dir():
        raise BackupError(f"{folder}: no such folder.")
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} does not describe a backup of this application.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: backup format version {manifest.get('version')!r} is not "
            f"the one this version reads ({FORMAT_VERSION})."
        )
    kind = manifest.get("database")
    if (
        kind not in DATABASE_FILES
        or manifest.get("database_file") != DATABASE_FILES[kind]
    ):
        raise BackupError(f"{path}: unknown database kind {kind!r}.")
    for key in ("nodes", "blobs", "blob_bytes", "database_bytes"):
        if not isinstance(manifest.get(key), int):
            raise BackupError(f"{path}: {key!r} is missing or not a number.")
    revision = manifest.get("alembic_revision")
    if not isinstance(revision, str) or not _known_revision(revision):
        raise BackupError(
            f"{path}: the database is at revision {revision!r}, which this "
            "version does not know: restore it with the version that made it, "
            "or a newer one."
        )
    database = folder / manifest["database_file"]
    if not database.is_file():
        raise BackupError(f"{database} is missing.")
    if file_sha256(database) != manifest.get("database_sha256"):
        raise BackupError(
            f"{database} does not match its SHA-256 in the manifest: it is damaged."
        )
    return manifest
