"""An upload over the limit, sent to the site as ``pserve`` serves it.

Waitress refuses a body over its ``max_request_body_size`` itself, with a
plain-text page; the ini files set it above the site's own upload limit, so
that the site answers: a JSON error for an integrator, a page for a browser.
"""

import configparser
import http.client
import json
from pathlib import Path

import pytest
import webtest
from webtest.http import StopableWSGIServer

import cms
from cms.scripts import initialize_db
from cms.views.upload import MAX_FILES
from tests.sites import SECRET

ROOT = Path(__file__).parents[2]


def waitress_limit(ini):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / ini)
    return int(parser["server:main"]["max_request_body_size"])


@pytest.fixture
def served(scratch_url, ini_file, tmp_path, monkeypatch):
    """A site of its own, served by waitress as production.ini says."""
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "the admin's passphrase")
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    app = cms.main(
        {},
        **{
            "sqlalchemy.url": scratch_url,
            "cms.secret": SECRET,
            "cms.blob_dir": str(tmp_path / "blobs"),
        },
    )
    token = (
        webtest.TestApp(app)
        .post_json("/@@login", {"login": "admin", "password": "the admin's passphrase"})
        .json["token"]
    )
    server = StopableWSGIServer.create(
        app, host="127.0.0.1", max_request_body_size=waitress_limit("production.ini")
    )
    yield app.registry.settings["cms.max_upload_bytes"], server.adj.port, token
    server.shutdown()
    app.registry["dbengine"].dispose()


def post_upload(port, token, size, accept):
    boundary = "xYzZy"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="@type"\r\n\r\nFile\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("POST", "/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size + len(tail)))
    connection.putheader("Accept", accept)
    connection.putheader("Authorization", f"Bearer {token}")
    connection.endheaders()
    connection.send(head)
    chunk = b"x" * 2**20
    left = size
    try:
        while left:
            connection.send(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))
        connection.send(tail)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may answer before it has read everything
    response = connection.getresponse()
    try:
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def test_both_ini_files_leave_the_answer_to_the_site(app):
    # The upload page takes the most in one request: MAX_FILES files.
    most = MAX_FILES * app.registry.settings["cms.max_upload_bytes"] + 2**20
    for ini in ("development.ini", "production.ini"):
        assert waitress_limit(ini) >= most, ini


def test_an_upload_over_the_limit_gets_a_json_error(served):
    limit, port, token = served
    status, content_type, body = post_upload(port, token, limit + 2**21, "*/*")
    assert status == 413
    assert content_type.startswith("application/json")
    assert "50 MB" in json.loads(body)["error"]["message"]


def test_a_browser_gets_a_page(served):
    limit, port, token = served
    status, content_type, body = post_upload(port, token, limit + 2**21, "text/html")
    assert status == 413
    assert content_type.startswith("text/html")
    assert b"<main" in body
