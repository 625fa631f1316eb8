"""The shipped systemd units (``deploy/systemd/``).

``systemd-analyze verify`` reads them as systemd would (an unknown key, a
bad value or a command that is not there is reported); the virtualenv's
path is swapped for this one's, so that the commands they name must exist.
What they run is checked against the project: its console scripts and
``production.ini``.
"""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
VENV_BIN = "/srv/cms/venv/bin/"


def read_unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string((UNITS / name).read_text())
    return parser


def console_scripts():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "setup.cfg")
    scripts = parser["options.entry_points"]["console_scripts"]
    return {line.split("=")[0].strip() for line in scripts.splitlines() if line}


@pytest.mark.parametrize(
    ("name", "script", "arguments"),
    [
        ("cms@.service", "pserve", ["/etc/cms/production.ini", "http_port=%i"]),
        ("cms-migrate.service", "initialize_cms_db", ["/etc/cms/production.ini"]),
    ],
)
def test_each_unit_runs_a_command_of_the_project(name, script, arguments):
    service = read_unit(name)["Service"]
    command, *rest = service["ExecStart"].split()
    assert command == VENV_BIN + script
    # pserve is Pyramid's; the others are ours.
    assert script == "pserve" or script in console_scripts()
    assert rest == arguments
    assert Path(rest[0]).name == "production.ini"
    assert service["User"] == "cms"
    assert service["EnvironmentFile"] == "/etc/cms/env"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/var/lib/cms/blobs"


def test_the_processes_start_after_the_migration():
    unit = read_unit("cms@.service")["Unit"]
    assert "cms-migrate.service" in unit["After"].split()
    assert unit["Requires"] == "cms-migrate.service"


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: bin/test installs it (systemd)")
    venv_bin = f"{Path(sys.executable).parent}/"
    for unit in UNITS.glob("*.service"):
        text = unit.read_text()
        assert VENV_BIN in text
        (tmp_path / unit.name).write_text(text.replace(VENV_BIN, venv_bin))
    result = subprocess.run(  # noqa: S603
        [
            analyze,
            "verify",
            str(tmp_path / "cms@6543.service"),
            str(tmp_path / "cms-migrate.service"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    # It exits 0 for a unit it ignores lines of: anything said is a fault.
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
