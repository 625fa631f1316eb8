"""The blob store on a failing disk: full, broken, read-only or not ours.

Each failure is the OSError the kernel would raise, injected at one call of
the file system (:mod:`tests.disk`); the store must say which it was, keep no
temporary file and never leave anything but a whole blob under a key.
Reading a stored blob back fails as the disk does, never as bad content.
"""

import errno
import io
import logging
import os
import time

import pytest
from PIL import Image

from cms import media
from cms.storage import BlobStore, BlobStoreFull, BlobStoreUnavailable
from tests.disk import failing

DATA = b"the content of a file\n" * 100


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "blobs")


def stored_files(store):
    return sorted(
        p for p in store.root.rglob("*") if p.is_file() and store.tmp not in p.parents
    )


@pytest.mark.parametrize(
    ("call", "code", "error"),
    [
        ("open", errno.ENOSPC, BlobStoreFull),  # no inode left for the file
        ("open", errno.EACCES, BlobStoreUnavailable),
        ("write", errno.ENOSPC, BlobStoreFull),
        ("write", errno.EDQUOT, BlobStoreFull),
        ("write", errno.EIO, BlobStoreUnavailable),
        ("fsync", errno.EIO, BlobStoreUnavailable),
        ("fsync", errno.ENOSPC, BlobStoreFull),
        ("mkdir", errno.EACCES, BlobStoreUnavailable),
        ("mkdir", errno.ENOSPC, BlobStoreFull),
        ("replace", errno.EROFS, BlobStoreUnavailable),
        ("replace", errno.ENOSPC, BlobStoreFull),
    ],
)
def test_a_failing_disk_is_named_and_leaves_nothing(store, call, code, error):
    with failing(store.root, call, code) as fault, pytest.raises(error) as raised:
        store.save(io.BytesIO(DATA), max_bytes=len(DATA))
    assert fault.failed == 1
    assert raised.value.__cause__.errno == code
    assert list(store.tmp.iterdir()) == []
    assert stored_files(store) == []
    # Once the disk is well again, the same content is stored.
    blob = store.save(io.BytesIO(DATA), max_bytes=len(DATA))
    with store.open(blob.key) as fp:
        assert fp.read() == DATA


def test_a_failed_save_of_stored_content_keeps_the_stored_blob(store):
    blob = store.save_bytes(DATA)
    # Refreshing the blob's time on a file system turned read-only.
    read_only = failing(store.root, "utime", errno.EROFS)
    with read_only, pytest.raises(BlobStoreUnavailable):
        store.save_bytes(DATA)
    assert list(store.tmp.iterdir()) == []
    assert stored_files(store) == [store.path(blob.key)]
    assert store.path(blob.key).read_bytes() == DATA


def test_a_temporary_file_that_cannot_be_removed_hides_no_error(store, caplog):
    full = failing(store.root, "write", errno.ENOSPC)
    stuck = failing(store.root, "unlink", errno.EIO)
    with full, stuck, pytest.raises(BlobStoreFull):
        store.save_bytes(DATA)
    # The leftover is named in the log, and swept later.
    (leftover,) = store.tmp.iterdir()
    assert str(leftover) in caplog.text
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    then = time.time() - 3600
    os.utime(leftover, (then, then))
    assert store.clean_tmp(older_than_seconds=60) == 1
    assert stored_files(store) == []


def test_a_write_that_takes_part_of_the_chunk_is_continued(store, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, data[:1000]))
    data = os.urandom(200_000)
    blob = store.save(io.BytesIO(data), max_bytes=len(data))
    assert store.path(blob.key).read_bytes() == data


@pytest.mark.parametrize("code", [errno.EIO, errno.EACCES])
def test_a_blob_the_disk_cannot_read(store, code):
    blob = store.save_bytes(DATA)
    with failing(store.root, "read", code), pytest.raises(BlobStoreUnavailable):
        store.open(blob.key)
    with store.open(blob.key) as fp:
        assert fp.read() == DATA


def test_a_missing_blob_is_not_a_failing_disk(store):
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)


def test_a_disk_failing_mid_image_is_no_fault_of_the_image(monkeypatch, tmp_path):
    # Reading a stored image back: a failing disk is not a broken image
    # (NotAnImage would answer the uploader 400).
    image = Image.new("RGB", (300, 300))
    image.putdata([(i % 256, i // 256 % 256, 7) for i in range(300 * 300)])
    out = io.BytesIO()
    image.save(out, "PNG")
    path = tmp_path / "photo.png"
    path.write_bytes(out.getvalue())

    class FailingDisk(io.BytesIO):
        def read(self, size=-1):
            if self.tell() > 100:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return super().read(size)

    monkeypatch.setattr(media, "open", lambda *a: FailingDisk(out.getvalue()), False)
    for read in (media.image_info, lambda p: media.make_scale(p, "thumb")):
        with pytest.raises(OSError) as raised:
            read(path)
        assert raised.value.errno == errno.EIO
