"""Whole sites for tests that run the operator's commands or a real server.

A site is a database of its own (a file on SQLite, a schema on the
PostgreSQL server the run uses) and an ini file naming it.
"""

import uuid
from contextlib import contextmanager

import webtest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import cms
from cms.scripts import initialize_db

#: The session secret of the scratch sites.
SECRET = "s" * 40


@contextmanager
def scratch_database(database_url, folder):
    """Yield the URL of a new, empty database beside the run's; drop it after."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / 'scratch.sqlite'}"
        return
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scratch = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scratch.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def site_ini(path, database_url, blob_dir, extra=""):
    """Write an ini file for a site on *database_url*; return its path.

    *extra* is more ini text: settings for ``[app:main]``, then sections.
    """
    path.write_text(
        "[app:main]\nuse = egg:cms\n"
        f"sqlalchemy.url = {database_url.replace('%', '%%')}\n"
        f"cms.secret = {SECRET}\n"
        f"cms.blob_dir = {blob_dir}\n" + extra
    )
    return str(path)


@contextmanager
def served(database_url, folder, monkeypatch, settings=None):
    """Yield ``(app, headers)``: a new site of its own and an admin's headers.

    *settings* are more settings of the site.
    """
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "the admin's passphrase")
    with scratch_database(database_url, folder) as url:
        ini_file = site_ini(folder / "site.ini", url, folder / "blobs")
        assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
        app = cms.main(
            {},
            **{
                "sqlalchemy.url": url,
                "cms.secret": SECRET,
                "cms.blob_dir": str(folder / "blobs"),
                "cms.login_slowdown": "0",
                **(settings or {}),
            },
        )
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        token = client.post_json(
            "/@@login", {"login": "admin", "password": "the admin's passphrase"}
        ).json["token"]
        yield app, {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        app.registry["dbengine"].dispose()
