"""The crash soak (``bench/soak``), short, on the database of the run.

A site of its own on the suite's database (a SQLite file, or a schema of its
own on the PostgreSQL server of the run), served by ``pserve`` with
production.ini, is written and read by a few clients while its server is
killed with SIGKILL three times and started again. Every acknowledged write
must then be found as acknowledged, no answer may be a 5xx, the site's own
checks must be clean, and the server's log must stay readable. The
self-test shows that the soak can fail: two acknowledged writes undone
behind the server's back are reported lost.

Each client writes only nodes of its own here (``--shared 0``): the full
run, for people, has clients race on shared nodes too.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).parents[2]
SUMMARY = re.compile(
    r"^soak: (?P<database>\w+) \d+ clients [\d.]+ s: (?P<requests>\d+) requests, "
    r"(?P<acknowledged>\d+) acknowledged writes .*, (?P<kills>\d+) kills, "
    r"(?P<errors>\d+) 5xx, (?P<lost>\d+) lost, check (?P<check>\w+), .*"
    r"log (?P<log>\d+) lines/min$",
    re.MULTILINE,
)


def soak(database_url, tmp_path, *args):
    """Run the soak on a database beside the suite's; return it and its summary."""
    done = subprocess.run(  # noqa: S603 (this interpreter, the project's own tool)
        [sys.executable, "-m", "bench.soak", "--database-url", database_url, *args],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # the run's folder
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary = SUMMARY.search(done.stdout)
    assert summary, f"no summary line:\n{done.stdout}\n{done.stderr}"
    assert summary["database"] == make_url(database_url).get_backend_name()
    return done, summary


def test_a_short_crash_soak_loses_no_acknowledged_write(database_url, tmp_path):
    done, summary = soak(
        database_url, tmp_path,
        "--clients", "4", "--duration", "20", "--kills", "3", "--shared", "0",
    )  # fmt: skip
    found = (summary["kills"], summary["errors"], summary["lost"], summary["check"])
    assert found == ("3", "0", "0", "clean"), done.stderr
    # Enough happened for the verdict to mean something.
    assert int(summary["acknowledged"]) >= 100, done.stderr
    assert done.returncode == 0, done.stderr
    # A few lines at each start, and nothing for requests that waited for a
    # thread (waitress's "Task queue depth" warnings, hundreds a minute).
    assert int(summary["log"]) < 120


def test_the_soak_reports_writes_undone_behind_the_servers_back(database_url, tmp_path):
    done, summary = soak(
        database_url, tmp_path,
        "--clients", "2", "--duration", "5", "--kills", "1", "--shared", "0",
        "--damage",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert (summary["errors"], summary["lost"]) == ("0", "2"), done.stderr
    damaged = re.findall(r"^damaged: (\w+ [0-9a-f-]+) at", done.stderr, re.MULTILINE)
    lost = re.findall(r"^lost: (\w+ [0-9a-f-]+): ", done.stderr, re.MULTILINE)
    assert len(damaged) == 2
    assert sorted(lost) == sorted(damaged), done.stderr
    # The blob removed from the store is what `cms-admin INI blobs check` finds.
    assert summary["check"] == "unclean"
    checked = r"^  Checked \d+ referenced blobs: 1 missing\.$"
    assert re.search(checked, done.stderr, re.MULTILINE), done.stderr
