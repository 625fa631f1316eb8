"""cms.log_format = json: one JSON object per log line, naming the request."""

import io
import json
import logging
from datetime import datetime

import pytest
import webtest

from cms import main


@pytest.fixture
def log_stream():
    """A handler on the root logger, as pserve's ini sets up; formatters restored."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    kept = {other: other.formatter for other in root.handlers}
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.setLevel(level)
    root.removeHandler(handler)
    for other, formatter in kept.items():
        other.setFormatter(formatter)


@pytest.fixture
def json_client(app_settings, dbengine, log_stream):
    app = main({}, **{**app_settings, "cms.log_format": "json"})
    yield webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    app.registry["dbengine"].dispose()


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_line_is_an_object_naming_the_request(json_client, log_stream):
    json_client.get("/healthz?x=1", headers={"X-Request-ID": "rjson"})
    [access] = [line for line in lines(log_stream) if line["logger"] == "cms.access"]
    assert access["request_id"] == "rjson"
    assert access["level"] == "INFO"
    assert '"GET /healthz?x=1" 200' in access["message"]
    assert access["access"]["status"] == 200
    assert access["access"]["path"] == "/healthz?x=1"
    assert access["access"]["view"] == "healthz"
    assert datetime.fromisoformat(access["time"]).utcoffset().total_seconds() == 0
    assert "exception" not in access


def test_an_error_carries_its_traceback_in_one_line(
    json_client, log_stream, monkeypatch
):
    monkeypatch.setitem(json_client.app.registry, "dbengine", None)
    json_client.get("/readyz", headers={"X-Request-ID": "rjerr"}, status=500)
    [error] = [line for line in lines(log_stream) if line["level"] == "ERROR"]
    assert error["request_id"] == "rjerr"
    assert error["logger"] == "cms.views.errors"
    assert "Traceback" in error["exception"]
    assert "AttributeError" in error["exception"]
