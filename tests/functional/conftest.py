"""Fixtures for tests that run the operator's commands on a database of their own."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: The session secret of the scratch sites.
SECRET = "s" * 40


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """A database of its own, empty: a file on SQLite, a schema on PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scratch = url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield scratch.render_as_string(hide_password=False)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def site_ini(path, database_url, blob_dir):
    """Write an ini file for a site on *database_url*; return its path."""
    path.write_text(
        "[app:main]\nuse = egg:cms\n"
        f"sqlalchemy.url = {database_url.replace('%', '%%')}\n"
        f"cms.secret = {SECRET}\n"
        f"cms.blob_dir = {blob_dir}\n"
    )
    return str(path)


@pytest.fixture
def ini_file(tmp_path, scratch_url):
    return site_ini(tmp_path / "site.ini", scratch_url, tmp_path / "blobs")
