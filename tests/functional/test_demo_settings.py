"""The site ``./bin/serve`` runs, as development.ini configures it."""

from pathlib import Path

import pytest
import webtest
from pyramid.paster import get_appsettings

import cms
from cms.scripts import initialize_db

ROOT = Path(__file__).parents[2]


@pytest.fixture
def demo_app(scratch_url, ini_file, tmp_path, monkeypatch):
    monkeypatch.setenv("CMS_ADMIN_PASSWORD", "the admin's passphrase")
    assert initialize_db.main(["initialize_cms_db", ini_file, "--demo"]) == 0
    settings = dict(get_appsettings(str(ROOT / "development.ini")))
    # A database and a folder of its own; the rest as served.
    settings.update({"sqlalchemy.url": scratch_url, "cms.blob_dir": str(tmp_path)})
    app = cms.main({}, **settings)
    yield webtest.TestApp(app)
    app.registry["dbengine"].dispose()


@pytest.mark.parametrize("url", ["/%ff/", "/about/%ff", "/?%ff=1"])
def test_a_url_that_is_not_utf8_is_a_400(demo_app, url):
    response = demo_app.get(url, status=400, headers={"Accept": "text/html"})
    assert response.content_type == "text/html"
