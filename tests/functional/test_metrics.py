"""GET /metrics: Prometheus's text format, for the addresses allowed alone."""

from datetime import timedelta

import pytest
import webtest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from cms import main
from cms.models import LoginSession
from cms.models.meta import utcnow
from cms.models.tree import InvalidName
from cms.observability.metrics import COUNTED_STATEMENT, METRICS
from cms.security.addresses import parse_networks
from tests.factories import add_document, log_in, make_user

LOCAL = {"REMOTE_ADDR": "127.0.0.1"}
HTML = {"Accept": "text/html"}


def scrape(client, **environ):
    response = client.get("/metrics", extra_environ={**LOCAL, **environ})
    assert response.content_type == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_counters_move_with_a_request(testapp):
    before = scrape(testapp)
    testapp.get("/healthz")
    testapp.get("/healthz")
    after = scrape(testapp)
    requests = {"view": "healthz", "method": "GET", "status": "200"}
    assert value(after, "cms_requests_total", **requests) == (
        value(before, "cms_requests_total", **requests) + 2
    )
    count = "cms_request_duration_seconds_count"
    assert (
        value(after, count, view="healthz") == value(before, count, view="healthz") + 2
    )
    # The scrape before this one counts too.
    assert (
        value(after, "cms_requests_total", view="metrics", method="GET", status="200")
        >= 1
    )


def test_views_are_labelled_by_name_never_by_url(testapp, root):
    add_document(root, "page", title="Page")
    testapp.get("/page/", headers=HTML)
    testapp.get("/no-such-page-1/", status=404)
    testapp.get("/no-such-page-2/", status=404)
    testapp.get("/static/editor.css")
    testapp.request("/", method="TRACE", status="*")
    samples = scrape(testapp)
    views = {
        dict(labels).get("view")
        for name, labels in samples
        if name == "cms_requests_total"
    }
    assert {"notfound", "static", "metrics"} <= views
    # The app serves the whole session's tests: their views are here too.
    assert not any("/" in view or "no-such-page" in view for view in views)
    assert "page" not in views
    methods = {
        dict(labels)["method"]
        for name, labels in samples
        if name == "cms_requests_total"
    }
    assert "TRACE" not in methods and "other" in methods


def test_another_address_gets_a_plain_404(testapp, root):
    response = testapp.get(
        "/metrics", extra_environ={"REMOTE_ADDR": "192.0.2.7"}, status=404
    )
    missing = testapp.get(
        "/metricz", extra_environ={"REMOTE_ADDR": "192.0.2.7"}, status=404
    )
    assert "cms_requests" not in response.text
    assert response.content_type == missing.content_type


def test_a_forwarded_for_from_anyone_but_a_trusted_proxy_is_not_believed(testapp, root):
    testapp.get(
        "/metrics",
        headers={"X-Forwarded-For": "127.0.0.1"},
        extra_environ={"REMOTE_ADDR": "192.0.2.7"},
        status=404,
    )


def test_behind_a_trusted_proxy_the_client_must_be_allowed(
    app, testapp, root, monkeypatch
):
    monkeypatch.setitem(
        app.registry.settings, "cms.trusted_proxies", parse_networks("127.0.0.1")
    )
    testapp.get(
        "/metrics",
        headers={"X-Forwarded-For": "198.51.100.3"},
        extra_environ=LOCAL,
        status=404,
    )
    monkeypatch.setitem(
        app.registry.settings, "cms.metrics_allow", parse_networks("198.51.100.0/24")
    )
    scrape(testapp, HTTP_X_FORWARDED_FOR="198.51.100.3")


def test_no_node_at_the_root_may_be_named_metrics(root):
    with pytest.raises(InvalidName):
        add_document(root, "metrics", title="Metrics")


def test_open_sessions_are_counted_when_scraped(testapp, dbsession, root):
    user = make_user(dbsession, "reader")
    dbsession.add(
        LoginSession(
            id="e" * 64,
            user_id=user.id,
            csrf_token="t",
            expires=utcnow() - timedelta(seconds=1),
        )
    )
    dbsession.flush()
    before = value(scrape(testapp), "cms_open_sessions")
    log_in(testapp, "reader")
    after = value(scrape(testapp), "cms_open_sessions")
    assert after == before + 1


def test_page_cache_hits_and_misses_are_counted(cached_app, cached_testapp, root):
    add_document(root, "page", title="Page")
    registry = cached_app.registry[METRICS].registry

    def counts():
        return (
            registry.get_sample_value("cms_page_cache_hits_total"),
            registry.get_sample_value("cms_page_cache_misses_total"),
        )

    hits, misses = counts()
    cached_testapp.get("/page/", headers=HTML)
    assert counts() == (hits, misses + 1)
    cached_testapp.get("/page/", headers=HTML)
    assert counts() == (hits + 1, misses + 1)
    assert (
        registry.get_sample_value(
            "cms_requests_total",
            {"view": "page_cache", "method": "GET", "status": "200"},
        )
        >= 1
    )


# -- SQL statements per request: on the application's own engine -------------


@pytest.fixture(scope="module")
def own_app(app_settings, dbengine):
    """An application serving on its own engine, as in production."""
    app = main({}, **app_settings)
    yield app
    app.registry["dbengine"].dispose()


def test_the_statements_of_a_request_are_counted(own_app):
    engine = own_app.registry["dbengine"]
    client = webtest.TestApp(own_app, extra_environ={"HTTP_HOST": "example.com"})
    registry = own_app.registry[METRICS].registry
    name = "cms_request_sql_statements_sum"
    before = registry.get_sample_value(name, {"view": "sitemap.xml"}) or 0
    statements = []

    def record(conn, cursor, statement, *args):
        if COUNTED_STATEMENT.match(statement):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/sitemap.xml")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements
    after = registry.get_sample_value(name, {"view": "sitemap.xml"})
    assert after == before + len(statements)
    # The scrape's own query (open sessions) counts against no request.
    client.get("/metrics", extra_environ=LOCAL)
    assert registry.get_sample_value(name, {"view": "sitemap.xml"}) == after
