"""``cms-admin INI export|import|blobs``: subtrees in and out, and blob upkeep.

Each test builds sites of its own (a database and a blob directory each),
fills a source site through the model API, and runs the commands in-process,
as an operator would run them.
"""

import errno
import gc
import hashlib
import io
import json
import os
import sys
import time
import uuid
import warnings
import zipfile
from datetime import UTC, datetime

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cms.db import get_engine
from cms.media import SCALES, make_scale
from cms.models import (
    Document,
    File,
    Folder,
    Group,
    Image,
    LocalRole,
    Node,
    Redirect,
    Revision,
    User,
)
from cms.scripts import admin, initialize_db
from cms.services.caller import Caller
from cms.services.revisions import record, save_content
from cms.site import get_root
from tests.disk import failing
from tests.sites import site_ini

ADMIN_PASSWORD = "the operator's passphrase"
HOUR = 3600


# -- sites ------------------------------------------------------------------------


class Site:
    """A scratch site: its ini, database, blob store; commands run in-process."""

    def __init__(self, tmp_path, name, url, capsys, site_blobs):
        self.name, self.url, self.capsys = name, url, capsys
        self.blob_dir = tmp_path / f"blobs-{name}"
        blob_settings, self.store = site_blobs(self.blob_dir)
        self.ini = site_ini(tmp_path / f"{name}.ini", url, self.blob_dir, blob_settings)
        self.engine = get_engine({"sqlalchemy.url": url})

    def session(self):
        return Session(self.engine, expire_on_commit=False)

    def initialize(self, demo=False):
        args = ["initialize_cms_db", self.ini] + (["--demo"] if demo else [])
        assert initialize_db.main(args) == 0
        self.capsys.readouterr()

    def admin(self, *args):
        """Run ``cms-admin INI …``; return ``(exit code, stdout, stderr)``."""
        self.capsys.readouterr()
        crash = None
        try:
            code = admin.main(["cms-admin", self.ini, *map(str, args)])
        except Exception as error:  # an operator would see a traceback
            crash = f"{type(error).__name__}: {error}"
        captured = self.capsys.readouterr()
        if crash is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                gc.collect()
            pytest.fail(
                f"cms-admin {' '.join(map(str, args))} crashed: {crash}\n"
                f"stderr: {captured.err}"
            )
        return code, captured.out, captured.err

    def add_principals(self, users=("alice", "bob"), groups=("staff",)):
        with self.session() as session:
            for login in users:
                session.add(User(login=login, password_hash="!", fullname=login))
            for name in groups:
                session.add(Group(name=name, title=name.title()))
            session.commit()

    def state(self):
        """What a refused import must leave as it was."""
        with self.session() as session:
            rows = session.execute(
                select(Node.path, Node.uid, Node.title, Node.position).order_by(
                    Node.path
                )
            ).all()
            counts = [
                session.scalar(select(func.count()).select_from(model))
                for model in (LocalRole, Revision)
            ]
        return rows, counts, sorted(self.store.keys())


@pytest.fixture
def scratch_urls(database_url, tmp_path):
    """``scratch_urls(name)``: an empty database of its own for each name."""
    url = make_url(database_url)
    schemas = []

    def make(name):
        if url.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        schema = f"scratch_{uuid.uuid4().hex[:12]}"
        with server.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        scratch = url.update_query_dict({"options": f"-csearch_path={schema}"})
        return scratch.render_as_string(hide_password=False)

    server = None if url.get_backend_name() == "sqlite" else create_engine(url)
    yield make
    if server is not None:
        with server.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        server.dispose()


@pytest.fixture
def make_site(scratch_urls, tmp_path, capsys, monkeypatch, site_blobs):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", ADMIN_PASSWORD)
    sites = []

    def make(name, demo=False, principals=True):
        site = Site(tmp_path, name, scratch_urls(name), capsys, site_blobs)
        sites.append(site)
        site.initialize(demo)
        if principals:
            site.add_principals()
        return site

    yield make
    for site in sites:
        site.engine.dispose()


# -- the source site ---------------------------------------------------------------


def png_bytes(width=600, height=400):
    image = PILImage.new("RGB", (width, height), (200, 40, 40))
    ImageDraw.Draw(image).ellipse((50, 50, width - 50, height - 50), fill=(0, 90, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def acting(user):
    """The caller of cms.services.revisions: *user*, who may do anything."""
    return Caller(
        user_id=user.id, login=user.login, permits=lambda *_: True, site_url=""
    )


def build_content(site):
    """Add /content/ to *site*: every kind of node, state, role and blob.

    Returns the keys of interesting blobs.
    """
    store = site.store
    keys = {}
    with site.session() as session:
        alice = session.scalars(select(User).where(User.login == "alice")).one()
        bob = session.scalars(select(User).where(User.login == "bob")).one()
        staff = session.scalars(select(Group).where(Group.name == "staff")).one()
        as_alice = acting(alice)
        root = get_root(session)
        content = root.add(
            Folder(title="Content", description="All of it", state="published"),
            "content",
        )
        content.owner_id = alice.id
        session.add(
            LocalRole(node_id=content.id, group_id=staff.id, role="contributor")
        )

        # A document with a draft: created, published, edited.
        page = content.add(
            Document(
                title="Page",
                description="A page",
                body="<p>One</p>",
                owner_id=alice.id,
            ),
            "page",
        )
        record(session, as_alice, page, "Created", ["title", "description", "body"])
        page.state = "published"
        page.effective = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        page.expires = datetime(2036, 1, 5, 9, 0, tzinfo=UTC)
        record(session, as_alice, page, "Publish", ["state"])
        save_content(session, as_alice, page, {"body": "<p>Two</p>"}, "Edited")
        content.add(Document(title="Private note", body="<p>secret</p>"), "private")
        content.add(Document(title="Pending note", state="pending"), "pending")

        restricted = content.add(
            Folder(title="Restricted", state="published", inherit_roles=False),
            "restricted",
        )
        for user_id, group_id, role in (
            (alice.id, None, "editor"),
            (None, staff.id, "reader"),
            (bob.id, None, "reader"),
        ):
            session.add(
                LocalRole(
                    node_id=restricted.id, user_id=user_id, group_id=group_id, role=role
                )
            )
        inner = restricted.add(
            Document(title="Inner", body="<p>in</p>", owner_id=bob.id), "inner"
        )
        record(session, acting(bob), inner, "Created", ["title", "body"])

        files = content.add(Folder(title="Files", state="published"), "files")
        # A file whose first version's blob only its history still references.
        first = store.save_bytes(b"%PDF-1.4\n% the first report\n")
        second = store.save_bytes(b"%PDF-1.4\n% the second report, longer\n")
        keys["revision_only"], keys["file"] = first.key, second.key
        report = files.add(
            File(
                title="Report",
                filename="report.pdf",
                content_type="application/pdf",
                size=first.size,
                blob_key=first.key,
                state="published",
            ),
            "report.pdf",
        )
        record(session, as_alice, report, "Created", ["title", "blob_key"])
        report.blob_key, report.size = second.key, second.size
        record(session, as_alice, report, "Replaced the file", ["blob_key", "size"])
        doomed = files.add(Document(title="Doomed"), "doomed")

        data = png_bytes()
        original = store.save_bytes(data)
        keys["image"] = original.key
        scales = {}
        picture = site.blob_dir.with_name(f"{site.name}-photo.png")
        picture.write_bytes(data)
        for name in SCALES:
            scaled = make_scale(picture, name)
            blob = store.save_bytes(scaled.data)
            scales[name] = {
                "key": blob.key,
                "width": scaled.width,
                "height": scaled.height,
                "content_type": scaled.content_type,
            }
        keys["thumb"] = scales["thumb"]["key"]
        photo = files.add(
            Image(
                title="Photo",
                description="A red and blue picture",
                filename="photo.png",
                content_type="image/png",
                size=len(data),
                blob_key=original.key,
                width=600,
                height=400,
                scales=scales,
            ),
            "photo.png",
        )
        record(session, as_alice, photo, "Created", ["title", "blob_key", "scales"])
        # A gap in the positions (0, 2) and an order that is not the paths'.
        doomed.delete()
        files.set_position(0)
        session.commit()
        assert page.has_draft
    return keys


@pytest.fixture
def source(make_site):
    site = make_site("source", demo=True)
    site.keys = build_content(site)
    return site


# -- archives ------------------------------------------------------------------------


def read_zip(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def nodes_of(path):
    return json.loads(read_zip(path)["nodes.json"])


def blobs_of(path):
    return {
        name: data for name, data in read_zip(path).items() if name.startswith("blobs/")
    }


def rewrite(source_zip, target_zip, change):
    """Write *target_zip*: the entries of *source_zip* after ``change(entries)``."""
    entries = read_zip(source_zip)
    change(entries)
    with zipfile.ZipFile(target_zip, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target_zip


def export(site, path, target):
    code, out, err = site.admin("export", path, target)
    assert (code, err) == (0, ""), err
    return out


# -- export ----------------------------------------------------------------------------


@pytest.mark.parametrize("site_backend", ["local", "s3"], indirect=True)
def test_export_writes_the_subtree_its_roles_history_and_blobs(source, tmp_path):
    archive = tmp_path / "content.zip"
    out = export(source, "/content/", archive)
    assert "Exported 9 nodes" in out
    entries = read_zip(archive)
    manifest = json.loads(entries["manifest.json"])
    assert manifest["format"] == "cms-export"
    assert manifest["version"] == 1
    assert manifest["path"] == "/content/"
    assert manifest["exported"]
    nodes = json.loads(entries["nodes.json"])
    assert [node["path"] for node in nodes] == [
        "",
        "files/",
        "files/photo.png/",
        "files/report.pdf/",
        "page/",
        "pending/",
        "private/",
        "restricted/",
        "restricted/inner/",
    ]
    by_path = {node["path"]: node for node in nodes}
    root = by_path[""]
    assert (root["name"], root["type"], root["position"]) == ("content", "Folder", None)
    assert root["owner"] == "alice"
    assert root["local_roles"] == [{"principal": "group:staff", "role": "contributor"}]
    page = by_path["page/"]
    assert (page["state"], page["has_draft"], page["body"]) == (
        "published",
        True,
        "<p>One</p>",
    )
    assert [r["version"] for r in page["revisions"]] == [1, 2, 3]
    assert page["revisions"][2]["data"]["body"] == "<p>Two</p>"
    assert page["revisions"][2]["author_login"] == "alice"
    assert page["revisions"][2]["changed"] == ["body"]
    assert by_path["private/"]["state"] == "private"
    assert by_path["pending/"]["state"] == "pending"
    restricted = by_path["restricted/"]
    assert restricted["inherit_roles"] is False
    assert restricted["local_roles"] == [
        {"principal": "group:staff", "role": "reader"},
        {"principal": "user:alice", "role": "editor"},
        {"principal": "user:bob", "role": "reader"},
    ]
    assert by_path["restricted/inner/"]["owner"] == "bob"
    # The order of the folder's children, gap included, is kept.
    assert by_path["files/"]["position"] == 0
    assert by_path["files/report.pdf/"]["position"] == 0
    assert by_path["files/photo.png/"]["position"] == 2
    photo = by_path["files/photo.png/"]
    assert (photo["width"], photo["height"], photo["filename"]) == (
        600,
        400,
        "photo.png",
    )
    assert set(photo["scales"]) == set(SCALES)
    report = by_path["files/report.pdf/"]
    assert report["blob_key"] == source.keys["file"]
    assert [r["data"]["blob_key"] for r in report["revisions"]] == [
        source.keys["revision_only"],
        source.keys["file"],
    ]
    # Every referenced blob, the one only a revision names included.
    expected = {report["blob_key"], photo["blob_key"], source.keys["revision_only"]}
    expected |= {scale["key"] for scale in photo["scales"].values()}
    blobs = blobs_of(archive)
    assert set(blobs) == {f"blobs/{key}" for key in expected}
    for name, data in blobs.items():
        assert hashlib.sha256(data).hexdigest() == name.removeprefix("blobs/")
    assert manifest["nodes"] == len(nodes) == 9


def test_export_of_a_missing_path_fails_cleanly(source, tmp_path):
    code, _out, err = source.admin("export", "/nope/", tmp_path / "x.zip")
    assert code == 1
    assert "/nope/" in err
    assert not (tmp_path / "x.zip").exists()


def test_export_refuses_when_a_referenced_blob_is_missing(source, tmp_path):
    source.store.delete(source.keys["revision_only"])
    code, _out, err = source.admin("export", "/content/", tmp_path / "x.zip")
    assert code == 1
    assert "missing" in err
    assert list(tmp_path.glob("*.zip")) == []
    assert list(tmp_path.glob(".export-*")) == []


def test_export_accepts_a_path_without_slashes(source, tmp_path):
    export(source, "content", tmp_path / "a.zip")
    assert nodes_of(tmp_path / "a.zip")[0]["name"] == "content"


# -- import and the round trip ------------------------------------------------------


@pytest.mark.parametrize("site_backend", ["local", "s3"], indirect=True)
def test_round_trip_into_an_empty_site_is_exact(source, make_site, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export(source, "/content/", first)
    target = make_site("target")
    code, out, err = target.admin("import", first, "/")
    assert (code, err) == (0, ""), err
    assert "Imported 9 nodes" in out
    assert "/content/" in out
    assert "new uids" not in out
    export(target, "/content/", second)
    assert nodes_of(second) == nodes_of(first)
    assert blobs_of(second) == blobs_of(first)
    for key in source.keys.values():
        assert target.store.exists(key)
    assert target.admin("check")[0] == 0
    assert target.admin("blobs", "check")[0] == 0
    with target.session() as session:
        page = session.scalars(select(Node).where(Node.path == "/content/page/")).one()
        assert page.has_draft and page.state == "published"
        assert page.owner_id == session.scalar(
            select(User.id).where(User.login == "alice")
        )


@pytest.mark.parametrize("site_backend", ["local", "s3"], indirect=True)
def test_whole_site_round_trip_restores_into_an_empty_site(source, make_site, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export(source, "/", first)
    target = make_site("target")
    code, _out, err = target.admin("import", first, "/")
    assert (code, err) == (0, ""), err
    export(target, "/", second)
    assert nodes_of(second) == nodes_of(first)
    assert blobs_of(second) == blobs_of(first)
    assert target.admin("check")[0] == 0


def test_whole_site_needs_a_name_elsewhere(source, tmp_path):
    archive = tmp_path / "site.zip"
    export(source, "/", archive)
    before = source.state()
    code, _out, err = source.admin("import", archive, "/")
    assert code == 1
    assert "--name" in err
    assert "not empty" in err
    assert source.state() == before
    code, _out, err = source.admin("import", archive, "/about/")
    assert code == 1
    assert "--name" in err
    assert source.state() == before
    code, out, err = source.admin("import", archive, "/about/", "--name", "old-site")
    assert (code, err) == (0, ""), err
    assert "/about/old-site/" in out


def test_import_into_the_same_site_gives_new_uids(source, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export(source, "/content/", first)
    code, out, err = source.admin("import", first, "/about/")
    assert (code, err) == (0, ""), err
    assert "9 nodes got new uids" in out
    export(source, "/about/content/", second)
    before, after = nodes_of(first), nodes_of(second)
    old_uids = {node["uid"] for node in before}
    new_uids = {node["uid"] for node in after}
    assert len(new_uids) == len(after) and not old_uids & new_uids
    for node in before + after:
        node.pop("uid")
    assert after == before
    assert blobs_of(second) == blobs_of(first)
    assert source.admin("check")[0] == 0


def test_import_with_another_name(source, make_site, tmp_path):
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    code, out, _err = source.admin("import", archive, "/", "--name", "copy")
    assert code == 0
    assert "/copy/" in out
    with source.session() as session:
        assert session.scalar(select(Node.title).where(Node.path == "/copy/")) == (
            "Content"
        )


def test_import_replaces_redirects_from_where_it_lands(source, tmp_path):
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    with source.session() as session:
        about = session.scalars(select(Node).where(Node.path == "/about/")).one()
        for path in ("/copy/", "/copy/page/", "/copyright/"):
            session.add(Redirect(path=path, node_id=about.id))
        session.commit()
    code, _out, err = source.admin("import", archive, "/", "--name", "copy")
    assert (code, err) == (0, ""), err
    with source.session() as session:
        left = session.scalars(select(Redirect.path)).all()
    assert left == ["/copyright/"]


def test_missing_principals_are_skipped_with_a_warning(source, make_site, tmp_path):
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    target = make_site("target", principals=False)
    target.add_principals(users=("alice",), groups=())
    code, _out, err = target.admin("import", archive, "/")
    assert code == 0
    assert "warning: user:bob does not exist" in err
    assert "warning: group:staff does not exist" in err
    assert "ownership of 1 node(s)" in err
    with target.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 2
        inner = session.scalars(
            select(Node).where(Node.path == "/content/restricted/inner/")
        ).one()
        assert inner.owner_id is None
        restricted = session.scalars(
            select(Node).where(Node.path == "/content/restricted/")
        ).one()
        roles = [(r.user.login, r.role) for r in restricted.local_roles]
        assert roles == [("alice", "editor")]
        # The history keeps the author's name even without the account.
        revision = session.scalars(
            select(Revision).where(Revision.node_id == inner.id)
        ).one()
        assert (revision.author_login, revision.author_id) == ("bob", None)


def test_import_sanitizes_bodies(source, make_site, tmp_path):
    archive, hostile = tmp_path / "a.zip", tmp_path / "hostile.zip"
    export(source, "/content/", archive)

    def inject(entries):
        nodes = json.loads(entries["nodes.json"])
        page = next(node for node in nodes if node["path"] == "page/")
        page["body"] = '<p onclick="x()">One</p><script>alert(1)</script>'
        page["revisions"][2]["data"]["body"] = "<p>Two<script>alert(2)</script></p>"
        entries["nodes.json"] = json.dumps(nodes)

    rewrite(archive, hostile, inject)
    target = make_site("target")
    code, out, _err = target.admin("import", hostile, "/")
    assert code == 0
    assert "1 document bodies were sanitized" in out
    with target.session() as session:
        page = session.scalars(select(Node).where(Node.path == "/content/page/")).one()
        assert "script" not in page.body and "onclick" not in page.body
        draft = session.scalars(
            select(Revision).where(Revision.node_id == page.id, Revision.version == 3)
        ).one()
        assert "script" not in draft.data["body"]


# -- refusals ----------------------------------------------------------------------


def _nodes(change):
    def apply(entries):
        nodes = json.loads(entries["nodes.json"])
        change(nodes)
        entries["nodes.json"] = json.dumps(nodes)

    return apply


def _manifest(change):
    def apply(entries):
        manifest = json.loads(entries["manifest.json"])
        change(manifest)
        entries["manifest.json"] = json.dumps(manifest)

    return apply


def _node(path):
    def find(nodes):
        return next(node for node in nodes if node["path"] == path)

    return find


def _rename(nodes):
    node = _node("private/")(nodes)
    node["path"] = node["name"] = "Bad Name"
    node["path"] += "/"


def _orphan(nodes):
    _node("restricted/inner/")(nodes)["path"] = "ghost/inner/"


def _first_blob(entries):
    return next(name for name in entries if name.startswith("blobs/"))


def _corrupt_blob(entries):
    name = _first_blob(entries)
    entries[name] = entries[name] + b"tampered"


def _drop_blob(entries):
    del entries[_first_blob(entries)]


REFUSALS = {
    "bad version": (_manifest(lambda m: m.update(version=99)), "version 99"),
    "not our format": (_manifest(lambda m: m.update(format="tar")), "archive"),
    "no manifest": (lambda e: e.pop("manifest.json"), "manifest.json"),
    "no nodes": (lambda e: e.pop("nodes.json"), "nodes.json"),
    "malformed nodes": (lambda e: e.update({"nodes.json": b"[{"}), "not valid JSON"),
    "nodes not a list": (lambda e: e.update({"nodes.json": b"{}"}), "list"),
    "invalid name": (_nodes(_rename), "not a valid node name"),
    "unknown type": (
        _nodes(lambda n: _node("page/")(n).update(type="Widget")),
        "unknown type 'Widget'",
    ),
    "paths do not nest": (_nodes(_orphan), "do not nest"),
    "child of a file": (
        _nodes(
            lambda n: n.append(
                {**_node("page/")(n), "path": "files/report.pdf/x/", "name": "x"}
            )
        ),
        "holds no children",
    ),
    # The rules of every edit: the same limits, the same messages.
    "title too long": (
        _nodes(lambda n: _node("page/")(n).update(title="x" * 201)),
        "title: At most 200 characters.",
    ),
    "empty title": (
        _nodes(lambda n: _node("page/")(n).update(title="  ")),
        "title: Required.",
    ),
    "description too long": (
        _nodes(lambda n: _node("page/")(n).update(description="x" * 2001)),
        "description: At most 2000 characters.",
    ),
    "bad state": (
        _nodes(lambda n: _node("page/")(n).update(state="gone")),
        "unknown state",
    ),
    "bad role": (
        _nodes(
            lambda n: _node("")(n).update(
                local_roles=[{"principal": "user:alice", "role": "god"}]
            )
        ),
        "unknown role",
    ),
    "bad time": (
        _nodes(lambda n: _node("page/")(n).update(created="yesterday")),
        "'created'",
    ),
    "bad schedule": (
        _nodes(lambda n: _node("page/")(n).update(expires="2030-01-01T00:00:00")),
        "'expires'",
    ),
    "duplicate uid": (
        _nodes(lambda n: _node("page/")(n).update(uid=_node("")(n)["uid"])),
        "twice",
    ),
    "bad blob key": (
        _nodes(lambda n: _node("files/report.pdf/")(n).update(blob_key="../etc")),
        "blob key",
    ),
    "corrupt blob": (_corrupt_blob, "corrupt"),
    "missing blob": (_drop_blob, "lacks"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=str)
def test_import_refuses_a_bad_archive(case, source, make_site, tmp_path):
    change, message = REFUSALS[case]
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    bad = rewrite(archive, tmp_path / "bad.zip", change)
    target = make_site("target")
    before = target.state()
    code, out, err = target.admin("import", bad, "/")
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert out == ""
    assert target.state() == before


def test_import_refuses_a_blob_whose_bytes_changed_in_place(
    source, make_site, tmp_path
):
    """Bytes flipped inside the ZIP itself (its checksum no longer matches)."""
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    data = bytearray(archive.read_bytes())
    marker = b"% the second report"
    at = data.index(marker)
    data[at : at + 1] = b"#"
    archive.write_bytes(bytes(data))
    target = make_site("target")
    before = target.state()
    code, _out, err = target.admin("import", archive, "/")
    assert code == 1
    assert "corrupt" in err
    assert target.state() == before


@pytest.mark.parametrize(
    ("code", "says"),
    [(errno.ENOSPC, "the blob store is full"), (errno.EIO, "the blob store failed")],
)
def test_import_on_a_failing_disk_changes_nothing(
    source, make_site, tmp_path, code, says
):
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    target = make_site("target")
    before = target.state()
    with failing(target.blob_dir, "write", code):
        exit_code, out, err = target.admin("import", archive, "/")
    assert exit_code == 1
    assert says in err
    assert "Traceback" not in err
    assert out == ""
    assert target.state() == before
    assert list(target.store.tmp.iterdir()) == []


def test_import_refuses_a_taken_name(source, tmp_path):
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    before = source.state()
    code, _out, err = source.admin("import", archive, "/")
    assert code == 1
    assert "'content' is already taken" in err
    assert source.state() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nope/"], "No node at /nope/"),
        (["/content/files/report.pdf/"], "holds no children"),
        (["/", "--name", "Bad Name"], "not a valid name"),
        (["/", "--name", "robots.txt"], "reserved"),
    ],
)
def test_import_refuses_a_bad_target(source, make_site, tmp_path, args, message):
    archive = tmp_path / "a.zip"
    export(source, "/content/", archive)
    code, _out, err = source.admin("import", archive, *args)
    assert code == 1
    assert message in err


def test_import_refuses_what_is_not_an_archive(source, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    code, _out, err = source.admin("import", tmp_path / "notes.txt", "/")
    assert code == 1
    assert "not a ZIP archive" in err
    code, _out, err = source.admin("import", tmp_path / "absent.zip", "/")
    assert code == 1
    assert "No such file" in err


# -- progress ---------------------------------------------------------------------


@pytest.mark.parametrize("tty", [True, False])
def test_progress_only_on_a_terminal(source, make_site, tmp_path, monkeypatch, tty):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    archive = tmp_path / "a.zip"
    code, out, err = source.admin("export", "/content/", archive)
    assert code == 0
    assert "Exported 9 nodes" in out
    target = make_site("target")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    code, out, err_import = target.admin("import", archive, "/")
    assert code == 0
    assert "Imported 9 nodes" in out
    if tty:
        assert "\rexported 9/9 nodes" in err
        assert "\rimported 9/9 nodes" in err_import
    else:
        assert (err, err_import) == ("", "")


# -- blobs ----------------------------------------------------------------------------


def age(store, key, seconds):
    then = time.time() - seconds
    os.utime(store.path(key), (then, then))


def test_blobs_clean_removes_old_orphans_only(source):
    store = source.store
    old_orphan = store.save_bytes(b"nobody links to me").key
    young_orphan = store.save_bytes(b"an upload about to commit").key
    stored = list(store.keys())
    for key in stored:
        if key != young_orphan:
            age(store, key, 2 * HOUR)
    leftover = store.tmp / "crashed-upload"
    leftover.write_bytes(b"half")
    os.utime(leftover, (time.time() - 2 * HOUR,) * 2)
    referenced = set(store.keys()) - {old_orphan, young_orphan}

    code, out, _err = source.admin("blobs", "clean", "--dry-run")
    assert code == 0
    assert f"would remove {old_orphan}" in out
    assert young_orphan not in out
    assert "1 temporary files" in out
    assert store.exists(old_orphan) and leftover.exists()

    code, out, _err = source.admin("blobs", "clean")
    assert code == 0
    assert f"removed {old_orphan}" in out
    assert "Removed 1 unreferenced blobs" in out
    assert not store.exists(old_orphan)
    assert store.exists(young_orphan)
    assert not leftover.exists()
    for key in referenced:
        assert store.exists(key), key
    # The blob only an old revision names is kept: a revert brings it back.
    assert store.exists(source.keys["revision_only"])

    code, out, _err = source.admin("blobs", "clean", "--older-than", "0")
    assert code == 0
    assert not store.exists(young_orphan)
    assert set(store.keys()) == referenced


def test_blobs_clean_refuses_a_negative_age(source):
    with pytest.raises(SystemExit):
        admin.main(["cms-admin", source.ini, "blobs", "clean", "--older-than", "-1"])


def test_blobs_check_finds_missing_blobs(source):
    code, out, err = source.admin("blobs", "check")
    assert (code, err) == (0, "")
    assert "0 missing" in out
    source.store.delete(source.keys["thumb"])
    source.store.delete(source.keys["revision_only"])
    code, out, err = source.admin("blobs", "check")
    assert code == 1
    assert "2 missing" in out
    assert (
        f"missing {source.keys['thumb']}: referenced by /content/files/photo.png/"
        in (err)
    )
    assert source.keys["revision_only"] in err


# -- help ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [["export"], ["import"], ["blobs"], ["blobs", "clean"], ["blobs", "check"]],
    ids=" ".join,
)
def test_every_command_has_help(words, capsys):
    with pytest.raises(SystemExit) as exit:
        admin.main(["cms-admin", "site.ini", *words, "--help"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.startswith("usage: cms-admin")
