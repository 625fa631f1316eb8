"""Fixtures for tests that run the operator's commands on a database of their own."""

import pytest

from tests.sites import scratch_database, site_ini


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """A database of its own, empty: a file on SQLite, a schema on PostgreSQL."""
    with scratch_database(database_url, tmp_path) as url:
        yield url


@pytest.fixture
def ini_file(tmp_path, scratch_url):
    return site_ini(tmp_path / "site.ini", scratch_url, tmp_path / "blobs")
