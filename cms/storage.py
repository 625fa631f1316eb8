"""A blob store on the local filesystem, keyed by content: the bytes of files.

A blob is stored under the SHA-256 of its content, as ``root/ab/cd/abcd…``:
the same content is stored once, a stored blob never changes, and a key says
nothing about a file's name or owner. An upload is streamed in chunks into
``root/tmp/`` (on the same filesystem, so ``os.replace`` moves it atomically)
and hashed on the way; a blob is never half-written under its key.

Write the blob first, then link it from the database. A crash in between
leaves at worst an orphan blob, which a sweep removes by comparing
``keys()`` with the keys the database references (``orphans()``); it never
leaves a node pointing at a missing blob. For the same reason, a node is
deleted from the database and its blob left to the sweep: another node may
share it. The sweep must spare blobs younger than the longest transaction
that uploads (``older_than_seconds``), or it could remove a blob whose row is
about to be committed.

The disk may fail too: full (``ENOSPC``, ``EDQUOT``) or broken, read-only or
not ours to write (``EIO``, ``EROFS``, ``EACCES``…). Whatever the file system
says while a blob is stored is turned into `BlobStoreFull` or
`BlobStoreUnavailable`, the temporary file is removed, and nothing is left
under the key but a whole blob.
"""

import errno
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: How much of a stream is read at a time.
CHUNK_SIZE = 64 * 1024

KEY = re.compile(r"[0-9a-f]{64}")


class StorageError(Exception):
    """A blob cannot be stored."""


class BlobTooLarge(StorageError):
    """More bytes arrived than allowed."""


class EmptyBlob(StorageError):
    """No bytes arrived: there is nothing to store."""


class BlobStoreFull(StorageError):
    """The file system has no room left (or the quota is spent)."""


class BlobStoreUnavailable(StorageError):
    """The file system refused to write or read: broken, read-only, forbidden."""


#: What the file system says when it has no room left for us.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def store_error(error):
    """Return the store's error for the *error* the file system raised."""
    if error.errno in _FULL:
        return BlobStoreFull(f"the blob store is full: {error}")
    return BlobStoreUnavailable(f"the blob store failed: {error}")


@contextmanager
def store_errors():
    """Turn an OSError raised inside into `BlobStoreFull` or `BlobStoreUnavailable`."""
    try:
        yield
    except OSError as error:
        raise store_error(error) from error


@dataclass(frozen=True)
class Blob:
    """A stored blob: its key (the SHA-256 of its content, hex) and size."""

    key: str
    size: int


def copy_into(stream, fd, max_bytes):
    """Write what *stream* holds to *fd*, up to *max_bytes*; return its `Blob`."""
    digest = hashlib.sha256()
    size = 0
    # One byte more than allowed is enough to know it is too much.
    while chunk := stream.read(min(CHUNK_SIZE, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:
            raise BlobTooLarge(f"more than {max_bytes} bytes")
        digest.update(chunk)
        with store_errors():
            _write_all(fd, chunk)
    if not size:
        raise EmptyBlob("no content")
    with store_errors():
        os.fsync(fd)
    return Blob(digest.hexdigest(), size)


def _write_all(fd, data):
    """Write all of *data* to *fd* (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _discard(tmp):
    """Remove the temporary file *tmp*, unless it was moved into place."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    except OSError as error:
        # The error that got us here is the one to report; a leftover is
        # removed by ``clean_tmp`` later.
        log.warning("cannot remove the temporary file %s: %s", tmp, error)


def _fsync_directory(directory):
    """Make a new entry in *directory* durable, as a file's fsync does not."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def opened_stat(fp):
    """Return ``(size, mtime, local)`` of a blob a store opened.

    A reader of an object store says its size and age itself; a local file
    is asked the file system.
    """
    size = getattr(fp, "size", None)
    if size is not None:
        return size, fp.mtime, False
    stat = os.fstat(fp.fileno())
    return stat.st_size, stat.st_mtime, True


class Staged:
    """An upload's bytes in a local file, hashed, before they are under their key.

    ``commit()`` stores them (``put``); ``path`` then still names a local
    file that holds them, to read (sniff, scale) until ``close()``.
    """

    def __init__(self, blob, tmp, put):
        self.blob = blob
        self.path = self._tmp = tmp
        self._put = put

    def commit(self):
        self.path = self._put(self._tmp, self.blob.key)

    def close(self):
        _discard(self._tmp)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class BlobStore:
    """The blobs under one directory.

    ``create=False`` opens one only to read it (a backup's blobs), leaving
    the directory as it is.
    """

    def __init__(self, root, create=True):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        if create:
            self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, key):
        """Return where blob *key* lives; refuse anything but a SHA-256 in hex.

        Keys come from URLs and the database: only this exact shape can never
        name a file outside the store.
        """
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise ValueError(f"not a blob key: {key!r}")
        return self.root / key[:2] / key[2:4] / key

    def stage(self, stream, max_bytes):
        """Copy what *stream* holds, up to *max_bytes*, beside the store: a `Staged`.

        Raise `BlobTooLarge` or `EmptyBlob` for what arrived, `BlobStoreFull`
        or `BlobStoreUnavailable` when the file system fails; an OSError of
        *stream* itself goes through as it is.
        """
        with store_errors():
            fd, tmp = tempfile.mkstemp(dir=self.tmp)
        try:
            try:
                blob = copy_into(stream, fd, max_bytes)
            except BaseException:
                with suppress(OSError):
                    os.close(fd)  # what it might report matters less
                raise
            with store_errors():
                # A network file system may report a failed write only here.
                os.close(fd)
        except BaseException:
            _discard(tmp)
            raise
        return Staged(blob, tmp, self._put)

    def save(self, stream, max_bytes):
        """Store what *stream* holds, up to *max_bytes*; return its `Blob`."""
        with self.stage(stream, max_bytes) as staged:
            staged.commit()
        return staged.blob

    def _put(self, tmp, key):
        target = self.path(key)
        with store_errors():
            self._move(tmp, target)
        return target

    def save_bytes(self, data):
        """Store *data* (generated content, such as an image scale)."""
        return self.save(io.BytesIO(data), max_bytes=len(data))

    def _move(self, tmp, target):
        try:
            # Same key, same content: keep the stored one. Touching it spares
            # it from a sweep that sees an old orphan about to be linked again.
            os.utime(target)
        except FileNotFoundError:
            self._link(tmp, target)

    def _link(self, tmp, target):
        created = [d for d in (target.parent.parent, target.parent) if not d.is_dir()]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        # The database will soon point here: the name must survive a crash too.
        for directory in (target.parent, *(d.parent for d in created)):
            _fsync_directory(directory)

    def exists(self, key):
        return self.path(key).is_file()

    def open(self, key):
        """Open blob *key* for binary reading.

        Raise FileNotFoundError if it is missing, `BlobStoreUnavailable` if
        the file system cannot read it.
        """
        path = self.path(key)
        try:
            return path.open("rb")
        except FileNotFoundError:
            raise
        except OSError as error:
            raise store_error(error) from error

    def size(self, key):
        """Return the size of blob *key* in bytes (FileNotFoundError if missing)."""
        return self.path(key).stat().st_size

    def check(self):
        """Raise `BlobStoreUnavailable` unless the store's folder is there to use."""
        if not os.access(self.tmp, os.W_OK | os.X_OK):
            raise BlobStoreUnavailable(f"{self.tmp} is missing or not writable")

    def delete(self, key):
        """Remove blob *key*, if it is there."""
        self.path(key).unlink(missing_ok=True)

    def keys(self):
        """Yield the key of every stored blob, in no particular order."""
        for first in self.root.iterdir():
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in first.iterdir():
                if len(second.name) != 2 or not second.is_dir():
                    continue
                for entry in second.iterdir():
                    key = entry.name
                    # Only a file that path() would name is a blob.
                    if (
                        KEY.fullmatch(key)
                        and key[:2] == first.name
                        and key[2:4] == second.name
                        and entry.is_file()
                    ):
                        yield key

    def orphans(self, referenced, older_than_seconds=0):
        """Return, sorted, the stored keys not in *referenced*.

        Only blobs unchanged for *older_than_seconds* are listed: a younger
        one may belong to an upload whose transaction has not committed yet.
        """
        cutoff = time.time() - older_than_seconds
        found = []
        for key in self.keys():
            if key in referenced:
                continue
            try:
                if self.path(key).stat().st_mtime <= cutoff:
                    found.append(key)
            except FileNotFoundError:
                continue  # deleted meanwhile
        return sorted(found)

    def stale_tmp(self, older_than_seconds):
        """Return the temporary files unchanged for *older_than_seconds*.

        An upload in progress writes to its file, so a file unchanged for
        longer than any upload may take is a leftover of a crashed one.
        """
        cutoff = time.time() - older_than_seconds
        return [
            entry
            for entry in self.tmp.iterdir()
            if entry.is_file() and entry.stat().st_mtime < cutoff
        ]

    def clean_tmp(self, older_than_seconds):
        """Remove temporary files left by crashed uploads; return how many."""
        stale = self.stale_tmp(older_than_seconds)
        for entry in stale:
            entry.unlink(missing_ok=True)
        return len(stale)
