"""``cms-admin production.ini check-deploy``: the shipped production.ini,
read with the environment an operator gives it.

A good environment (a migrated database of its own, a long random secret, a
writable blob folder, an https public URL) passes; each unsafe change is
named on a line of its own and makes the command exit 1.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from cms.db import get_engine
from cms.migrations import alembic_config, upgrade
from cms.scripts import admin, initialize_db
from tests.sites import SECRET, scratch_database, site_ini

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_INI = str(ROOT / "production.ini")
DEVELOPMENT_SECRET = re.search(
    r"^cms\.secret = (.+)$", (ROOT / "development.ini").read_text(), re.M
).group(1)
CMS_ADMIN = Path(sys.executable).with_name("cms-admin")


@pytest.fixture
def environment(database_url, tmp_path, monkeypatch):
    """A good production environment: the variables set in ``os.environ``."""
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "the admin's passphrase")
    with scratch_database(database_url, tmp_path) as url:
        ini_file = site_ini(tmp_path / "site.ini", url, tmp_path / "blobs")
        assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
        (tmp_path / "blobs").mkdir(exist_ok=True)
        good = {
            "CMS_DATABASE_URL": url,
            "CMS_SECRET": secrets.token_urlsafe(48),
            "CMS_BLOB_DIR": str(tmp_path / "blobs"),
            "CMS_PUBLIC_URL": "https://www.example.org",
            "CMS_TRUSTED_PROXIES": "127.0.0.1 10.0.0.0/8",
        }
        for name, value in good.items():
            monkeypatch.setenv(name, value)
        yield good


@pytest.fixture
def options(database_url):
    """One process on SQLite is sound, and must be said; PostgreSQL need not."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return ["--single-process"]
    return []


def check_deploy(capsys, *args, ini=PRODUCTION_INI):
    code = admin.main(["cms-admin", ini, "check-deploy", *args])
    return code, capsys.readouterr().out


def test_a_good_environment_passes(environment, options, capsys):
    code, out = check_deploy(capsys, *options)
    assert (code, out) == (0, "no problems found\n")


def test_a_bucket_instead_of_a_folder_passes(
    environment, options, capsys, monkeypatch, s3_settings
):
    monkeypatch.delenv("CMS_BLOB_DIR")
    settings = s3_settings()
    monkeypatch.setenv("CMS_BLOB_URL", settings["cms.blob_url"])
    monkeypatch.setenv("CMS_S3_ENDPOINT", settings["cms.s3_endpoint"])
    code, out = check_deploy(capsys, *options)
    assert (code, out) == (0, "no problems found\n")


def test_the_console_script_passes_a_good_environment_and_fails_a_bad_one(
    environment, options
):
    command = [str(CMS_ADMIN), PRODUCTION_INI, "check-deploy", *options]
    good = subprocess.run(  # noqa: S603 (our own console script)
        command, capture_output=True, text=True, timeout=120
    )
    assert (good.returncode, good.stdout) == (0, "no problems found\n"), good.stderr
    bad = subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CMS_SECRET": "short"},
    )
    assert bad.returncode == 1
    assert bad.stdout.startswith("cms.secret is shorter than 32 characters: ")


#: (environment changes, ini text replaced, a line that must be printed).
#: None as a value unsets the variable.
BAD = {
    "no secret": ({"CMS_SECRET": None}, {}, "cms.secret is not set"),
    "short secret": ({"CMS_SECRET": "x" * 31}, {}, "shorter than 32 characters"),
    "development secret": (
        {"CMS_SECRET": DEVELOPMENT_SECRET},
        {},
        "cms.secret is a published example",
    ),
    "tests' secret": ({"CMS_SECRET": SECRET}, {}, "cms.secret looks typed by hand"),
    "insecure cookies": (
        {},
        {"cms.secure_cookies = true": "cms.secure_cookies = false"},
        "cms.secure_cookies is 'false'",
    ),
    "reloaded templates": (
        {},
        {"reload_templates = false": "reload_templates = true"},
        "pyramid.reload_templates is on",
    ),
    "debug notfound": (
        {},
        {"debug_notfound = false": "debug_notfound = true"},
        "pyramid.debug_notfound is on",
    ),
    "debug from the environment": (
        {"PYRAMID_DEBUG_ALL": "1"},
        {},
        "PYRAMID_DEBUG_ALL is on: debugging output",
    ),
    "debug toolbar": (
        {},
        {"[app:main]\n": "[app:main]\npyramid.includes = pyramid_debugtoolbar\n"},
        "pyramid.includes has pyramid_debugtoolbar",
    ),
    "no public url": ({"CMS_PUBLIC_URL": None}, {}, "cms.public_url is not set"),
    "http public url": (
        {"CMS_PUBLIC_URL": "http://www.example.org"},
        {},
        "cms.public_url is not https (http://www.example.org)",
    ),
    "everyone trusted": (
        {"CMS_TRUSTED_PROXIES": "10.0.0.1 0.0.0.0/0"},
        {},
        "cms.trusted_proxies has 0.0.0.0/0: it trusts everyone",
    ),
    "everyone trusted on IPv6": (
        {"CMS_TRUSTED_PROXIES": "::/0"},
        {},
        "cms.trusted_proxies has ::/0: it trusts everyone",
    ),
    "unreadable proxies": (
        {"CMS_TRUSTED_PROXIES": "proxy.internal"},
        {},
        "cms.trusted_proxies cannot be read",
    ),
    "no blob folder set": ({"CMS_BLOB_DIR": None}, {}, "cms.blob_dir is not set"),
    "unreachable object store": (
        {
            "CMS_BLOB_DIR": None,
            "CMS_BLOB_URL": "s3://cms/site",
            "CMS_S3_ENDPOINT": "http://127.0.0.1:1",
        },
        {},
        "the blob store s3://cms/site does not answer",
    ),
    "missing blob folder": (
        {"CMS_BLOB_DIR": "{tmp}/nowhere"},
        {},
        "the blob folder {tmp}/nowhere is not there",
    ),
    # /proc is a folder nobody may create files in, root included.
    "read-only blob folder": (
        {"CMS_BLOB_DIR": "/proc"},
        {},
        "the blob folder /proc is not writable by this user",
    ),
    "no database": ({"CMS_DATABASE_URL": None}, {}, "no database is set"),
    "unreachable database": (
        {"CMS_DATABASE_URL": "postgresql+psycopg://cms@127.0.0.1:1/cms"},
        {},
        "the database postgresql+psycopg://cms@127.0.0.1:1/cms cannot be reached",
    ),
    "SQLite": (
        {"CMS_DATABASE_URL": "sqlite:///{tmp}/cms.sqlite"},
        {},
        "the database is SQLite: several processes on one SQLite file",
    ),
    "SQLite in memory": (
        {"CMS_DATABASE_URL": "sqlite://"},
        {},
        "the database is SQLite in memory",
    ),
    "a bad number": (
        {},
        {"cms.page_cache_size = 1000": "cms.page_cache_size = many"},
        "a setting is refused: cms.page_cache_size must be a number",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_each_unsafe_setting_is_named(name, environment, tmp_path, monkeypatch, capsys):
    changes, replacements, expected = BAD[name]
    for variable, value in changes.items():
        if value is None:
            monkeypatch.delenv(variable)
        else:
            monkeypatch.setenv(variable, value.format(tmp=tmp_path))
    ini = Path(PRODUCTION_INI).read_text()
    for old, new in replacements.items():
        assert old in ini
        ini = ini.replace(old, new)
    (tmp_path / "production.ini").write_text(ini)
    code, out = check_deploy(capsys, ini=str(tmp_path / "production.ini"))
    assert code == 1
    assert expected.format(tmp=tmp_path) in out
    assert out.endswith(" problem(s) found\n")
    # One line each: what, why, and how to fix it.
    for line in out.splitlines()[:-1]:
        assert ": " in line and ". Fix: " in line, line


def test_sqlite_is_accepted_for_one_process_only(
    environment, tmp_path, monkeypatch, capsys
):
    url = f"sqlite:///{tmp_path / 'one.sqlite'}"
    monkeypatch.setenv("CMS_DATABASE_URL", url)
    ini_file = site_ini(tmp_path / "one.ini", url, tmp_path / "blobs")
    assert initialize_db.main(["initialize_cms_db", ini_file]) == 0
    capsys.readouterr()
    code, out = check_deploy(capsys)
    assert code == 1
    assert out.startswith("the database is SQLite: ")
    assert "run one process only and say so with --single-process" in out
    assert out.endswith("\n1 problem(s) found\n")
    assert check_deploy(capsys, "--single-process") == (0, "no problems found\n")


def test_an_empty_database_needs_migrating(
    environment, database_url, tmp_path, options, monkeypatch, capsys
):
    (tmp_path / "empty").mkdir()
    with scratch_database(database_url, tmp_path / "empty") as url:
        monkeypatch.setenv("CMS_DATABASE_URL", url)
        code, out = check_deploy(capsys, *options)
    assert code == 1
    assert "has no schema: the site has no tables to serve. Fix: run " in out
    assert "initialize_cms_db INI" in out


def test_a_database_behind_the_code_needs_migrating(
    environment, database_url, tmp_path, options, monkeypatch, capsys
):
    scripts = ScriptDirectory.from_config(alembic_config())
    first = scripts.get_base()
    (tmp_path / "old").mkdir()
    with scratch_database(database_url, tmp_path / "old") as url:
        engine = get_engine({"sqlalchemy.url": url})
        try:
            upgrade(engine, first)
        finally:
            engine.dispose()
        monkeypatch.setenv("CMS_DATABASE_URL", url)
        code, out = check_deploy(capsys, *options)
    assert code == 1
    head = scripts.get_current_head()
    assert f"is at revision {first}, this code needs {head}" in out
    assert "run initialize_cms_db INI" in out


def test_an_unreadable_ini_file_is_a_finding(tmp_path, capsys):
    code, out = check_deploy(capsys, ini=str(tmp_path / "missing.ini"))
    assert code == 1
    assert out.startswith(f"{tmp_path / 'missing.ini'} cannot be read: ")
