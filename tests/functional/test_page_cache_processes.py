"""The page cache across processes: a write in one ends what another kept.

The site is a database of its own (a file on SQLite, a schema on
PostgreSQL) with committed transactions, served by this process with the
cache on; the writes come from another Python process serving the same
database, as a second application server would.
"""

import json
import subprocess
import sys
import textwrap

import pytest
import webtest
from sqlalchemy import event

import cms
from cms.scripts import initialize_db
from tests.sites import SECRET, scratch_database, site_ini

PASSWORD = "the admin's passphrase"
JSON = {"Accept": "application/json"}

#: Another process: serves the site and sends it the writes given as JSON.
WRITER = textwrap.dedent(
    """
    import json, sys
    import webtest
    import cms

    settings, writes = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    password = settings.pop("password")
    client = webtest.TestApp(
        cms.main({}, **settings), extra_environ={"HTTP_HOST": "example.com"}
    )
    token = client.post_json(
        "/@@login", {"login": "admin", "password": password}
    ).json["token"]
    for method, url, data in writes:
        getattr(client, method + "_json")(
            url, data, headers={"Authorization": "Bearer " + token}
        )
    """
)


@pytest.fixture
def site_settings(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", PASSWORD)
    with scratch_database(database_url, tmp_path) as url:
        ini_file = site_ini(tmp_path / "site.ini", url, tmp_path / "blobs")
        assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
        yield {
            "sqlalchemy.url": url,
            "cms.secret": SECRET,
            "cms.blob_dir": str(tmp_path / "blobs"),
            "cms.login_slowdown": "0",
            "cms.page_cache": "true",
        }


def write_elsewhere(settings, *writes):
    """Send *writes* (``(method, url, data)``) through another process."""
    subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [
            sys.executable,
            "-c",
            WRITER,
            json.dumps({**settings, "password": PASSWORD}),
            json.dumps(writes),
        ],
        check=True,
        timeout=120,
    )


def test_a_write_in_another_process_is_seen_at_once(site_settings):
    app = cms.main({}, **site_settings)
    reader = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    try:
        write_elsewhere(
            site_settings,
            ("post", "/", {"@type": "Document", "title": "First", "id": "page"}),
            ("post", "/page/@@workflow", {"transition": "publish"}),
        )
        assert reader.get("/page/", headers=JSON).json["title"] == "First"
        home = reader.get("/").text
        assert "First" in home
        # Kept: the next read costs the generation's query alone, sent on a
        # pooled connection of the driver (no statement of SQLAlchemy's).
        statements, checkouts = [], []
        engine = app.registry["dbengine"]
        record = lambda *args: statements.append(args[2])  # noqa: E731
        check_out = lambda *args: checkouts.append(args)  # noqa: E731
        event.listen(engine, "before_cursor_execute", record)
        event.listen(engine.pool, "checkout", check_out)
        try:
            assert reader.get("/page/", headers=JSON).json["title"] == "First"
        finally:
            event.remove(engine, "before_cursor_execute", record)
            event.remove(engine.pool, "checkout", check_out)
        assert statements == [] and len(checkouts) == 1
        write_elsewhere(
            site_settings,
            ("patch", "/page/", {"title": "Second"}),
            ("post", "/page/@@workflow", {"transition": "publish"}),
        )
        assert reader.get("/page/", headers=JSON).json["title"] == "Second"
        assert "Second" in reader.get("/").text
        write_elsewhere(
            site_settings, ("post", "/page/@@workflow", {"transition": "retract"})
        )
        reader.get("/page/", headers=JSON, status=401)
        assert "Second" not in reader.get("/").text
    finally:
        app.registry["dbengine"].dispose()
