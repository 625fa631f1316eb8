"""``python -m bench.soak``: a crash soak of a served site, from nothing to a verdict.

1. a database of its own (a SQLite file in the run's folder, or a fresh
   schema on the PostgreSQL server of ``--database-url``), initialized;
2. the server started (``pserve``), the admin logged in for a token, and
   folders made for the clients;
3. the clients write and read for ``--duration`` seconds while the server
   is killed (SIGKILL) ``--kills`` times and started again;
4. the server killed once more, the damage done with ``--damage``, started
   again, and every acknowledged write verified over HTTP;
5. the server stopped, ``cms-admin INI check`` and ``blobs check`` run.

One summary line on stdout; progress and details on stderr. The exit status
is 0 when no answer was a 5xx, nothing acknowledged was lost and the checks
are clean; 1 otherwise; 2 when the run could not be made (130: interrupted).
"""

import argparse
import random
import shutil
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.soak.client import Api
from bench.soak.damage import damage
from bench.soak.ledger import Ledger
from bench.soak.site import ROOT, ServerDown, Site
from bench.soak.verify import verify
from bench.soak.workers import SHARED_FOLDERS, Client, SharedNodes, own_folders
from tests.sites import scratch_database

#: Seconds between progress lines.
PROGRESS_EVERY = 5
#: Problems shown in full; the rest are counted.
SHOWN = 20


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description="Write and read a served site with many clients while its "
        "server is killed and restarted; then verify every acknowledged write.",
    )
    parser.add_argument("--clients", type=int, default=16, help="default: 16")
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds of load (default: 60)"
    )
    parser.add_argument(
        "--kills", type=int, default=10, help="SIGKILLs of the server (default: 10)"
    )
    parser.add_argument(
        "--database-url",
        default="sqlite://",
        help="a PostgreSQL server to make a schema of the run's own on "
        "(postgresql+psycopg://…); default: a SQLite file in the run's folder",
    )
    parser.add_argument(
        "--shared",
        type=float,
        default=0.2,
        help="the share of writes that go to nodes all clients write, "
        "racing each other (default: 0.2)",
    )
    parser.add_argument(
        "--ini",
        default=str(ROOT / "production.ini"),
        help="the server's ini file (default: production.ini)",
    )
    parser.add_argument("--seed", type=int, help="replay a run's choices")
    parser.add_argument(
        "--damage",
        action="store_true",
        help="self-test: undo two acknowledged writes behind the server's back "
        "before verifying; the run must then fail",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the run's folder (database, blobs, server.log); "
        "it is kept anyway when the run fails",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.kills < 0:
        parser.error("--clients and --duration must be positive, --kills not negative")
    if not 0 <= args.shared <= 1:
        parser.error("--shared is a share, from 0 to 1")
    if args.seed is None:
        args.seed = random.randrange(2**31)
    return args


class Killer(threading.Thread):
    """Kills the server at the given times (seconds from the start) and restarts it."""

    def __init__(self, site, times, stop):
        super().__init__(name="killer", daemon=True)
        self.site = site
        self.times = times
        self.stop = stop
        #: Seconds from each kill until the server answered /readyz again.
        self.restarts = []
        self.error = None

    def run(self):
        started = time.monotonic()
        for at in self.times:
            if self.stop.wait(max(0, at - (time.monotonic() - started))):
                return
            killed = time.monotonic()
            self.site.kill()
            try:
                self.site.start()
            except ServerDown as error:
                self.error = error
                self.stop.set()
                return
            self.restarts.append(time.monotonic() - killed)


def kill_times(duration, kills, rng):
    """*kills* moments spread over *duration*, each moved by up to a quarter step."""
    step = duration / (kills + 1)
    return [step * (n + 1) + rng.uniform(-0.25, 0.25) * step for n in range(kills)]


def prepare(api, clients):
    """Make the folders the clients write in."""
    folders = [folder for n in range(clients) for folder in own_folders(n)]
    for path in [*folders, *SHARED_FOLDERS]:
        name = path.strip("/")
        data = {"@type": "Folder", "id": name, "title": name}
        response = api.send_json("POST", "/", data)
        if response.status != 201:
            raise ServerDown(f"making {path} answered {response.status}")


def load(args, site, api, ledger):
    """The clients' run with the kills; return ``(clients, killer)``."""
    stop = threading.Event()
    rng = random.Random(args.seed)
    shared_nodes = SharedNodes(max(2, args.clients // 2))
    clients = [
        Client(
            n, api, ledger, shared_nodes, args.shared, random.Random(rng.random()), stop
        )
        for n in range(args.clients)
    ]
    killer = Killer(site, kill_times(args.duration, args.kills, rng), stop)
    started = time.monotonic()
    for thread in [*clients, killer]:
        thread.start()
    try:
        while (left := args.duration - (time.monotonic() - started)) > 0:
            if stop.wait(min(PROGRESS_EVERY, left)):
                break  # the killer gave up
            requests = sum(client.tally.requests for client in clients)
            errors = sum(sum(c.tally.server_errors.values()) for c in clients)
            print(
                f"soak: {time.monotonic() - started:.0f} s: {requests} requests, "
                f"{ledger.acknowledged} acknowledged writes, "
                f"{len(killer.restarts)} kills, {errors} 5xx",
                file=sys.stderr,
            )
    finally:
        stop.set()
        for thread in [*clients, killer]:
            thread.join()
    if killer.error:
        raise killer.error
    return clients, killer


def soak(args, folder):
    """Make the run; return its report (see :class:`Report`)."""
    with ExitStack() as stack:
        database_url = stack.enter_context(scratch_database(args.database_url, folder))
        site = Site(folder, database_url, args.ini)
        stack.callback(site.stop)
        site.initialize()
        site.start()
        api = Api(site.port, site.login())
        prepare(api, args.clients)
        ledger = Ledger()
        clients, killer = load(args, site, api, ledger)
        report = Report(args, clients, killer, ledger, site.log_lines())
        # The last crash: nothing is in flight now, but nothing was shut down.
        site.kill()
        if args.damage:
            report.damaged = damage(site, ledger)
        site.start()
        report.lost, report.verification = verify(api, ledger, min(8, args.clients))
        site.stop()
        for name in ("check", "blobs check"):
            report.checks[name] = site.command("cms-admin", *name.split())
        # The site's account of a 500, and waitress's of an error it met
        # outside the site's error views (a request it could not even begin).
        report.server_errors = [
            line.strip()
            for line in site.log.read_text(errors="replace").splitlines()
            if "unexpected error on" in line or "Exception while serving" in line
        ]
    return report


class Report:
    """What a run found, and the summary line that says it."""

    def __init__(self, args, clients, killer, ledger, log_lines):
        self.args = args
        self.tally = clients[0].tally
        for client in clients[1:]:
            self.tally += client.tally
        self.bad_reads = [line for client in clients for line in client.bad_reads]
        self.restarts = killer.restarts
        self.acknowledged = ledger.acknowledged
        self.log_lines = log_lines
        self.damaged = []
        self.lost = []
        self.verification = None
        self.checks = {}
        self.server_errors = []

    @property
    def errors(self):
        return self.tally.server_errors + self.verification.server_errors

    @property
    def clean(self):
        return all(done.returncode == 0 for done in self.checks.values())

    @property
    def passed(self):
        return not self.errors and not self.lost and not self.bad_reads and self.clean

    def details(self):
        """Lines for stderr: what went wrong, and what the self-test did."""
        for line in self.damaged:
            yield f"damaged: {line}"
        refusals = ", ".join(f"{k} {n}" for k, n in sorted(self.tally.refusals.items()))
        yield f"4xx: {refusals or 'none'}"
        for kind, count in sorted(self.errors.items()):
            yield f"5xx: {kind}: {count}"
        yield from shown("logged", self.server_errors)
        yield from shown("lost", self.lost + self.bad_reads)
        for name, done in self.checks.items():
            if done.returncode:
                yield f"cms-admin INI {name}: exit status {done.returncode}"
                for line in (done.stdout + done.stderr).splitlines():
                    # Pyramid's import of pkg_resources warns at every start.
                    if line and "pkg_resources" not in line:
                        yield f"  {line}"

    def summary(self):
        args, tally = self.args, self.tally
        database = make_url(args.database_url).get_backend_name()
        restart = max(self.restarts, default=0)
        return (
            f"soak: {database} {args.clients} clients {args.duration:g} s: "
            f"{tally.requests} requests, {self.acknowledged} acknowledged writes "
            f"({tally.unanswered} requests cut by kills), "
            f"{len(self.restarts)} kills, {sum(self.errors.values())} 5xx, "
            f"{len(self.lost) + len(self.bad_reads)} lost, "
            f"check {'clean' if self.clean else 'unclean'}, "
            f"p50 {tally.percentile(0.5):.0f} ms, p99 {tally.percentile(0.99):.0f} ms, "
            f"restart max {restart:.1f} s, "
            f"log {self.log_lines * 60 / args.duration:.0f} lines/min"
        )


def shown(label, lines):
    for line in lines[:SHOWN]:
        yield f"{label}: {line}"
    if len(lines) > SHOWN:
        yield f"{label}: … and {len(lines) - SHOWN} more"


def main(argv=None):
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    print(f"soak: seed {args.seed}, run folder {folder}", file=sys.stderr)
    try:
        report = soak(args, folder)
    except (ServerDown, RuntimeError) as error:
        print(f"soak: {error}", file=sys.stderr)
        print(f"soak: run folder kept: {folder}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # The server is stopped and a PostgreSQL schema dropped on the way out.
        print(f"soak: interrupted; run folder kept: {folder}", file=sys.stderr)
        return 130
    for line in report.details():
        print(line, file=sys.stderr)
    if args.keep or not report.passed:
        print(f"soak: run folder kept: {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder)
    print(report.summary())
    return 0 if report.passed else 1
