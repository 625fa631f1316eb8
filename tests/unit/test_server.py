"""The ``[server:main]`` runner (:mod:`cms.server`)."""

import pytest

from cms import server


@pytest.fixture
def served(monkeypatch):
    calls = []
    monkeypatch.setattr(
        server, "waitress_serve", lambda app, **options: calls.append(options)
    )
    return calls


def test_the_proxy_headers_reach_the_site(served):
    # The site believes them from cms.trusted_proxies only; waitress would
    # drop them before it could.
    server.serve(object(), {"http_port": "6544"}, threads="4")
    assert served == [
        {
            "host": "127.0.0.1",
            "port": 6544,
            "threads": "4",
            "clear_untrusted_proxy_headers": False,
        }
    ]


def test_an_ini_file_may_still_have_waitress_drop_them(served):
    server.serve(object(), {}, clear_untrusted_proxy_headers="true")
    assert served[0]["clear_untrusted_proxy_headers"] == "true"
    assert served[0]["port"] == server.DEFAULT_PORT
