"""The shipped nginx site (``deploy/nginx/cms.conf``) run by a test.

The site file is used as shipped but for the lines that name this machine:
its ports, certificate, log folder and static folder are swapped for the
test's own (each must be found, so a change to the shipped file that the
test no longer matches fails loudly). A minimal ``nginx.conf`` around it
keeps the pid, logs and temporary files in the test's folder.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

import cms

ROOT = Path(__file__).resolve().parents[1]
SITE_FILE = ROOT / "deploy" / "nginx" / "cms.conf"
#: The host name the shipped file serves.
PUBLIC_HOST = "www.example.org"
STATIC = Path(cms.__file__).parent / "static"


def nginx_binary():
    """nginx's path; a failure, not a skip, when it is missing."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        pytest.fail("nginx is not installed: bin/test installs it (bin/lib/deploy.sh)")
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificate(folder):
    """A self-signed certificate for the public host and 127.0.0.1."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subject = f"subjectAltName=DNS:{PUBLIC_HOST},IP:127.0.0.1"
    command = (
        f"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        f"-days 2 -subj /CN={PUBLIC_HOST} -addext {subject} "
        f"-keyout {key} -out {cert}"
    )
    subprocess.run(  # noqa: S603
        [shutil.which("openssl") or "openssl", *command.split()],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def site_config(folder, http_port, https_port, app_ports, cert, key):
    """The shipped site file with this machine's paths and ports."""
    upstream = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/ssl/cms/PLACEHOLDER-fullchain.pem": str(cert),
        "/etc/ssl/cms/PLACEHOLDER-privkey.pem": str(key),
        "/var/log/nginx/": f"{folder}/",
        "/var/www/letsencrypt": str(folder / "acme"),
        "/srv/cms/static/": f"{STATIC}/",
        "    server 127.0.0.1:6543;\n    server 127.0.0.1:6544;\n": upstream,
    }
    text = SITE_FILE.read_text()
    for old, new in replacements.items():
        assert old in text, f"{SITE_FILE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


def write_config(folder, site_text):
    """Write ``nginx.conf`` around *site_text*; return its path."""
    (folder / "cms.conf").write_text(site_text)
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir(exist_ok=True)
    # As root, nginx's workers would run as nobody, who may not enter the
    # test's folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}daemon off;\nworker_processes 1;\n"
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    types { text/html html; text/css css; application/javascript js;\n"
        "            image/svg+xml svg; image/png png; application/json json; }\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {folder}/access.log;\n"
        f"    client_body_temp_path {folder}/client_body;\n"
        f"    proxy_temp_path {folder}/proxy;\n"
        f"    fastcgi_temp_path {folder}/fastcgi;\n"
        f"    uwsgi_temp_path {folder}/uwsgi;\n"
        f"    scgi_temp_path {folder}/scgi;\n"
        f"    include {folder}/cms.conf;\n"
        "}\n"
    )
    return config


def nginx_command(config, *args):
    folder = config.parent
    return [
        nginx_binary(),
        *("-p", f"{folder}/", "-e", f"{folder}/error.log", "-c", str(config)),
        *args,
    ]


def check_config(config):
    """``nginx -t``: the result of the check, with what nginx said."""
    return subprocess.run(  # noqa: S603
        nginx_command(config, "-t"), capture_output=True, text=True, timeout=60
    )


def wait_for_port(port, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on {port} after {seconds} s:\n{log.read_text()}")


def stop(process):
    """Stop a process this test started, by its PID."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
