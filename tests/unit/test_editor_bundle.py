"""The committed editor bundle is what its sources build, byte for byte.

``npm run build:editor`` (assets/editor/build.mjs) is run into a temporary
folder with the checkout's node_modules (installed by ``npm ci``, as
bin/test does for the browser tests) and compared with
cms/static/vendor/editor/: a change of the sources or of a pinned version
without a new build fails here.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cms.assets import editor_files

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "cms" / "static" / "vendor" / "editor"
BUILD = ROOT / "assets" / "editor" / "build.mjs"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("Node.js and node_modules are needed: run `npm ci` first.")
    out = tmp_path_factory.mktemp("editor")
    subprocess.run(  # noqa: S603 (node, our own script, a folder of ours)
        [node, str(BUILD), str(out)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    return out


def test_the_build_gives_the_committed_files(built):
    names = sorted(path.name for path in built.iterdir())
    assert names == sorted(path.name for path in COMMITTED.iterdir())
    for name in names:
        assert (built / name).read_bytes() == (COMMITTED / name).read_bytes(), name


def test_the_manifest_names_the_hashed_bundle(built):
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest == editor_files()
    (name,) = manifest.values()
    assert name.startswith("editor.") and (COMMITTED / name).is_file()


def test_the_licences_of_the_bundled_packages_are_beside_it():
    licences = (COMMITTED / "LICENSES.txt").read_text()
    for package in ("@tiptap/core 3.35.0 (MIT)", "prosemirror-model", "linkifyjs"):
        assert package in licences
    assert "Permission is hereby granted" in licences
