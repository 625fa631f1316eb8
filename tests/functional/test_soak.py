"""The crash soak (``bench/soak``), short, on the database of the run.

A site of its own on the suite's database (a SQLite file, or a schema of its
own on the PostgreSQL server of the run), served by ``pserve`` with
production.ini, is written and read by a few clients while its server is
killed with SIGKILL three times and started again. Every acknowledged write
must then be found as acknowledged, no answer may be a 5xx, the site's own
checks must be clean, and the server's log must stay readable. The
self-test shows that the soak can fail: two acknowledged writes undone
behind the server's back are reported lost.

One write in five is on nodes all clients share (``--shared 0.2``), so
writes race as well. The last tests hold
the soak's judgement to cases a short run may not meet: writes left
unanswered, answers in another order than the writes, moves and deletes.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.soak.client import Response
from bench.soak.ledger import GONE, Ledger, State
from bench.soak.verify import check

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
        "--clients", "4", "--duration", "20", "--kills", "3", "--shared", "0.2",
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


# -- the soak's own judgement, without a server ------------------------------


def response(status, data=None, location=None):
    headers = {"Location": f"http://127.0.0.1{location}"} if location else {}
    return Response(status, headers, json.dumps(data or {}).encode(), 0.0)


def site(answers=None):
    """A ``get`` of a site that answers *answers* (path → response), else 404."""
    answers = answers or {}

    def get(path, accept="application/json"):
        return answers.get(path, response(404))

    return get


def test_an_unanswered_write_counts_until_a_later_one_is_acknowledged():
    ledger = Ledger()
    ledger.created("u", "Document", 1, State("/a/", "<p>1</p>"))
    ledger.unanswered("u", 1, State("/a/", "<p>2</p>"))
    [record] = ledger.records()
    assert record.candidates() == [State("/a/", "<p>1</p>"), State("/a/", "<p>2</p>")]
    ledger.acknowledged_write("u", State("/b/", "<p>3</p>"), 3)
    assert record.candidates() == [State("/b/", "<p>3</p>")]


def test_the_highest_acknowledged_version_is_the_last_state():
    ledger = Ledger()
    ledger.created("u", "Document", 1, State("/a/", "<p>1</p>"))
    ledger.acknowledged_write("u", State("/a/", "<p>3</p>"), 3)
    ledger.acknowledged_write("u", State("/a/", "<p>2</p>"), 2)  # answered late
    [record] = ledger.records()
    assert record.candidates() == [State("/a/", "<p>3</p>")]


def moved_document():
    ledger = Ledger()
    ledger.created("u", "Document", 1, State("/a/", "<p>1</p>"))
    ledger.acknowledged_write("u", State("/b/", "<p>1</p>"), 2)
    return ledger.records()[0]


def test_a_node_where_it_was_acknowledged_passes():
    get = site(
        {
            "/b/": response(200, {"uid": "u", "body": "<p>1</p>"}),
            "/a/": response(301, location="/b/"),
        }
    )
    assert check(moved_document(), get) is None


def test_an_old_path_that_does_not_redirect_is_a_loss():
    get = site({"/b/": response(200, {"uid": "u", "body": "<p>1</p>"})})
    assert check(moved_document(), get) == "/a/ answers 404, not 301 to /b/"


def test_another_body_is_a_loss():
    get = site(
        {
            "/b/": response(200, {"uid": "u", "body": "<p>0</p>"}),
            "/a/": response(301, location="/b/"),
        }
    )
    assert check(moved_document(), get).startswith("/b/ has the body '<p>0</p>'")


def test_a_node_gone_is_a_loss_unless_its_delete_was_sent():
    record = moved_document()
    assert check(record, site()) == "gone; acknowledged at /b/"
    record.maybe.append((2, GONE))  # a delete sent, never answered
    assert check(record, site()) is None


def test_a_move_left_unanswered_may_have_landed():
    ledger = Ledger()
    ledger.created("u", "Document", 1, State("/a/", "<p>1</p>"))
    ledger.unanswered("u", 1, State("/b/", "<p>1</p>"))
    get = site(
        {
            "/a/": response(301, location="/b/"),
            "/b/": response(200, {"uid": "u", "body": "<p>1</p>"}),
        }
    )
    assert check(ledger.records()[0], get) is None
