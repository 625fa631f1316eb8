"""Process managers and load balancers ask /healthz and /readyz."""

from sqlalchemy import create_engine


def test_healthz(testapp):
    assert testapp.get("/healthz").json == {"status": "ok"}


def test_readyz_when_the_database_answers(testapp):
    assert testapp.get("/readyz").json == {
        "status": "ok",
        "database": "ok",
        "blobs": "ok",
    }


def test_readyz_is_503_when_the_database_does_not_answer(testapp, app):
    registry = app.registry
    engine = registry["dbengine"]
    registry["dbengine"] = create_engine("sqlite:////nonexistent/dir/db.sqlite")
    try:
        response = testapp.get("/readyz", status=503)
    finally:
        registry["dbengine"] = engine
    assert response.json == {
        "status": "unavailable",
        "database": "unreachable",
        "blobs": "ok",
    }


def test_a_site_without_root_says_so(testapp):
    response = testapp.get("/", status=503)
    assert "initialize_cms_db" in response.text
