"""The wheel holds everything the package reads at run time, not only its code.

An editable install reads the checkout, so a file left out of the package
data goes unnoticed until the site runs from a wheel: the rich-text editor
did. So a wheel is built here (pip, without network or build isolation, from
a copy of the sources) and read.
"""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "cms"
#: What a build reads besides the package.
BUILD_FILES = ("pyproject.toml", "setup.cfg", "README.md")
#: An asset named in a template or a module: "cms:static/site.css".
ASSET = re.compile(r"cms:((?:static|templates)/[\w./-]+)")


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory):
    """The names of the files in a wheel built from the sources."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_FILES:
        shutil.copy2(ROOT / name, source / name)
    # A copy: building in the checkout would leave build/ and an egg-info
    # there, and the latter on the path of every later test run.
    shutil.copytree(
        PACKAGE, source / "cms", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603 (this interpreter's pip, fixed arguments)
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        cwd=source,
        timeout=300,
    )
    (wheel,) = out.glob("cms-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def package_files(folder=""):
    """The files under the package (or one of its folders), as wheel names.

    Not compiled files, nor hidden ones (an editor's, a desktop's).
    """
    return {
        path.relative_to(ROOT).as_posix()
        for path in (PACKAGE / folder).rglob("[!.]*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_every_file_of_the_package_is_in_the_wheel(wheel_files):
    """Code, templates, static assets (the vendored editor too), migrations."""
    missing = package_files() - wheel_files
    assert not missing, f"left out of the wheel: {sorted(missing)}"


@pytest.mark.parametrize("folder", ["templates", "static/vendor", "alembic"])
def test_each_data_folder_is_there(wheel_files, folder):
    assert package_files(folder), f"cms/{folder} is empty"
    assert package_files(folder) <= wheel_files


def test_every_asset_the_site_names_is_in_the_wheel(wheel_files):
    """What templates and modules name (``cms:static/…``) exists and ships."""
    sources = [*PACKAGE.rglob("*.jinja2"), *PACKAGE.rglob("*.py")]
    named = {
        f"cms/{asset}"
        for source in sources
        for asset in ASSET.findall(source.read_text(encoding="utf-8"))
        if not asset.endswith("/")
    }
    assert "cms/static/vendor/editor/manifest.json" in named
    assert "cms/templates/layout.jinja2" in named
    assert named <= package_files(), "a template names a file that is not there"
    missing = named - wheel_files
    assert not missing, f"named but left out of the wheel: {sorted(missing)}"


def test_the_editor_bundle_the_manifest_names_is_in_the_wheel(wheel_files):
    from cms.assets import editor_files

    for name in editor_files().values():
        assert f"cms/static/vendor/editor/{name}" in wheel_files
