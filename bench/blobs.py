"""``python -m bench.blobs``: a 20 MB file up and down, on a folder and on S3.

The upload goes through the whole WSGI stack (multipart parsing, the blob
store, the row) from a file on disk, and the download is read chunk by chunk
and thrown away, so that what tracemalloc reports as the peak is what the
application itself held. The S3 store is SeaweedFS on 127.0.0.1, started
for the run (``bench.seaweed``). Prints one line per store and operation.
"""

import hashlib
import os
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from webob import Request

from bench.scale.common import session
from bench.seaweed import CREDENTIALS, REGION, SeaweedServer
from cms import main as make_app
from cms.migrations import upgrade
from cms.security.tokens import create_token
from cms.site import ensure_admin, ensure_root, find_user

SIZE = 20 * 2**20
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BOUNDARY = "benchboundary0123456789"


def make_site(folder, extra):
    app = make_app(
        {},
        **{
            "sqlalchemy.url": f"sqlite:///{folder / 'bench.sqlite'}",
            "cms.blob_dir": str(folder / "blobs"),
            "cms.secret": secrets.token_hex(32),
            "cms.login_slowdown": "0",
            **extra,
        },
    )
    upgrade(app.registry["dbengine"])
    with session(app) as dbsession:
        ensure_root(dbsession)
        ensure_admin(dbsession, secrets.token_hex(16))
        _token, secret = create_token(dbsession, find_user(dbsession, "admin"), "b")
    return app, {"Authorization": f"Bearer {secret}", "Accept": "application/json"}


def multipart(folder, data, name):
    """Write the multipart body of an upload of *data* to a file; return its path."""
    path = folder / f"{name}.body"
    with path.open("wb") as out:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="@type"\r\n\r\n'
            f"File\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{name}.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path


def upload(app, headers, body):
    with body.open("rb") as fp:
        request = Request.blank("/", method="POST", headers=headers)
        request.content_type = f"multipart/form-data; boundary={BOUNDARY}"
        request.body_file = fp
        request.content_length = body.stat().st_size
        response = request.get_response(app)
    assert response.status_int == 201, response.text
    return response.json["file"]["download"].split("localhost", 1)[-1]


def download(app, headers, path):
    response = Request.blank(path, headers=headers).get_response(app)
    digest, size = hashlib.sha256(), 0
    for chunk in response.app_iter:
        digest.update(chunk)
        size += len(chunk)
    if hasattr(response.app_iter, "close"):
        response.app_iter.close()
    assert response.status_int == 200 and size == SIZE
    return digest.hexdigest()


def measure(trace, function, *args):
    """Return ``(seconds, peak bytes traced or 0, result)`` of one call.

    Tracing slows Python code down a lot: timed rounds are not traced.
    """
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = function(*args)
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, peak, result


def run_store(name, folder, extra):
    app, headers = make_site(folder, extra)
    ups, downs, peaks = [], [], []
    for round_ in range(ROUNDS + 1):
        trace = round_ == ROUNDS  # the last round measures memory only
        data = os.urandom(SIZE)  # new content: nothing is stored already
        body = multipart(folder, data, f"{name}{round_}")
        expected = hashlib.sha256(data).hexdigest()
        del data
        up, up_peak, path = measure(trace, upload, app, headers, body)
        down, down_peak, digest = measure(trace, download, app, headers, path)
        assert digest == expected
        body.unlink()
        if trace:
            peaks.append(max(up_peak, down_peak))
        else:
            ups.append(up)
            downs.append(down)
    app.registry["dbengine"].dispose()
    return statistics.median(ups), statistics.median(downs), max(peaks)


def main():
    with tempfile.TemporaryDirectory(prefix="bench-blobs-") as tmp:
        tmp = Path(tmp)
        server = SeaweedServer(tmp / "seaweedfs")
        os.environ.update({**CREDENTIALS, "AWS_REGION": REGION})
        try:
            server.start()
            bucket = server.bucket("bench")
            results = {}
            for name, extra in (
                ("local", {}),
                (
                    "s3",
                    {
                        "cms.blob_url": f"s3://{bucket}/site",
                        "cms.s3_endpoint": server.endpoint,
                    },
                ),
            ):
                (tmp / name).mkdir()
                results[name] = run_store(name, tmp / name, extra)
        finally:
            server.stop()
    mb = SIZE / 2**20
    print(f"20 MB file, median of {ROUNDS} rounds, through the WSGI app:")
    for name, (up, down, peak) in results.items():
        print(
            f"{name:6} upload {up:6.2f} s ({mb / up:6.1f} MB/s)  "
            f"download {down:6.2f} s ({mb / down:6.1f} MB/s)  "
            f"peak memory (traced) {peak / 2**20:5.1f} MB"
        )
    local, s3 = results["local"], results["s3"]
    print(
        f"s3 / local: upload {s3[0] / local[0]:.2f}x, download "
        f"{s3[1] / local[1]:.2f}x, upload + download "
        f"{(s3[0] + s3[1]) / (local[0] + local[1]):.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
