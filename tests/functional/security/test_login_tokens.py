"""A token made by ``POST /@@login`` expires after ``cms.token_max_age``."""

from datetime import UTC, datetime, timedelta

import pytest

from cms.models.meta import utcnow
from tests.factories import PASSWORD, make_user

JSON = {"Accept": "application/json"}
#: Past any clock drift between a request and the test reading its result.
SLACK = timedelta(seconds=30)


@pytest.fixture
def alice(testapp, dbsession, root):
    user = make_user(dbsession, "alice")
    dbsession.flush()
    return user


def json_login(testapp, **extra):
    body = {"login": "alice", "password": PASSWORD, **extra}
    return testapp.post_json("/@@login", body, headers=JSON, status=201).json


def expires_in(answer):
    return datetime.fromisoformat(answer["expires"]) - datetime.now(UTC)


def bearer(answer):
    return {"Authorization": f"Bearer {answer['token']}", **JSON}


def test_a_login_token_expires_in_thirty_days(testapp, alice):
    answer = json_login(testapp)
    assert abs(expires_in(answer) - timedelta(days=30)) < SLACK
    listed = testapp.get("/@@tokens", headers=bearer(answer)).json["items"]
    assert listed[0]["expires"] == answer["expires"]


def test_past_its_expiry_it_answers_401(testapp, alice, monkeypatch):
    answer = json_login(testapp)
    testapp.get("/@@tokens", headers=bearer(answer), status=200)
    later = utcnow() + timedelta(days=30, minutes=1)
    monkeypatch.setattr("cms.security.tokens.utcnow", lambda: later)
    response = testapp.get("/@@tokens", headers=bearer(answer), status=401)
    assert response.json["error"]["type"] == "Unauthorized"


def test_the_setting_sets_the_lifetime(app, testapp, alice, monkeypatch):
    monkeypatch.setitem(app.registry.settings, "cms.token_max_age", 120)
    answer = json_login(testapp)
    assert abs(expires_in(answer) - timedelta(seconds=120)) < SLACK
    later = utcnow() + timedelta(seconds=121)
    monkeypatch.setattr("cms.security.tokens.utcnow", lambda: later)
    testapp.get("/@@tokens", headers=bearer(answer), status=401)


def test_a_login_may_ask_for_another_lifetime(testapp, alice):
    answer = json_login(testapp, expires_in=3600)
    assert abs(expires_in(answer) - timedelta(hours=1)) < SLACK


def test_tokens_made_at_tokens_keep_their_lifetime(testapp, alice):
    headers = bearer(json_login(testapp))
    forever = testapp.post_json("/@@tokens", {"title": "ci"}, headers=headers).json
    assert forever["expires"] is None
    day = testapp.post_json(
        "/@@tokens", {"title": "ci", "expires_in": 86400}, headers=headers
    ).json
    assert abs(expires_in(day) - timedelta(days=1)) < SLACK
