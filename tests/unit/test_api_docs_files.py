"""The committed Swagger UI files are the pinned package's, byte for byte.

``npm run build:api-docs`` (assets/api-docs/copy.mjs) is run into a temporary
folder with the checkout's node_modules (installed by ``npm ci``) and
compared with cms/static/vendor/swagger-ui/: a new pinned version without a
new copy, or a file changed by hand, fails here.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cms.assets import swagger_ui_version

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "cms" / "static" / "vendor" / "swagger-ui"
PACKAGE = ROOT / "node_modules" / "swagger-ui-dist"
COPY = ROOT / "assets" / "api-docs" / "copy.mjs"


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    node = shutil.which("node")
    if node is None or not PACKAGE.is_dir():
        pytest.fail("Node.js and node_modules are needed: run `npm ci` first.")
    out = tmp_path_factory.mktemp("swagger-ui")
    subprocess.run(  # noqa: S603 (node, our own script, a folder of ours)
        [node, str(COPY), str(out)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    return out


def test_the_copy_gives_the_committed_files(copied):
    names = sorted(path.name for path in copied.iterdir())
    assert names == sorted(path.name for path in COMMITTED.iterdir())
    for name in names:
        assert (copied / name).read_bytes() == (COMMITTED / name).read_bytes(), name


def test_the_committed_files_are_the_packages(copied):
    manifest = json.loads((COMMITTED / "manifest.json").read_text())
    assert "swagger-ui-bundle.js" in manifest["files"]
    for name in manifest["files"]:
        assert (COMMITTED / name).read_bytes() == (PACKAGE / name).read_bytes(), name


def test_the_version_served_is_the_one_pinned_exactly():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]
    installed = json.loads((PACKAGE / "package.json").read_text())["version"]
    assert pinned["swagger-ui-dist"] == installed == swagger_ui_version()


def test_the_licence_and_notice_are_beside_it():
    manifest = json.loads((COMMITTED / "manifest.json").read_text())
    assert manifest["license"] == "Apache-2.0"
    assert "Apache License" in (COMMITTED / "LICENSE").read_text()
    assert "SmartBear" in (COMMITTED / "NOTICE").read_text()
    # The licences of what the bundle holds.
    assert "MIT" in (COMMITTED / "swagger-ui-bundle.js.LICENSE.txt").read_text()
