"""``cms-admin INI backup DIR`` and ``restore DIR``: a whole site out and back in.

Each test makes sites of their own (a database each: a file on SQLite, a
database on the PostgreSQL server of the run; a blob folder each), fills
them through the application as an editor would, runs the commands
in-process as an operator would, and looks at the restored site through the
application again.
"""

import errno
import gc
import threading
import time
import uuid
import warnings

import pytest
import webtest
from pyramid.paster import get_app
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from cms.backups.lock import backup_lock
from cms.db import get_engine
from cms.migrations import current_revision, upgrade
from cms.scripts import admin, initialize_db
from cms.storage import BlobStore
from tests.disk import failing
from tests.factories import png
from tests.sites import site_ini

ADMIN_PASSWORD = "the operator's passphrase"
ALICE_PASSWORD = "alice's own passphrase"
PDF = b"%PDF-1.4\n% the annual report\n" + bytes(range(256)) * 40


class Site:
    """A scratch site: its ini, its blob store, its app, its commands."""

    def __init__(self, tmp_path, name, url, capsys, site_blobs):
        self.name, self.url, self.capsys = name, url, capsys
        self.blob_dir = tmp_path / f"blobs-{name}"
        blob_settings, self.store = site_blobs(self.blob_dir)
        self.ini = site_ini(
            tmp_path / f"{name}.ini",
            url,
            self.blob_dir,
            "cms.login_slowdown = 0\n" + blob_settings,
        )
        self._app = None

    def initialize(self):
        assert initialize_db.main(["initialize_cms_db", self.ini]) == 0
        self.capsys.readouterr()

    @property
    def app(self):
        if self._app is None:
            wsgi = get_app(self.ini)
            self._app = webtest.TestApp(
                wsgi, extra_environ={"HTTP_HOST": "example.com"}
            )
        return self._app

    def close(self):
        if self._app is not None:
            self._app.app.registry["dbengine"].dispose()
            self._app = None

    def admin(self, *args):
        """Run ``cms-admin INI …``; return ``(exit code, stdout, stderr)``."""
        self.capsys.readouterr()
        try:
            code = admin.main(["cms-admin", self.ini, *map(str, args)])
        except Exception as error:  # an operator would see a traceback
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                gc.collect()
            pytest.fail(f"cms-admin {args} crashed: {type(error).__name__}: {error}")
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def login(self, login, password, status=201):
        return self.app.post_json(
            "/@@login", {"login": login, "password": password}, status=status
        )

    def headers(self, login="admin", password=ADMIN_PASSWORD):
        token = self.login(login, password).json["token"]
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


@pytest.fixture
def scratch_urls(database_url, tmp_path):
    """``scratch_urls(name)``: an empty database of its own for each name.

    On PostgreSQL each is a database of the server (with its ``public``
    schema), as a production site has.
    """
    url = make_url(database_url)
    made = []

    def make(name):
        if url.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        database = f"scratch_{uuid.uuid4().hex[:12]}"
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        made.append(database)
        return url.set(database=database).render_as_string(hide_password=False)

    server = None
    if url.get_backend_name() != "sqlite":
        server = create_engine(url, isolation_level="AUTOCOMMIT")
    yield make
    if server is not None:
        with server.connect() as connection:
            for database in made:
                connection.exec_driver_sql(
                    f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
                )
        server.dispose()


@pytest.fixture
def make_site(scratch_urls, tmp_path, capsys, monkeypatch, site_blobs):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    sites = []

    def make(name, initialize=True):
        site = Site(tmp_path, name, scratch_urls(name), capsys, site_blobs)
        sites.append(site)
        if initialize:
            site.initialize()
        return site

    yield make
    for site in sites:
        site.close()


# -- the source site ---------------------------------------------------------------


def build(site):
    """Fill *site* through its API: every kind of node, state, role and blob."""
    app, h = site.app, site.headers()
    app.patch_json("/@@site-settings", {"title": "Harbour news"}, headers=h)
    app.post_json(
        "/@@users",
        {"login": "alice", "password": ALICE_PASSWORD, "fullname": "Alice"},
        headers=h,
        status=201,
    )
    section = app.post_json(
        "/", {"@type": "Folder", "title": "Section", "body": "<p>Intro</p>"}, headers=h
    ).json["@id"]
    app.post_json(f"{section}@@workflow", {"transition": "publish"}, headers=h)
    app.post_json(
        f"{section}@@sharing",
        {"entries": [{"principal": "user:alice", "roles": ["editor"]}]},
        headers=h,
    )
    page = app.post_json(
        section, {"@type": "Document", "title": "Page", "body": "<p>One</p>"}, headers=h
    ).json["@id"]
    app.post_json(f"{page}@@workflow", {"transition": "publish"}, headers=h)
    # Published, then edited: a draft over the live page.
    app.patch_json(page, {"body": "<p>Two</p>"}, headers=h)
    app.post_json(
        section,
        {"@type": "Document", "title": "Private", "body": "<p>x</p>"},
        headers=h,
    )
    app.post(
        section,
        {"@type": "File", "title": "Report", "id": "report.pdf"},
        upload_files=[("file", "report.pdf", PDF, "application/pdf")],
        headers=h,
        status=201,
    )
    app.post(
        section,
        {"@type": "Image", "title": "Picture", "id": "picture.png"},
        upload_files=[("file", "picture.png", png(), "image/png")],
        headers=h,
        status=201,
    )


def snapshot(site):
    """Everything an admin sees of *site*: every node's JSON, history, files."""
    app, h = site.app, site.headers()
    seen, todo = {}, ["/"]
    while todo:
        path = todo.pop()
        node = app.get(f"{path}?b_size=1000", headers=h).json
        seen[path] = {"node": node}
        seen[path]["sharing"] = app.get(f"{path}@@sharing", headers=h).json
        seen[path]["history"] = app.get(f"{path}@@history", headers=h).json
        if node.get("has_draft"):
            seen[path]["draft"] = app.get(f"{path}?version=draft", headers=h).json
        urls = [node["file"]["download"]] if "file" in node else []
        urls += [scale["download"] for scale in node.get("scales", {}).values()]
        seen[path]["files"] = {url: app.get(url, headers=h).body for url in urls}
        for item in node.get("items", []):
            todo.append(make_url_path(item["@id"]))
    seen["users"] = app.get("/@@users", headers=h).json
    seen["settings"] = app.get("/@@site-settings", headers=h).json
    return seen


def blob_of(store, data):
    """The key under which *store* keeps *data*."""
    for key in sorted(store.keys()):
        with store.open(key) as stream:
            if stream.read() == data:
                return key
    raise AssertionError("not stored")


def make_url_path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# -- backup and restore ------------------------------------------------------------


@pytest.mark.parametrize("site_backend", ["local", "s3"], indirect=True)
def test_a_restored_site_is_the_site_that_was_backed_up(make_site, tmp_path):
    source = make_site("source")
    build(source)
    before = snapshot(source)
    assert len(before["/section/"]["node"]["items"]) == 4
    folder = tmp_path / "backup"

    code, out, err = source.admin("backup", folder)
    assert code == 0, err
    blobs = len(list(source.store.keys()))  # the file, the image, its scales
    assert blobs >= 3
    assert f"Backed up 6 nodes, 2 users and {blobs} blobs" in out
    assert f"backup: blobs: {blobs}/{blobs}" in err  # progress

    target = make_site("target", initialize=False)
    code, out, err = target.admin("restore", folder)
    assert code == 0, err
    assert f"6 nodes, 2 users, {blobs} blobs ({blobs} new to the blob store)" in out
    assert sorted(target.store.keys()) == sorted(source.store.keys())

    after = snapshot(target)
    assert after == before
    assert after["/section/page/"]["draft"]["body"] == "<p>Two</p>"
    assert len(after["/section/page/"]["history"]["items"]) >= 3
    assert "user:alice" in str(after["/section/"]["sharing"])
    assert after["/section/report.pdf/"]["files"] == {
        "http://example.com/section/report.pdf/@@download": PDF
    }
    # Passwords (hashes) came along: alice logs in with hers, and nobody
    # logs in with a wrong one.
    target.login("alice", ALICE_PASSWORD)
    target.login("alice", "not her passphrase", status=401)
    assert target.admin("check")[0] == 0
    assert target.admin("blobs", "check")[0] == 0


def test_restore_refuses_a_site_that_is_not_empty(make_site, tmp_path):
    source = make_site("source")
    build(source)
    folder = tmp_path / "backup"
    assert source.admin("backup", folder)[0] == 0
    target = make_site("target")  # a root and an admin already
    h = target.headers()
    target.app.post_json("/", {"@type": "Document", "title": "Mine"}, headers=h)

    code, _, err = target.admin("restore", folder)
    assert code == 1
    assert "not empty" in err and "--replace" in err
    target.app.get("/mine/", headers=h, status=200)
    assert list(target.store.keys()) == []

    target.close()  # the site is stopped while it is restored

    code, _out, err = target.admin("restore", folder, "--replace")
    assert code == 0, err
    target.app.get("/mine/", headers=target.headers(), status=404)
    assert snapshot(target) == snapshot(source)


def test_a_damaged_blob_in_the_backup_is_refused_before_anything_changes(
    make_site, tmp_path
):
    source = make_site("source")
    build(source)
    folder = tmp_path / "backup"
    assert source.admin("backup", folder)[0] == 0
    key = blob_of(source.store, PDF)
    damaged = BlobStore(folder / "blobs", create=False).path(key)
    damaged.write_bytes(PDF.replace(b"annual", b"ANNUAL"))  # the same size

    target = make_site("target", initialize=False)
    code, _out, err = target.admin("restore", folder)
    assert code == 1
    assert f"the blob {key} in the backup is damaged" in err
    assert "nothing was restored" in err
    assert list(target.store.keys()) == []
    engine = get_engine({"sqlalchemy.url": target.url})
    assert current_revision(engine) is None
    engine.dispose()


def test_a_full_blob_store_stops_the_restore_before_the_database(make_site, tmp_path):
    source = make_site("source")
    build(source)
    folder = tmp_path / "backup"
    assert source.admin("backup", folder)[0] == 0
    target = make_site("target", initialize=False)
    with failing(target.blob_dir, "write", errno.ENOSPC):
        code, _, err = target.admin("restore", folder)
    assert code == 1
    assert "the blob store refused the blob" in err
    assert "the blob store is full" in err
    assert "The database was not changed." in err
    engine = get_engine({"sqlalchemy.url": target.url})
    assert current_revision(engine) is None
    engine.dispose()


def test_backup_and_restore_name_what_is_wrong_with_their_folder(make_site, tmp_path):
    site = make_site("site")
    code, _, err = site.admin("restore", tmp_path / "nowhere")
    assert code == 1
    assert f"{tmp_path / 'nowhere'}: no such folder" in err
    (tmp_path / "not-a-backup").mkdir()
    code, _, err = site.admin("restore", tmp_path / "not-a-backup")
    assert code == 1
    assert "is not a backup: it has no manifest.json" in err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("mine")
    code, _out, err = site.admin("backup", tmp_path / "full")
    assert code == 1
    assert "is not an empty folder" in err
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["something"]


def test_an_older_backup_is_migrated_to_the_newest_revision(make_site, tmp_path):
    old = make_site("old", initialize=False)
    engine = get_engine({"sqlalchemy.url": old.url})
    upgrade(engine, "0009")
    engine.dispose()
    folder = tmp_path / "backup"
    code, out, err = old.admin("backup", folder)
    assert code == 0, err
    assert "at revision 0009" in out

    target = make_site("target", initialize=False)
    code, out, err = target.admin("restore", folder)
    assert code == 0, err
    assert "Migrated the database from revision 0009." in out
    engine = get_engine({"sqlalchemy.url": target.url})
    assert current_revision(engine) == "0010"
    engine.dispose()


def test_blobs_clean_waits_for_a_running_backup(make_site):
    site = make_site("site")
    engine = get_engine({"sqlalchemy.url": site.url})
    finished = threading.Event()

    def clean():
        site.admin("blobs", "clean")
        finished.set()

    with backup_lock(engine, shared=True):
        cleaner = threading.Thread(target=clean)
        cleaner.start()
        time.sleep(1)
        assert not finished.is_set()
    cleaner.join(10)
    assert finished.is_set()
    engine.dispose()


def test_a_backup_taken_under_writes_names_no_missing_blob(make_site, tmp_path):
    source = make_site("source")
    h = source.headers()
    stop = threading.Event()
    uploaded = []

    def write():
        while not stop.is_set():
            n = len(uploaded)
            response = source.app.post(
                "/",
                {"@type": "File", "title": f"Upload {n}"},
                upload_files=[("file", f"f{n}.txt", f"content {n}\n".encode() * 50)],
                headers=h,
                expect_errors=True,
            )
            uploaded.append(response.status_int)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(uploaded) < 3:
            time.sleep(0.05)
        code, _, err = source.admin("backup", tmp_path / "backup")
    finally:
        stop.set()
        writer.join()
    assert code == 0, err
    target = make_site("target", initialize=False)
    code, _out, err = target.admin("restore", tmp_path / "backup")
    assert code == 0, err
    assert target.admin("blobs", "check")[0] == 0
    h = target.headers()
    nodes = target.app.get("/?b_size=1000", headers=h).json["items"]
    assert len(nodes) >= 3
    for node in nodes:
        target.app.get(node["@id"] + "@@download", headers=h)


def test_a_blob_missing_from_the_store_stops_the_backup_and_leaves_no_folder(
    make_site, tmp_path
):
    source = make_site("source")
    build(source)
    key = blob_of(source.store, PDF)
    source.store.delete(key)
    code, _, err = source.admin("backup", tmp_path / "backup")
    assert code == 1
    assert f"the blob {key} that /section/report.pdf/ refers to is missing" in err
    assert not (tmp_path / "backup").exists()
