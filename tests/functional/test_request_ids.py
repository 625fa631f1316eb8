"""Every answer carries X-Request-ID, and every log line of its request names it."""

import configparser
import logging
import pathlib
import re

import pytest
import webtest

from cms.observability import ObservedApp
from cms.security.addresses import parse_networks
from tests.factories import add_document

ROOT = pathlib.Path(__file__).resolve().parents[2]
NEW_ID = re.compile(r"[0-9a-f]{32}")
HTML = {"Accept": "text/html"}


def test_a_sane_incoming_id_is_echoed(testapp):
    response = testapp.get("/healthz", headers={"X-Request-ID": "edge-1:a.B_9"})
    assert response.headers["X-Request-ID"] == "edge-1:a.B_9"


def test_without_one_each_answer_gets_a_new_one(testapp):
    first = testapp.get("/healthz").headers["X-Request-ID"]
    second = testapp.get("/healthz").headers["X-Request-ID"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "incoming",
    [
        "x" * 129,
        "",
        "has space",
        "semi;colon",
        "ok\r\nSet-Cookie: stolen=1",
        "é-accent",
    ],
)
def test_an_insane_incoming_id_is_replaced(testapp, incoming):
    response = testapp.get("/healthz", headers={"X-Request-ID": incoming})
    assert NEW_ID.fullmatch(response.headers["X-Request-ID"])
    assert "stolen" not in str(response.headers)


def test_the_longest_sane_id_is_kept(testapp):
    incoming = "a" * 128
    response = testapp.get("/healthz", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming


def test_a_404_carries_it(testapp, root):
    response = testapp.get(
        "/no-such-page/", headers={"X-Request-ID": "r404"}, status=404
    )
    assert response.headers["X-Request-ID"] == "r404"


def test_a_static_file_carries_it(testapp):
    response = testapp.get("/static/editor.css", headers={"X-Request-ID": "rstatic"})
    assert response.headers["X-Request-ID"] == "rstatic"


def test_a_preflight_carries_it(testapp):
    response = testapp.options(
        "/",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "X-Request-ID": "rpre",
        },
        status=403,
    )
    assert response.headers["X-Request-ID"] == "rpre"


def test_a_cached_answer_carries_its_own(cached_testapp, root):
    add_document(root, "page", title="Page")
    first = cached_testapp.get("/page/", headers={**HTML, "X-Request-ID": "first"})
    second = cached_testapp.get("/page/", headers={**HTML, "X-Request-ID": "second"})
    assert first.headers["X-Request-ID"] == "first"
    assert second.headers["X-Request-ID"] == "second"
    assert second.headers.getall("X-Request-ID") == ["second"]
    assert second.body == first.body


@pytest.fixture
def failing(app, monkeypatch):
    """Make /readyz fail with a bug (no engine to ask): a 500 and a log line."""
    monkeypatch.setitem(app.registry, "dbengine", None)


def test_an_error_answer_carries_it_and_its_log_line_names_it(testapp, failing, caplog):
    response = testapp.get("/readyz", headers={"X-Request-ID": "r500"}, status=500)
    assert response.headers["X-Request-ID"] == "r500"
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert "unexpected error on GET /readyz" in error.getMessage()
    assert error.request_id == "r500"


def test_records_outside_a_request_name_none(caplog):
    logging.getLogger("cms.test").warning("between requests")
    assert caplog.records[-1].request_id == "-"


def test_an_error_escaping_the_application_is_a_500_with_the_id(app, caplog):
    def broken(environ, start_response):
        raise RuntimeError("escaped")

    client = webtest.TestApp(ObservedApp(broken, app.registry))
    response = client.get("/x", headers={"X-Request-ID": "resc"}, status=500)
    assert response.headers["X-Request-ID"] == "resc"
    assert response.text == "Internal Server Error\n"
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert error.request_id == "resc" and "escaped" in caplog.text


# -- the access log ----------------------------------------------------------


@pytest.fixture
def access(caplog):
    caplog.set_level(logging.INFO, logger="cms.access")

    def lines():
        return [record for record in caplog.records if record.name == "cms.access"]

    return lines


def test_one_access_line_per_request(testapp, root, access):
    testapp.get(
        "/no-such-page/?q=1",
        headers={"X-Request-ID": "racc"},
        extra_environ={"REMOTE_ADDR": "192.0.2.4"},
        status=404,
    )
    [line] = access()
    assert line.levelno == logging.INFO
    assert line.request_id == "racc"
    message = line.getMessage()
    assert message.startswith('192.0.2.4 "GET /no-such-page/?q=1" 404 ')
    assert re.search(r" 404 \d+ \d+\.\dms$", message)
    assert line.access["bytes"] == int(message.split()[4]) > 0
    assert line.access["view"] == "notfound"


def test_the_access_line_names_the_client_a_trusted_proxy_names(
    app, testapp, access, monkeypatch
):
    forwarded = {"headers": {"X-Forwarded-For": "203.0.113.9"}}
    testapp.get("/healthz", extra_environ={"REMOTE_ADDR": "10.0.0.2"}, **forwarded)
    monkeypatch.setitem(
        app.registry.settings, "cms.trusted_proxies", parse_networks("10.0.0.0/8")
    )
    testapp.get("/healthz", extra_environ={"REMOTE_ADDR": "10.0.0.2"}, **forwarded)
    untrusted, trusted = access()
    assert untrusted.getMessage().startswith("10.0.0.2 ")
    assert trusted.getMessage().startswith("203.0.113.9 ")


def test_a_logged_path_holds_no_control_character(testapp, root, access):
    testapp.get("/a%0Ab/", status=404)
    [line] = access()
    assert "\n" not in line.getMessage()
    assert '"GET /a%0Ab/"' in line.getMessage()


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_the_ini_files_show_the_access_log_and_the_id(ini, testapp, access):
    parser = configparser.RawConfigParser()
    parser.read(ROOT / ini)
    assert parser["logger_cms_access"]["level"] == "INFO"
    assert parser["logger_cms_access"]["qualname"] == "cms.access"
    testapp.get("/healthz", headers={"X-Request-ID": "rini"})
    formatter_section = parser["formatter_generic"]
    module, _, name = formatter_section["class"].rpartition(".")
    formatter_class = getattr(__import__(module, fromlist=[name]), name)
    formatter = formatter_class(formatter_section["format"])
    [line] = access()
    assert "[rini]" in formatter.format(line)
    assert '"GET /healthz" 200' in formatter.format(line)


def test_a_streamed_file_is_logged_once_with_its_size(testapp, access):
    response = testapp.get("/static/editor.css", headers={"X-Request-ID": "rfile"})
    [line] = access()
    assert line.request_id == "rfile"
    assert line.access["bytes"] == len(response.body) > 0
    assert line.access["view"] == "static"
