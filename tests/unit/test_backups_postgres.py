"""Finding pg_dump and pg_restore, and what they are told (cms.backups.postgres)."""

import pytest
from sqlalchemy.engine import make_url

from cms.backups import BackupError, postgres


def fake_tool(folder, name, version):
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)
    return tool


@pytest.fixture
def no_tools(tmp_path, monkeypatch):
    """A machine without PostgreSQL's programs, but for those a test adds."""
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    monkeypatch.setattr(postgres, "DEBIAN_BINDIRS", str(tmp_path / "lib/*/bin"))
    return tmp_path


def test_a_missing_pg_dump_is_named_with_the_package_to_install(no_tools):
    with pytest.raises(BackupError) as refused:
        postgres.find_tool("pg_dump", 15)
    assert str(refused.value) == (
        "pg_dump was not found: install PostgreSQL's client programs "
        "(version 15 or newer), e.g. postgresql-client-15."
    )


def test_a_pg_dump_older_than_the_server_is_refused(no_tools):
    old = fake_tool(no_tools / "path", "pg_dump", "13.4")
    with pytest.raises(BackupError) as refused:
        postgres.find_tool("pg_dump", 15)
    assert "pg_dump is older than the server (15)" in str(refused.value)
    assert f"{old} is 13" in str(refused.value)


def test_debians_newer_pg_dump_is_found_when_the_one_on_path_is_old(no_tools):
    fake_tool(no_tools / "path", "pg_dump", "13.4")
    fake_tool(no_tools / "lib/14/bin", "pg_dump", "14.1")
    newest = fake_tool(no_tools / "lib/16/bin", "pg_dump", "16.2")
    assert postgres.find_tool("pg_dump", 15) == str(newest)


def test_the_password_goes_in_the_environment_never_on_the_command_line():
    url = make_url(
        "postgresql+psycopg://cms:s3cr%27et@db.example:5433/site"
        "?sslmode=require&options=-csearch_path%3Dsite"
    )
    info = postgres.conninfo(url)
    assert "s3cr" not in info
    assert info == (
        "host='db.example' port='5433' user='cms' dbname='site' "
        "sslmode='require' options='-csearch_path=site'"
    )
    assert postgres.tool_environment(url)["PGPASSWORD"] == "s3cr'et"
