"""The site under soak: a database of its own, served by ``pserve``.

The server runs the checkout's own code (``PYTHONPATH``) with an ini file,
``production.ini`` by default, taking the database, the blob folder and the
secret from the environment as in production. It listens on 127.0.0.1, on a
port chosen once and kept across restarts. Its output goes to
``server.log`` in the run's folder, appended to by every start.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Seconds a start may take before the run is given up.
START_TIMEOUT = 30
#: How the ini files' format names the access log's lines (cms.access).
ACCESS_LINE = " [cms.access:"


class ServerDown(Exception):
    """The server did not start, or stopped by itself."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, folder, database_url, ini):
        self.folder = folder
        self.database_url = database_url
        self.ini = str(ini)
        self.blob_dir = folder / "blobs"
        self.log = folder / "server.log"
        self.port = free_port()
        self.process = None
        self.admin_password = secrets.token_urlsafe(24)
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in ("CMS_PUBLIC_URL", "CMS_TRUSTED_PROXIES")
        }
        path = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
        self.environ = environ | {
            "PYTHONPATH": path,
            "CMS_DATABASE_URL": database_url,
            "CMS_BLOB_DIR": str(self.blob_dir),
            "CMS_SECRET": secrets.token_urlsafe(48),
            "CMS_ADMIN_PASSWORD": self.admin_password,
        }

    def command(self, name, *args):
        """Run ``name INI args…`` (a console script of the venv); return it done."""
        return subprocess.run(
            [str(BIN / name), self.ini, *args],
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def initialize(self):
        done = self.command("initialize_cms_db")
        if done.returncode:
            raise ServerDown(f"initialize_cms_db failed:\n{done.stdout}{done.stderr}")

    def start(self):
        """Start the server and wait until it is ready; return the seconds taken."""
        started = time.monotonic()
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [str(BIN / "pserve"), self.ini, f"http_port={self.port}"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.environ,
                start_new_session=True,  # a Ctrl-C is the soak's to handle
            )
        while time.monotonic() - started < START_TIMEOUT:
            if self.process.poll() is not None:
                raise ServerDown(f"the server stopped; see {self.log}")
            if self.ready():
                return time.monotonic() - started
            time.sleep(0.05)
        raise ServerDown(f"the server was not ready within {START_TIMEOUT} s")

    def ready(self):
        url = f"http://127.0.0.1:{self.port}/readyz"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def kill(self):
        """Kill the server as a crash would (SIGKILL) and reap it."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.wait()

    def stop(self):
        """Stop the server the polite way (SIGTERM), then by force."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.wait()

    def wait(self):
        if self.process:
            self.process.wait()
            self.process = None

    def login(self):
        """A bearer token of the admin, from ``POST /@@login``."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/@@login",
            data=json.dumps(
                {"login": "admin", "password": self.admin_password, "title": "soak"}
            ).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)["token"]

    def log_lines(self):
        """Lines of the server's log besides the access log (one per request)."""
        with self.log.open(errors="replace") as log:
            return sum(1 for line in log if ACCESS_LINE not in line)
