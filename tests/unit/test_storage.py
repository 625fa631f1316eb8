"""The blob store: keys are content hashes, uploads are streamed and bounded."""

import hashlib
import io
import os
import time

import pytest

from cms.storage import CHUNK_SIZE, Blob, BlobStore, BlobTooLarge, EmptyBlob

MiB = 1024 * 1024


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "blobs")


def stored_files(store):
    return sorted(
        p for p in store.root.rglob("*") if p.is_file() and store.tmp not in p.parents
    )


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


class RecordingStream:
    """A stream that records how much it is asked for, and refuses too much."""

    def __init__(self, data):
        self.data = io.BytesIO(data)
        self.asked = []

    def read(self, size=-1):
        assert 0 <= size <= MiB, f"asked for {size} bytes at once"
        self.asked.append(size)
        return self.data.read(size)


class BrokenStream:
    """A connection that drops after its first chunk."""

    def __init__(self):
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        if self.reads > 1:
            raise OSError("connection reset")
        return b"x" * size


def test_root_and_tmp_are_created(tmp_path):
    store = BlobStore(tmp_path / "a" / "b")
    assert store.tmp.is_dir()
    assert store.tmp.parent == tmp_path / "a" / "b"


def test_save_and_open_round_trip(store):
    data = b"hello blob\n" * 1000
    blob = store.save(io.BytesIO(data), max_bytes=MiB)
    assert blob == Blob(hashlib.sha256(data).hexdigest(), len(data))
    assert store.exists(blob.key)
    with store.open(blob.key) as f:
        assert f.read() == data
    key = blob.key
    assert store.path(key) == store.root / key[:2] / key[2:4] / key
    assert list(store.tmp.iterdir()) == []


def test_blob_is_immutable(store):
    blob = store.save(io.BytesIO(b"x"), max_bytes=10)
    with pytest.raises(AttributeError):
        blob.size = 2


def test_same_content_is_stored_once(store):
    first = store.save(io.BytesIO(b"same"), max_bytes=10)
    second = store.save(io.BytesIO(b"same"), max_bytes=10)
    assert first == second
    assert stored_files(store) == [store.path(first.key)]
    assert list(store.tmp.iterdir()) == []


def test_save_bytes_stores_like_save(store):
    blob = store.save_bytes(b"\x89PNG scale")
    assert blob == store.save(io.BytesIO(b"\x89PNG scale"), max_bytes=100)
    assert stored_files(store) == [store.path(blob.key)]


def test_exactly_max_bytes_is_accepted(store):
    blob = store.save(io.BytesIO(b"a" * 100), max_bytes=100)
    assert blob.size == 100


def test_one_byte_more_is_too_large_and_leaves_nothing(store):
    with pytest.raises(BlobTooLarge):
        store.save(io.BytesIO(b"a" * 101), max_bytes=100)
    assert list(store.tmp.iterdir()) == []
    assert stored_files(store) == []


def test_too_large_stops_reading(store):
    stream = RecordingStream(b"a" * (3 * MiB))
    with pytest.raises(BlobTooLarge):
        store.save(stream, max_bytes=100)
    assert sum(stream.asked) == 101


@pytest.mark.parametrize(
    "save", [lambda s: s.save(io.BytesIO(b""), 10), lambda s: s.save_bytes(b"")]
)
def test_empty_content_is_refused(store, save):
    with pytest.raises(EmptyBlob):
        save(store)
    assert list(store.tmp.iterdir()) == []
    assert stored_files(store) == []


def test_stream_is_read_in_chunks(store):
    data = os.urandom(3 * MiB + 5)
    stream = RecordingStream(data)
    blob = store.save(stream, max_bytes=10 * MiB)
    assert blob.key == hashlib.sha256(data).hexdigest()
    assert max(stream.asked) == CHUNK_SIZE
    assert len(stream.asked) > 3 * MiB // CHUNK_SIZE


def test_failing_stream_leaves_no_temporary_file(store):
    with pytest.raises(OSError, match="reset"):
        store.save(BrokenStream(), max_bytes=MiB)
    assert list(store.tmp.iterdir()) == []


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "../" + "a" * 61,
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "g" * 64,
        "a" * 64 + "\n",
        "",
        None,
    ],
)
def test_path_refuses_anything_but_a_key(store, key):
    with pytest.raises(ValueError):
        store.path(key)
    with pytest.raises(ValueError):
        store.open(key)
    with pytest.raises(ValueError):
        store.delete(key)


def test_open_missing_blob(store):
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
    assert not store.exists("0" * 64)


def test_delete(store):
    blob = store.save_bytes(b"gone")
    store.delete(blob.key)
    assert not store.exists(blob.key)
    store.delete(blob.key)  # already gone: no error


def test_keys_lists_blobs_only(store):
    saved = {store.save_bytes(data).key for data in (b"one", b"two", b"three")}
    key = next(iter(saved))
    other = "ab" * 32
    (store.tmp / other).write_bytes(b"in progress")
    (store.root / other).write_bytes(b"not under its fan-out")
    (store.root / "cd" / "ef").mkdir(parents=True)
    (store.root / "cd" / "ef" / other).write_bytes(b"under the wrong fan-out")
    (store.path(key).parent / "notes.txt").write_bytes(b"not a key")
    (store.root / "README").write_bytes(b"stray")
    fake = store.path("cd" * 32)
    fake.mkdir(parents=True)  # a directory, not a file
    assert sorted(store.keys()) == sorted(saved)


def test_orphans_are_the_unreferenced_keys(store):
    keys = sorted(store.save_bytes(data).key for data in (b"a", b"b", b"c", b"d"))
    assert store.orphans(set(keys)) == []
    assert store.orphans({keys[1]}) == [keys[0], keys[2], keys[3]]
    assert store.orphans(set()) == keys


def test_orphans_spare_recent_blobs(store):
    old = store.save_bytes(b"old")
    store.save_bytes(b"new")
    age(store.path(old.key), 3600)
    assert store.orphans(set(), older_than_seconds=600) == [old.key]


def test_saving_again_refreshes_an_old_blob(store):
    """An upload that finds its content stored must keep it from the sweep."""
    blob = store.save_bytes(b"reused")
    age(store.path(blob.key), 3600)
    store.save(io.BytesIO(b"reused"), max_bytes=100)
    assert store.orphans(set(), older_than_seconds=600) == []


def test_clean_tmp_removes_stale_files_only(store):
    stale, fresh = store.tmp / "stale", store.tmp / "fresh"
    stale.write_bytes(b"crashed")
    fresh.write_bytes(b"uploading")
    age(stale, 7200)
    blob = store.save_bytes(b"kept")
    age(store.path(blob.key), 7200)
    assert store.clean_tmp(older_than_seconds=3600) == 1
    assert list(store.tmp.iterdir()) == [fresh]
    assert store.exists(blob.key)
