"""The archive format, its constants and errors, and reading and checking one
(the checks of each node record are in :mod:`cms.transfer.records`)."""

import hashlib
import json
import sys
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field

from sqlalchemy import select

from cms.models import File, Image, Node, Revision
from cms.storage import CHUNK_SIZE
from cms.transfer.records import _check_record, _Invalid, blob_keys

#: What ``manifest.json`` says an archive is, and the version this code writes.
FORMAT = "cms-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NODES = "nodes.json"
BLOBS = "blobs/"

#: Rows looked up per IN (...) query.
BATCH = 500


class TransferError(Exception):
    """An export or import refused, with a message for the operator."""


def normalize_path(path):
    """Return *path* as the tree spells it: ``/about/team/`` (``/`` for the root)."""
    path = path.strip()
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


class Progress:
    """``\\r``-counter on standard error, only when that is a terminal."""

    def __init__(self, verb, total):
        self.verb, self.total, self.count = verb, total, 0
        self.stream = sys.stderr
        self.enabled = self.stream.isatty()
        self.shown = 0.0

    def step(self):
        self.count += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if self.count == self.total or now - self.shown >= 0.1:
            self.shown = now
            self.stream.write(f"\r{self.verb} {self.count}/{self.total} nodes")
            self.stream.flush()

    def done(self):
        if self.enabled and self.count:
            self.stream.write("\n")
            self.stream.flush()


# -- which blobs the site uses --------------------------------------------------


def referenced_blobs(dbsession):
    """Return ``{key: [path, …]}`` for every blob a node or a revision names."""
    found: dict[str, list[str]] = {}
    for path, key in dbsession.execute(select(File.path, File.blob_key)):
        found.setdefault(key, []).append(path)
    for path, scales in dbsession.execute(select(Image.path, Image.scales)):
        for key in blob_keys({"scales": scales or {}}):
            found.setdefault(key, []).append(path)
    # Only files and images have blobs in their revisions; a document's
    # revisions are left unread (their bodies may be large).
    revisions = dbsession.execute(
        select(Node.path, Revision.data)
        .join(Node, Revision.node_id == Node.id)
        .where(Node.type.in_(("File", "Image")))
        .execution_options(yield_per=BATCH)
    )
    for path, data in revisions:
        for key in blob_keys(data or {}):
            paths = found.setdefault(key, [])
            if path not in paths:
                paths.append(path)
    return found


# -- reading and checking an archive ------------------------------------------------


@dataclass
class Archive:
    """An archive whose JSON has been read and checked."""

    zip: zipfile.ZipFile
    path: str
    records: list
    keys: set = field(default_factory=set)

    def close(self):
        self.zip.close()


def _read_json(archive, name):
    try:
        with archive.open(name) as fp:
            return json.load(fp)
    except KeyError:
        raise TransferError(f"The archive has no {name}.") from None
    except (
        ValueError,
        RecursionError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
    ) as error:
        raise TransferError(f"{name} is not valid JSON: {error}") from None


def read_archive(filename):
    """Open and check the archive *filename*; raise `TransferError` if it is bad."""
    try:
        archive = zipfile.ZipFile(filename)
    except FileNotFoundError:
        raise TransferError(f"No such file: {filename}") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise TransferError(f"{filename} is not a ZIP archive: {error}") from None
    try:
        return _read_archive(archive)
    except BaseException:
        archive.close()
        raise


def _read_archive(archive):
    manifest = _read_json(archive, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise TransferError(f"{MANIFEST} does not describe a {FORMAT} archive.")
    version = manifest.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise TransferError(
            f"Unsupported format version {version!r}: this cms "
            f"reads version {FORMAT_VERSION}."
        )
    path = manifest.get("path")
    if not isinstance(path, str) or normalize_path(path) != path:
        raise TransferError(f"{MANIFEST}: 'path' must be a node path like /about/.")
    records = _read_json(archive, NODES)
    if not isinstance(records, list) or not records:
        raise TransferError(f"{NODES} must be a non-empty list of nodes.")
    checked = []
    # The type of each node read so far, by its path in the archive.
    parents: dict[str, str] = {}
    uids: set[uuid.UUID] = set()
    for index, record in enumerate(records):
        label = record.get("path") if isinstance(record, dict) else None
        try:
            checked.append(_check_record(record, index, parents, uids))
        except _Invalid as error:
            raise TransferError(
                f"{NODES}: node {index} ({label!r}): {error}."
            ) from None
        except RecursionError:
            raise TransferError(
                f"{NODES}: node {index} ({label!r}): nested too deeply."
            ) from None
    root_name = path.rstrip("/").rpartition("/")[2]
    if checked[0]["name"] != root_name:
        raise TransferError(
            f"{NODES}: the root's name {checked[0]['name']!r} does not match the "
            f"exported path {path}."
        )
    result = Archive(archive, path, checked)
    for record in checked:
        result.keys |= record.pop("keys")
    names = set(archive.namelist())
    missing = sorted(key for key in result.keys if BLOBS + key not in names)
    if missing:
        raise TransferError(
            f"The archive lacks {len(missing)} blob(s) its nodes reference "
            f"(first: {BLOBS}{missing[0]})."
        )
    return result


def verify_blobs(archive):
    """Check that every referenced blob's SHA-256 is its key."""
    for key in sorted(archive.keys):
        digest = hashlib.sha256()
        try:
            with archive.zip.open(BLOBS + key) as fp:
                while chunk := fp.read(CHUNK_SIZE):
                    digest.update(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise TransferError(f"{BLOBS}{key} is corrupt: {error}") from None
        if digest.hexdigest() != key:
            raise TransferError(
                f"{BLOBS}{key} is corrupt: its SHA-256 is {digest.hexdigest()}."
            )
