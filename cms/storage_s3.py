"""A blob store in an S3-compatible object store: the same keys, the same promises.

Objects are named ``PREFIX`` + the SHA-256 of their content, as the local
store names its files (`cms.storage`). An upload is streamed to a local
temporary file and hashed on the way (memory stays flat whatever its size),
then put under its key unless an object is already there: an object is
never changed, so a replace never alters bytes a reader is downloading. The
object is put before the row that names it commits; a crash in between
leaves an orphan object for ``blobs gc``, never a row naming a missing one.

Reads stream the object's body (`S3Reader`); a seek, as a range request
makes, asks the store for the rest from there instead of reading up to it.

Whatever goes wrong on the way to the store (no answer, a refusal, a server
error) is `BlobStoreUnavailable`; a missing object is FileNotFoundError,
as a missing file is.
"""

import io
import logging
import os
import tempfile
import time
from contextlib import contextmanager

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from cms.storage import KEY, BlobStoreUnavailable, Staged, copy_into, store_errors

log = logging.getLogger(__name__)

#: Seconds to wait for the store to accept a connection, then for an answer.
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 30
#: Parts of a large upload go in parallel, 8 MB each (boto3's default).
TRANSFER = TransferConfig(
    multipart_threshold=64 * 2**20, multipart_chunksize=16 * 2**20, max_concurrency=4
)
_MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(error):
    return isinstance(error, ClientError) and (
        error.response.get("Error", {}).get("Code") in _MISSING
    )


@contextmanager
def s3_errors(what):
    """Turn the S3 client's errors into `BlobStoreUnavailable` (a 404 stays)."""
    try:
        yield
    except ClientError as error:
        if _missing(error):
            raise FileNotFoundError(what) from error
        message = f"the object store refused {what}: {error}"
        raise BlobStoreUnavailable(message) from error
    except BotoCoreError as error:
        message = f"the object store failed on {what}: {error}"
        raise BlobStoreUnavailable(message) from error


class S3Reader(io.RawIOBase):
    """An object's bytes, streamed; ``size`` and ``mtime`` as a stat gives them."""

    def __init__(self, store, name, response):
        self._store, self._name = store, name
        self._body = response["Body"]
        self.size = response["ContentLength"]
        self.mtime = response["LastModified"].timestamp()
        self._position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}
        target = max(0, base[whence] + offset)
        if target != self._position:
            self._body.close()
            self._body = None
            self._position = target
        return target

    def readinto(self, buffer):
        if self._position >= self.size:
            return 0
        if self._body is None:
            # The rest of the object from here: what a range request needs.
            with s3_errors(self._name):
                self._body = self._store.client.get_object(
                    Bucket=self._store.bucket,
                    Key=self._name,
                    Range=f"bytes={self._position}-",
                )["Body"]
        with s3_errors(self._name):
            data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self):
        if self._body is not None:
            self._body.close()
            self._body = None
        super().close()


class S3BlobStore:
    """The blobs under ``s3://BUCKET/PREFIX`` of the store at *endpoint*."""

    def __init__(self, url, bucket, prefix, endpoint=None):
        self.url, self.bucket, self.prefix = url, bucket, prefix
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or None,
            config=Config(
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def __repr__(self):
        return f"S3BlobStore({self.url!r})"

    def name(self, key):
        """Return the object name of blob *key*; refuse anything but a SHA-256."""
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise ValueError(f"not a blob key: {key!r}")
        return self.prefix + key

    def stage(self, stream, max_bytes):
        """Copy *stream* to a local temporary file, hashed: a `Staged` to commit."""
        with store_errors():  # the local disk that stages it
            fd, tmp = tempfile.mkstemp(prefix="cms-upload-")
        try:
            blob = copy_into(stream, fd, max_bytes)
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        os.close(fd)
        return Staged(blob, tmp, self._put)

    def save(self, stream, max_bytes):
        with self.stage(stream, max_bytes) as staged:
            staged.commit()
        return staged.blob

    def save_bytes(self, data):
        return self.save(io.BytesIO(data), max_bytes=len(data))

    def _put(self, tmp, key):
        name = self.name(key)
        with s3_errors(name):
            if self._exists(name):
                # Same key, same content: keep it, but a copy onto itself makes
                # it young again, so that gc spares an orphan about to be named.
                self.client.copy_object(
                    Bucket=self.bucket,
                    Key=name,
                    CopySource={"Bucket": self.bucket, "Key": name},
                    MetadataDirective="REPLACE",
                )
            else:
                self.client.upload_file(tmp, self.bucket, name, Config=TRANSFER)
        return tmp  # still there: a staged file is removed when done with

    def _exists(self, name):
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    def exists(self, key):
        name = self.name(key)
        with s3_errors(name):
            return self._exists(name)

    def size(self, key):
        name = self.name(key)
        with s3_errors(name):
            return self.client.head_object(Bucket=self.bucket, Key=name)[
                "ContentLength"
            ]

    def open(self, key):
        """Open blob *key*: an `S3Reader`; FileNotFoundError if it is missing."""
        name = self.name(key)
        with s3_errors(name):
            response = self.client.get_object(Bucket=self.bucket, Key=name)
        return S3Reader(self, name, response)

    def delete(self, key):
        name = self.name(key)
        with s3_errors(name):
            self.client.delete_object(Bucket=self.bucket, Key=name)

    def _entries(self):
        """Yield ``(key, last modified timestamp)`` of every stored blob."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        with s3_errors(f"the listing of {self.url}"):
            for page in pages:
                for entry in page.get("Contents", ()):
                    key = entry["Key"][len(self.prefix) :]
                    if KEY.fullmatch(key):
                        yield key, entry["LastModified"].timestamp()

    def keys(self):
        for key, _ in self._entries():
            yield key

    def orphans(self, referenced, older_than_seconds=0):
        """Return, sorted, the stored keys not in *referenced*, old enough."""
        cutoff = time.time() - older_than_seconds
        return sorted(
            key
            for key, mtime in self._entries()
            if key not in referenced and mtime <= cutoff
        )

    def stale_tmp(self, older_than_seconds):
        """Uploads are staged in the system's temporary folder, removed as done."""
        return []

    def clean_tmp(self, older_than_seconds):
        return 0

    def check(self):
        """Raise `BlobStoreUnavailable` unless the bucket answers."""
        try:
            with s3_errors(self.url):
                self.client.head_bucket(Bucket=self.bucket)
        except FileNotFoundError:
            raise BlobStoreUnavailable(f"there is no bucket {self.bucket}") from None
