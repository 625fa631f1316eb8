"""Failed logins: refused per address and per account from one address, slowed
per account, so that nobody can lock the rightful user out; and whose
address a request comes from, behind a reverse proxy or not."""

from datetime import timedelta
from ipaddress import ip_network

import pytest
from sqlalchemy import select, update

from cms.models import LoginThrottle
from cms.models.meta import utcnow
from tests.factories import PASSWORD, make_user

ATTACKER, USER = "203.0.113.66", "198.51.100.7"
PROXY = "10.0.0.5"
#: Lower than the defaults (5 and 20): each failure costs an argon2 check.
ACCOUNT_LIMIT, ADDRESS_LIMIT = 3, 6


@pytest.fixture(autouse=True)
def limits(app, monkeypatch):
    settings = app.registry.settings
    monkeypatch.setitem(settings, "cms.login_account_limit", ACCOUNT_LIMIT)
    monkeypatch.setitem(settings, "cms.login_address_limit", ADDRESS_LIMIT)


@pytest.fixture
def alice(testapp, dbsession, root):
    user = make_user(dbsession, "alice")
    dbsession.flush()
    return user


@pytest.fixture
def behind_proxy(app, monkeypatch):
    """The site trusts the proxies of 10.0.0.0/8 (as the setting would say)."""
    monkeypatch.setitem(
        app.registry.settings, "cms.trusted_proxies", (ip_network("10.0.0.0/8"),)
    )


def form_login(testapp, login, password, address, status, headers=None):
    return testapp.post(
        "/@@login",
        {"login": login, "password": password},
        headers=headers,
        extra_environ={"REMOTE_ADDR": address},
        status=status,
    )


def json_login(testapp, login, password, address, status, headers=None):
    return testapp.post_json(
        "/@@login",
        {"login": login, "password": password},
        headers={"Accept": "application/json", **(headers or {})},
        extra_environ={"REMOTE_ADDR": address},
        status=status,
    )


def fail(testapp, login, address=ATTACKER, status=401, headers=None):
    return json_login(testapp, login, "wrong password", address, status, headers)


def forwarded_for(value):
    return {"X-Forwarded-For": value}


def failures(dbsession):
    dbsession.expire_all()
    rows = dbsession.scalars(select(LoginThrottle)).all()
    return {row.key: row.failures for row in rows}


class TestNobodyLocksTheUserOut:
    def test_a_hundred_failures_from_one_address_leave_others_alone(
        self, testapp, alice
    ):
        answers = [fail(testapp, "alice", status="*").status_int for _ in range(100)]
        # The attacking address is stopped after a few tries at this account ...
        assert answers[:ACCOUNT_LIMIT] == [401] * ACCOUNT_LIMIT
        assert set(answers[ACCOUNT_LIMIT:]) == {429}
        json_login(testapp, "alice", PASSWORD, ATTACKER, 429)
        # ... and the rightful user, elsewhere, logs in.
        json_login(testapp, "alice", PASSWORD, USER, 201)
        form_login(testapp, "alice", PASSWORD, USER, 303)

    def test_failures_from_many_addresses_only_slow_the_account(
        self, testapp, dbsession, alice
    ):
        # As after a hundred failures, one from each of a hundred addresses.
        dbsession.add(LoginThrottle(key="login:alice", failures=100))
        dbsession.flush()
        json_login(testapp, "alice", PASSWORD, USER, 201)

    def test_made_up_names_from_one_address_do_not_stop_another(self, testapp, alice):
        for number in range(20):
            fail(testapp, f"user{number}", status="*")
        json_login(testapp, "alice", PASSWORD, ATTACKER, 429)
        json_login(testapp, "alice", PASSWORD, USER, 201)

    def test_a_success_does_not_forgive_the_address(self, testapp, dbsession, alice):
        make_user(dbsession, "mallory")
        dbsession.flush()
        for number in range(ADDRESS_LIMIT - 1):
            fail(testapp, f"user{number}")
        # Logging in to one's own account does not buy more guesses.
        json_login(testapp, "mallory", PASSWORD, ATTACKER, 201)
        fail(testapp, "alice")
        fail(testapp, "bob", status=429)


class TestLimits:
    def test_an_address_is_refused_after_its_limit(self, testapp, alice):
        for number in range(ADDRESS_LIMIT):
            fail(testapp, f"user{number}")
        response = json_login(testapp, "alice", PASSWORD, ATTACKER, 429)
        assert response.json["error"]["type"] == "TooManyRequests"
        assert int(response.headers["Retry-After"]) > 0

    def test_an_account_from_one_address_is_refused_after_its_limit(
        self, testapp, alice
    ):
        for _ in range(ACCOUNT_LIMIT):
            form_login(testapp, "alice", "wrong password", ATTACKER, 401)
        response = form_login(testapp, "alice", PASSWORD, ATTACKER, 429)
        assert int(response.headers["Retry-After"]) > 0
        assert "Too many" in response.text
        # That address may still log in to other accounts.
        fail(testapp, "bob")

    def test_failures_are_counted_per_account_address_and_pair(
        self, testapp, dbsession, alice
    ):
        fail(testapp, "alice")
        assert failures(dbsession) == {
            "login:alice": 1,
            f"addr:{ATTACKER}": 1,
            f"pair:{ATTACKER}|alice": 1,
        }

    def test_the_window_ends(self, testapp, dbsession, alice):
        for _ in range(ACCOUNT_LIMIT):
            fail(testapp, "alice")
        dbsession.execute(
            update(LoginThrottle).values(window_start=utcnow() - timedelta(hours=1))
        )
        dbsession.flush()
        json_login(testapp, "alice", PASSWORD, ATTACKER, 201)

    def test_success_clears_the_accounts_counts(self, testapp, dbsession, alice):
        for _ in range(ACCOUNT_LIMIT - 1):
            fail(testapp, "alice", address=USER)
        json_login(testapp, "alice", PASSWORD, USER, 201)
        assert failures(dbsession) == {f"addr:{USER}": ACCOUNT_LIMIT - 1}

    def test_ipv6_addresses_count_by_their_network(self, testapp, alice):
        # One subscriber gets a /64: its addresses are one address here.
        for number in range(ADDRESS_LIMIT):
            fail(testapp, f"user{number}", address=f"2001:db8:1:2::{number + 1:x}")
        json_login(testapp, "alice", PASSWORD, "2001:db8:1:2::ffff", 429)
        json_login(testapp, "alice", PASSWORD, "2001:db8:1:3::1", 201)


class TestSlowdown:
    def test_a_failing_account_is_slowed_a_few_seconds_at_most(
        self, app, testapp, dbsession, alice, monkeypatch
    ):
        from cms.security import throttle

        slept = []
        monkeypatch.setattr(throttle, "sleep", slept.append)
        monkeypatch.setitem(app.registry.settings, "cms.login_slowdown", 0.5)
        dbsession.add(LoginThrottle(key="login:alice", failures=100))
        dbsession.flush()
        json_login(testapp, "alice", PASSWORD, USER, 201)
        assert slept and 0 < slept[0] <= throttle.MAX_SLOWDOWN <= 5

    def test_a_fresh_account_is_not_slowed(self, app, testapp, alice, monkeypatch):
        from cms.security import throttle

        slept = []
        monkeypatch.setattr(throttle, "sleep", slept.append)
        monkeypatch.setitem(app.registry.settings, "cms.login_slowdown", 0.5)
        json_login(testapp, "alice", PASSWORD, USER, 201)
        assert slept == []


class TestForwardedFor:
    def test_the_header_of_an_untrusted_peer_is_ignored(self, testapp, alice):
        for number in range(ADDRESS_LIMIT):
            fail(testapp, f"user{number}", headers=forwarded_for(f"192.0.2.{number}"))
        # A new made-up address changes nothing: the peer is the address.
        json_login(
            testapp,
            "alice",
            PASSWORD,
            ATTACKER,
            429,
            headers=forwarded_for("192.0.2.99"),
        )

    def test_the_header_of_a_trusted_proxy_is_believed(
        self, testapp, alice, behind_proxy
    ):
        for number in range(ADDRESS_LIMIT):
            fail(testapp, f"user{number}", PROXY, headers=forwarded_for(ATTACKER))
        json_login(
            testapp, "alice", PASSWORD, PROXY, 429, headers=forwarded_for(ATTACKER)
        )
        # Another visitor behind the same proxy is not the attacker.
        json_login(testapp, "alice", PASSWORD, PROXY, 201, headers=forwarded_for(USER))

    def test_what_the_client_wrote_before_the_proxy_is_not_believed(
        self, testapp, alice, behind_proxy
    ):
        for number in range(ADDRESS_LIMIT):
            # The client sent its own X-Forwarded-For; the proxy appended.
            forged = f"192.0.2.{number}, {ATTACKER}"
            fail(testapp, f"user{number}", PROXY, headers=forwarded_for(forged))
        json_login(
            testapp, "alice", PASSWORD, PROXY, 429, headers=forwarded_for(ATTACKER)
        )

    def test_the_scheme_of_a_trusted_proxy_is_believed(
        self, testapp, alice, behind_proxy
    ):
        response = form_login(
            testapp,
            "alice",
            PASSWORD,
            PROXY,
            303,
            headers={"X-Forwarded-Proto": "https"},
        )
        assert response.location == "https://example.com/"

    def test_the_scheme_of_an_untrusted_peer_is_ignored(self, testapp, alice):
        response = form_login(
            testapp,
            "alice",
            PASSWORD,
            ATTACKER,
            303,
            headers={"X-Forwarded-Proto": "https"},
        )
        assert response.location == "http://example.com/"
