"""Which blob store a site uses: a local folder, or an S3-compatible bucket.

``cms.blob_url`` (``CMS_BLOB_URL``) names it: ``s3://BUCKET/PREFIX`` for a
bucket (``cms.s3_endpoint`` / ``CMS_S3_ENDPOINT`` for a store that is not
AWS; credentials and region from boto3's usual ``AWS_*`` variables), or
``file:///path`` (or a plain path) for a folder. Without it, the folder
``cms.blob_dir``. Both stores keep the same promises and answer the same
methods (`cms.storage.BlobStore`, `cms.storage_s3.S3BlobStore`); nothing
else in the code asks which one it has.
"""

from urllib.parse import unquote, urlsplit

from cms.storage import BlobStore


def is_s3(url):
    return url.startswith("s3://")


def _bucket(url):
    """Return ``(bucket, prefix)`` of ``s3://BUCKET/PREFIX``; prefix ends with ``/``."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url!r}: use s3://BUCKET/PREFIX")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def _folder(url):
    """Return the folder of ``file:///path`` or of a plain path."""
    if url.startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"not a local folder: {url!r}")
        url = unquote(parts.path)
    if "://" in url or not url:
        raise ValueError(
            f"not a blob store URL: {url!r} (s3://BUCKET/PREFIX, file:///path "
            "or a folder)"
        )
    return url


def check_url(url):
    """Raise ValueError unless *url* names a blob store."""
    if is_s3(url):
        _bucket(url)
    else:
        _folder(url)


def store_for_url(url, endpoint=None, create=True):
    """The blob store at *url*: ``s3://BUCKET/PREFIX``, ``file:///path`` or a path."""
    if is_s3(url):
        from cms.storage_s3 import S3BlobStore  # boto3 only for those who use it

        bucket, prefix = _bucket(url)
        return S3BlobStore(url, bucket, prefix, endpoint)
    return BlobStore(_folder(url), create=create)


def store_for_settings(settings):
    """The site's blob store, as its settings name it."""
    url = settings.get("cms.blob_url") or settings["cms.blob_dir"]
    return store_for_url(url, settings.get("cms.s3_endpoint") or None)
