"""The shipped nginx site (``deploy/nginx/cms.conf``) in front of the site.

nginx itself checks the file (``nginx -t``), then serves it over HTTPS on
127.0.0.1 in front of two ``pserve`` processes of ``production.ini`` that
trust 127.0.0.1 as their proxy. The client connects from 127.0.0.2 and
127.0.0.3 (loopback addresses too), so that the address nginx forwards
differs from nginx's own.
"""

import configparser
import gzip
import http.client
import json
import os
import re
import secrets
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cms.assets import editor_files
from cms.scripts import initialize_db
from tests.nginx import (
    PUBLIC_HOST,
    ROOT,
    SITE_FILE,
    STATIC,
    check_config,
    free_port,
    make_certificate,
    nginx_command,
    site_config,
    stop,
    wait_for_port,
    write_config,
)
from tests.sites import scratch_database, site_ini

PSERVE = Path(sys.executable).with_name("pserve")
#: Failed logins from one address before it is refused (429).
ADDRESS_LIMIT = 3


def waitress_limit():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "production.ini")
    return int(parser["server:main"]["max_request_body_size"])


def test_nginx_takes_what_waitress_takes():
    size = re.search(r"client_max_body_size (\d+)m;", SITE_FILE.read_text())
    assert int(size.group(1)) * 2**20 == waitress_limit()


def test_nginx_accepts_the_shipped_site(tmp_path):
    cert, key = make_certificate(tmp_path)
    text = site_config(tmp_path, free_port(), free_port(), [6543, 6544], cert, key)
    result = check_config(write_config(tmp_path, text))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class Processes:
    """``pserve production.ini`` processes on one database, one per port."""

    def __init__(self, folder, environment, count):
        self.folder, self.environment = folder, environment
        self.ports = [free_port() for _ in range(count)]
        self.running = {}

    def start(self, port):
        log = self.folder / f"app-{port}.log"
        command = [
            str(PSERVE),
            str(self.folder / "production.ini"),
            f"http_port={port}",
        ]
        with log.open("a") as output:
            self.running[port] = subprocess.Popen(  # noqa: S603
                command, stdout=output, stderr=subprocess.STDOUT, env=self.environment
            )
        wait_for_port(port, self.running[port], log)

    def stop(self, port):
        stop(self.running.pop(port))


@pytest.fixture(scope="module")
def processes(database_url, tmp_path_factory):
    """Two processes of production.ini, trusting 127.0.0.1 as their proxy."""
    folder = tmp_path_factory.mktemp("nginx-site")
    with scratch_database(database_url, folder) as url:
        ini = site_ini(folder / "site.ini", url, folder / "blobs")
        assert initialize_db.main(["initialize_cms_db", ini]) == 0
        production = (ROOT / "production.ini").read_text()
        # Few failures before a 429, and no waits: the client's address is
        # seen by what the site counts it for.
        (folder / "production.ini").write_text(
            production.replace(
                "cms.secure_cookies = true\n",
                "cms.secure_cookies = true\n"
                f"cms.login_address_limit = {ADDRESS_LIMIT}\n"
                "cms.login_slowdown = 0\n",
            )
        )
        environment = {
            **os.environ,
            "CMS_DATABASE_URL": url,
            "CMS_SECRET": secrets.token_urlsafe(48),
            "CMS_BLOB_DIR": str(folder / "blobs"),
            "CMS_TRUSTED_PROXIES": "127.0.0.1",
        }
        environment.pop("CMS_PUBLIC_URL", None)
        site = Processes(folder, environment, 2)
        try:
            for port in site.ports:
                site.start(port)
            yield site
        finally:
            for port in list(site.running):
                site.stop(port)


class Proxy:
    """nginx serving the shipped site, and requests to it."""

    def __init__(self, folder, cert, https_port, http_port):
        self.folder, self.https_port, self.http_port = folder, https_port, http_port
        self.context = ssl.create_default_context(cafile=str(cert))

    def https(self, path, client="127.0.0.2", method="GET", body=None, **headers):
        """One request over HTTPS from *client*: ``(status, headers, body)``."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.https_port,
            context=self.context,
            timeout=30,
            source_address=(client, 0),
        )
        return self._send(connection, method, path, body, headers)

    def http(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        return self._send(connection, "GET", path, None, {})

    def logged(self, text, count):
        """The access log's lines naming *text*, once there are *count*.

        nginx writes a request's line after it has sent the answer.
        """
        log = self.folder / "cms.access.log"
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in log.read_text().splitlines() if text in line]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)

    def _send(self, connection, method, path, body, headers):
        try:
            headers = {"Host": PUBLIC_HOST, **headers}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def proxy(processes, tmp_path_factory):
    """nginx with the shipped site in front of the two processes."""
    folder = tmp_path_factory.mktemp("nginx")
    cert, key = make_certificate(folder)
    https_port, http_port = free_port(), free_port()
    config = write_config(
        folder, site_config(folder, http_port, https_port, processes.ports, cert, key)
    )
    nginx = subprocess.Popen(  # noqa: S603
        nginx_command(config), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(https_port, nginx, folder / "error.log")
        yield Proxy(folder, cert, https_port, http_port)
    finally:
        stop(nginx)


JSON = {"Accept": "application/json"}


def test_pages_name_https_and_the_public_host(proxy):
    status, headers, body = proxy.https("/", **JSON)
    assert status == 200, body
    assert json.loads(body)["@id"] == f"https://{PUBLIC_HOST}/"
    status, headers, body = proxy.https("/")
    assert status == 200
    assert f'<link rel="canonical" href="https://{PUBLIC_HOST}/">' in body.decode()
    assert headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_metrics_are_not_served_through_nginx(proxy):
    status, _headers, _body = proxy.https("/metrics")
    assert status == 404


def test_plain_http_is_sent_to_https(proxy):
    status, headers, _body = proxy.http("/news/?page=2")
    assert status == 301
    assert headers["Location"] == f"https://{PUBLIC_HOST}/news/?page=2"


def test_the_site_counts_the_address_nginx_forwards(proxy):
    def login(client):
        body = json.dumps({"login": "nobody", "password": "wrong"}).encode()
        status, _headers, _body = proxy.https(
            "/@@login",
            client=client,
            method="POST",
            body=body,
            **JSON,
            **{"Content-Type": "application/json"},
        )
        return status

    assert [login("127.0.0.2") for _ in range(ADDRESS_LIMIT)] == [401] * ADDRESS_LIMIT
    assert login("127.0.0.2") == 429
    # Another client behind the same nginx is not refused: the site counted
    # 127.0.0.2, not nginx's own 127.0.0.1.
    assert login("127.0.0.3") == 401
    lines = proxy.logged("/@@login", ADDRESS_LIMIT + 2)
    assert [line.split(" ")[0] for line in lines] == ["127.0.0.2"] * (
        ADDRESS_LIMIT + 1
    ) + ["127.0.0.3"]
    # Each line names nginx's id of the request, also sent to the site.
    assert all(re.search(r" request_id=[0-9a-f]{32}$", line) for line in lines)


def test_text_is_compressed_but_json_keeps_a_strong_etag(proxy):
    status, headers, body = proxy.https("/", **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert b"<html" in gzip.decompress(body)
    status, headers, body = proxy.https("/", **JSON, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] is None
    assert headers["ETag"].startswith('"')  # not W/"…": If-Match takes it


def test_static_files_come_from_nginx_with_a_long_lifetime(proxy):
    name = editor_files()["editor.js"]
    status, headers, body = proxy.https(f"/static-editor/{name}")
    assert status == 200
    assert body == (STATIC / "vendor" / "editor" / name).read_bytes()
    assert headers["Cache-Control"] == "max-age=31536000"
    status, headers, body = proxy.https("/static/editor.css")
    assert (status, headers["Cache-Control"]) == (200, "max-age=3600")
    assert body == (STATIC / "editor.css").read_bytes()
    assert proxy.https("/static-editor/../../__init__.py")[0] in (400, 404)


def test_a_stopped_process_is_skipped(proxy, processes):
    port = processes.ports[0]
    processes.stop(port)
    try:
        for _ in range(4):
            status, _headers, body = proxy.https("/", **JSON)
            assert status == 200, body
    finally:
        processes.start(port)
