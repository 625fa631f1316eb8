"""Sites whose blobs live in an S3-compatible bucket (SeaweedFS for the run).

What the bucket changes for an operator: nothing is kept in a local folder,
several processes share the files through the bucket alone, and a store
that does not answer is a 503 that names it, never a 500.
"""

import hashlib
import io
import os
import secrets
import shutil
import socket
import zipfile
from pathlib import Path

import httpx
import webtest
from PIL import Image as PILImage
from sqlalchemy import select
from sqlalchemy.orm import Session

import cms
from bench.soak.site import Site
from cms.blobstore import store_for_url
from cms.models import Node
from cms.scripts import admin as cms_admin
from tests.sites import SECRET, scratch_database, served, site_ini

ROOT = Path(__file__).resolve().parents[2]


def png(width=1600, height=800):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, headers, type_name, filename, data, status=201):
    return client.post(
        "/",
        {"@type": type_name},
        upload_files=[("file", filename, data)],
        headers=headers,
        status=status,
    )


def local_files(folder):
    return sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
    )


def test_a_site_on_a_bucket_keeps_no_bytes_in_a_folder(
    database_url, tmp_path, monkeypatch, s3_settings
):
    settings = s3_settings()
    data = os.urandom(300_000)
    with served(database_url, tmp_path, monkeypatch, settings) as (app, headers):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        file_url = upload(client, headers, "File", "data.bin", data).json["file"][
            "download"
        ]
        image = upload(client, headers, "Image", "photo.png", png()).json
        scales = {
            name: client.get(scale["download"], headers=headers).body
            for name, scale in image["scales"].items()
        }
        # The site is stopped, its local folders removed, and it starts again.
        assert not (tmp_path / "blobs").exists() or not local_files(tmp_path / "blobs")
        shutil.rmtree(tmp_path / "blobs", ignore_errors=True)
        again = cms.main(
            {},
            **{
                "sqlalchemy.url": app.registry["dbengine"].url.render_as_string(
                    hide_password=False
                ),
                "cms.secret": SECRET,
                **settings,
            },
        )
        try:
            client = webtest.TestApp(again, extra_environ={"HTTP_HOST": "example.com"})
            assert client.get(file_url, headers=headers).body == data
            assert client.get(image["file"]["download"], headers=headers).body == png()
            for name, scale in image["scales"].items():
                assert (
                    client.get(scale["download"], headers=headers).body == scales[name]
                )
        finally:
            again.registry["dbengine"].dispose()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_store_that_does_not_answer_is_a_503_and_nothing_is_stored(
    database_url, tmp_path, monkeypatch, s3_settings
):
    settings = s3_settings()
    with served(database_url, tmp_path, monkeypatch, settings) as (app, headers):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        url = upload(client, headers, "File", "kept.txt", b"kept\n").json["file"][
            "download"
        ]
        working = app.registry["blobstore"]
        app.registry["blobstore"] = store_for_url(
            settings["cms.blob_url"], f"http://127.0.0.1:{closed_port()}"
        )
        try:
            refused = upload(
                client, headers, "File", "lost.txt", b"lost\n", status=503
            ).json
            download = client.get(url, headers=headers, status=503).json
            ready = client.get("/readyz", status=503).json
        finally:
            app.registry["blobstore"] = working
        assert "nothing was saved" in refused["error"]["message"]
        assert "cannot be read" in download["error"]["message"]
        assert ready == {
            "status": "unavailable",
            "database": "ok",
            "blobs": "unreachable",
        }
        with Session(app.registry["dbengine"]) as session:
            names = session.scalars(select(Node.name).where(Node.name != "")).all()
        assert names == ["kept.txt"]
        assert client.get("/readyz").json["blobs"] == "ok"


def test_two_processes_share_files_through_the_bucket_alone(
    database_url, tmp_path, s3_settings
):
    settings = s3_settings()
    with scratch_database(database_url, tmp_path) as url:
        sites = []
        for name in ("one", "two"):
            folder = tmp_path / name
            folder.mkdir()
            site = Site(folder, url, ROOT / "production.ini")
            site.environ.update(
                {
                    "CMS_BLOB_URL": settings["cms.blob_url"],
                    "CMS_S3_ENDPOINT": settings["cms.s3_endpoint"],
                }
            )
            sites.append(site)
        one, two = sites
        two.environ["CMS_SECRET"] = one.environ["CMS_SECRET"]
        two.admin_password = one.admin_password
        two.environ["CMS_ADMIN_PASSWORD"] = one.admin_password
        one.initialize()
        data = secrets.token_bytes(3 * 2**20)
        try:
            for site in sites:
                site.start()
            token = one.login()
            auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            created = httpx.post(
                f"http://127.0.0.1:{one.port}/",
                data={"@type": "File"},
                files={"file": ("big.bin", data, "application/octet-stream")},
                headers=auth,
                timeout=60,
            )
            assert created.status_code == 201, created.text
            path = created.json()["file"]["download"].split("example.com", 1)[-1]
            path = "/" + path.split("/", 3)[-1]
            got = httpx.get(
                f"http://127.0.0.1:{two.port}{path}", headers=auth, timeout=60
            )
            assert got.status_code == 200
            assert hashlib.sha256(got.content).digest() == hashlib.sha256(data).digest()
        finally:
            for site in sites:
                site.stop()
        for site in sites:
            assert not site.blob_dir.exists() or local_files(site.blob_dir) == []


def admin(capsys, ini, *args):
    capsys.readouterr()
    code = cms_admin.main(["cms-admin", ini, *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_backup_and_migrate_work_on_a_bucket(
    database_url, tmp_path, monkeypatch, capsys, s3_settings
):
    settings = s3_settings()
    extra = "".join(f"{key} = {value}\n" for key, value in settings.items())
    data = os.urandom(200_000)
    with served(database_url, tmp_path, monkeypatch, settings) as (app, headers):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        upload(client, headers, "File", "data.bin", data)
        upload(client, headers, "Image", "photo.png", png())
        url = app.registry["dbengine"].url.render_as_string(hide_password=False)
        ini = site_ini(tmp_path / "s3.ini", url, tmp_path / "unused", extra)
        keys = sorted(app.registry["blobstore"].keys())
        assert len(keys) == 5  # the file, the image and its three scales

        assert admin(capsys, ini, "blobs", "check")[0] == 0
        code, out, _ = admin(capsys, ini, "export", "/", tmp_path / "site.zip")
        assert code == 0, out
        with zipfile.ZipFile(tmp_path / "site.zip") as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("blobs/"))
            assert names == [f"blobs/{key}" for key in keys]
            assert data in {archive.read(name) for name in names}
        code, out, err = admin(capsys, ini, "backup", tmp_path / "backup")
        assert code == 0, err
        assert (
            sorted(
                p.name
                for p in (tmp_path / "backup").rglob("*")
                if p.is_file() and len(p.name) == 64
            )
            == keys
        )

        # To a folder, resumable, and back to another prefix of the bucket.
        folder = tmp_path / "moved"
        code, out, err = admin(
            capsys, ini, "blobs", "migrate", "--to", f"file://{folder}"
        )
        assert code == 0, err
        assert "Copied 5 blobs" in out and f"CMS_BLOB_DIR={folder}" in out
        code, out, _ = admin(capsys, ini, "blobs", "migrate", "--to", str(folder))
        assert "Copied 0 blobs" in out and "5 were there already" in out
        assert sorted(store_for_url(str(folder)).keys()) == keys
        back = s3_settings()["cms.blob_url"]
        local_ini = site_ini(tmp_path / "local.ini", url, folder)
        code, out, err = admin(
            capsys,
            local_ini,
            "blobs",
            "migrate",
            "--to",
            back,
            "--endpoint",
            settings["cms.s3_endpoint"],
        )
        assert code == 0, err
        assert f"CMS_BLOB_URL={back}" in out
        moved = store_for_url(back, settings["cms.s3_endpoint"])
        assert sorted(moved.keys()) == keys

        # gc lists, and deletes only when told, and only the unreferenced.
        stray = app.registry["blobstore"].save_bytes(b"nobody's")
        code, out, _ = admin(capsys, ini, "blobs", "gc", "--older-than", "0")
        assert f"would remove {stray.key}" in out
        assert app.registry["blobstore"].exists(stray.key)
        code, out, _ = admin(
            capsys, ini, "blobs", "gc", "--older-than", "0", "--delete"
        )
        assert f"removed {stray.key}" in out
        assert sorted(app.registry["blobstore"].keys()) == keys


def test_a_range_is_asked_of_the_store_as_a_range(
    database_url, tmp_path, monkeypatch, s3_settings
):
    data = os.urandom(2**20)
    with served(database_url, tmp_path, monkeypatch, s3_settings()) as (app, headers):
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
        url = upload(client, headers, "File", "data.bin", data).json["file"]["download"]
        s3 = app.registry["blobstore"].client
        asked = []
        get_object = s3.get_object

        def recording(**kwargs):
            asked.append(kwargs.get("Range"))
            return get_object(**kwargs)

        monkeypatch.setattr(s3, "get_object", recording)
        part = client.get(url, headers={**headers, "Range": "bytes=-100"}, status=206)
        assert part.body == data[-100:]
        assert asked[-1] == f"bytes={len(data) - 100}-"
