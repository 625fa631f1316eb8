"""``cms-admin INI blobs migrate --to URL``: copy every blob into another store.

From the site's store (a folder or a bucket) to *URL* (``s3://BUCKET/PREFIX``,
``file:///path`` or a folder). Resumable: a blob the target already holds
is not copied again, but every blob is read back from the target and
hashed, so one left damaged by an interrupted run is found. The site keeps
using its store until the operator changes its settings, as printed at the
end; nothing is deleted from the source.
"""

import hashlib

from cms.blobstore import is_s3, store_for_url
from cms.scripts.progress import Progress
from cms.storage import CHUNK_SIZE, StorageError

#: A blob copied between stores is as large as it is: no limit of its own.
NO_LIMIT = 2**62


def _digest(store, key):
    digest = hashlib.sha256()
    with store.open(key) as fp:
        while chunk := fp.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def migrate(source, target, progress):
    """Copy what *target* lacks of *source*; return ``(copied, kept, damaged)``."""
    keys = sorted(source.keys())
    progress = progress(len(keys), "migrate: blobs")
    copied = kept = 0
    damaged = []
    for key in keys:
        if target.exists(key):
            kept += 1
        else:
            with source.open(key) as fp:
                target.save(fp, NO_LIMIT)
            copied += 1
        if _digest(target, key) != key:
            damaged.append(key)
        progress.step()
    progress.finish()
    return copied, kept, damaged


def settings_to_change(url, endpoint):
    if is_s3(url):
        lines = [f"CMS_BLOB_URL={url}   (cms.blob_url)"]
        if endpoint:
            lines.append(f"CMS_S3_ENDPOINT={endpoint}   (cms.s3_endpoint)")
        return lines
    folder = store_for_url(url).root
    return [f"CMS_BLOB_DIR={folder}   (cms.blob_dir)", "and unset CMS_BLOB_URL"]


def run(request, args):
    settings = request.registry.settings
    source = request.registry["blobstore"]
    endpoint = (
        args.endpoint if args.endpoint is not None else settings["cms.s3_endpoint"]
    )
    try:
        target = store_for_url(args.to, endpoint or None)
        copied, kept, damaged = migrate(source, target, Progress)
    except (StorageError, ValueError, OSError) as error:
        print(f"blobs migrate: {error}. Run it again to go on where it stopped.")
        return 1
    print(f"Copied {copied} blobs to {args.to}; {kept} were there already.")
    if damaged:
        for key in damaged:
            print(f"damaged in the target: {key} (delete it there and run again)")
        return 1
    print("Every blob was read back and matches its hash. To use the new store,")
    print("stop the site, run this once more (to copy what came meanwhile), set")
    for line in settings_to_change(args.to, endpoint):
        print(f"  {line}")
    print("and start the site again.")
    return 0
