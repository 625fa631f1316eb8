"""``python -m bench.compare``: cms beside the floor, interleaved.

Sets up the floor (``$CMS_FLOOR``, default ``<checkout>/../shared/floor``)
and a cms site with the standard tree, serves cms (``pserve``, waitress with
4 threads, 127.0.0.1), the floor and the floor's ``raw`` mode, then for each
round and each key of the floor's ``urls.txt`` runs ``wrk -t2 -c8 -dDs``
against each system in turn, and prints the median req/s of each and the
ratios to the floor. Also measured on cms: the leaf revalidated with
``If-None-Match`` (a 304) and the leaf for a logged-in editor (a session
cookie). When ``production.ini`` knows ``cms.page_cache`` it serves cms
twice, with the cache off and on (``--cache``).

Progress goes to stderr, the table to stdout. Only the servers started here
are stopped (by PID), whatever happens.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report, sites, wrk
from bench.servers import request, say

#: cms's JSON is asked for on the plain URL; the floor's urls.txt uses ?format=json.
JSON = "Accept: application/json"
HTML = "Accept: text/html"
EXTRA_KEYS = ("leaf-304", "leaf-editor")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3))
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", "5").rstrip("s")),
        help="seconds of load per measurement (BENCH_DURATION, 5)",
    )
    parser.add_argument(
        "--cache",
        choices=("auto", "off", "on", "both"),
        default=os.environ.get("BENCH_CACHE", "auto"),
        help="cms.page_cache: auto = both when production.ini knows it, else off",
    )
    parser.add_argument(
        "--floor-workdir",
        default=os.environ.get("BENCH_FLOOR_WORKDIR"),
        help="keep the floor's venv and database here between runs",
    )
    parser.add_argument(
        "--keep", action="store_true", default=bool(os.environ.get("BENCH_KEEP"))
    )
    parser.add_argument("--only", default="", help="comma-separated keys")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    return args


def read_urls(path):
    """``[(key, path)]`` of the floor's urls.txt."""
    pairs = []
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, url = line.split()
            pairs.append((key, url))
    return pairs


def cache_systems(choice, ini_text):
    """``{system: settings}`` of the cms servers for *choice* of ``--cache``."""
    known = "page_cache" in ini_text
    if choice == "auto":
        choice = "both" if known else "off"
    if choice == "off":
        return {"cms": {"cms.page_cache": "false"} if known else {}}
    if choice == "on":
        return {"cms-cache": {"cms.page_cache": "true"}}
    return {"cms": {"cms.page_cache": "false"}, "cms-cache": {"cms.page_cache": "true"}}


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing wrk …")
        done = subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
        return
    raise SystemExit("compare: wrk is missing: install it (apt-get install wrk)")


def cms_request(key, path):
    """``(path, headers)`` cms is asked with for the floor's *key* and *path*."""
    return path.split("?")[0], [JSON if key.endswith("json") else HTML]


def plan(urls, servers, etags, cookie):
    """``[(key, system, url, headers)]`` of one round, key by key."""
    cms = [name for name in servers if name.startswith("cms")]
    floor = [name for name in servers if not name.startswith("cms")]
    runs = []
    for key, path in urls:
        for name in cms:
            runs.append((key, name, *cms_request(key, path)))
        for name in floor:
            runs.append((key, name, path, []))
    for name in cms:
        leaf = dict(urls)["leaf"]
        if etags.get(name):
            headers = [HTML, f"If-None-Match: {etags[name]}"]
            runs.append(("leaf-304", name, leaf, headers))
        if cookie:
            runs.append(("leaf-editor", name, leaf, [HTML, f"Cookie: {cookie}"]))
    return runs


#: Requests per URL before the first round: templates compiled, caches filled.
WARM_UP = 10


def check_once(servers, runs):
    """Warm each URL up; show and return the status of its last answer."""
    statuses = {}
    for key, name, path, headers in runs:
        sent = dict(header.split(": ", 1) for header in headers)
        for _ in range(WARM_UP):
            status, got, body = request(servers[name].base, path, sent)
        statuses[key, name] = status
        say(
            f"{key:<11} {name:<9} {status} {got.get('Content-Type', '-')} "
            f"{len(body)} bytes"
        )
    return statuses


def expected(key):
    return {"missing": 404, "leaf-304": 304}.get(key, 200)


def measure(servers, runs, rounds, duration):
    samples = {}
    total, done = rounds * len(runs), 0
    for round_number in range(1, rounds + 1):
        for key, name, path, headers in runs:
            figures = wrk.run(servers[name].base + path, duration, headers)
            samples.setdefault((key, name), []).append(figures["rps"])
            done += 1
            bad = figures["non2xx"] if expected(key) == 200 else 0
            note = f" ({bad} non-2xx/3xx!)" if bad else ""
            note += f" ({figures['socket_errors']} socket errors)" * bool(
                figures["socket_errors"]
            )
            say(
                f"[{done}/{total}] round {round_number} {key:<11} {name:<9} "
                f"{figures['rps']:9.1f} req/s p50 {figures['p50_ms']:.1f} ms{note}"
            )
    return samples


def start(args, tmp, urls, servers):
    """Set up and start the servers, into *servers* as each starts (so that
    the caller stops those that did even when a later step fails); return
    the ETags of the leaf and the editor's cookie."""
    floor_work = Path(args.floor_workdir or tmp / "floor")
    floor = sites.setup_floor(floor_work)
    env = sites.cms_env(tmp)
    ini_text = (sites.ROOT / "production.ini").read_text()
    systems = cache_systems(args.cache, ini_text)
    inis = {
        name: sites.write_ini(tmp, f"{name}.ini", settings)
        for name, settings in systems.items()
    }
    sites.setup_cms(tmp, env, next(iter(inis.values())))
    for name, ini in inis.items():
        servers[name] = sites.serve_cms(name, ini, env, tmp)
    for mode, name in (("pyramid", "floor"), ("raw", "raw")):
        servers[name] = sites.serve_floor(floor, floor_work, mode, tmp / f"{name}.log")
    for name, server in servers.items():
        server.wait_ready("/healthz" if name.startswith("cms") else "/")
        say(f"{name} serves on {server.base} (pid {server.process.pid})")
    first = servers[next(iter(inis))]
    password = sites.make_editor(first.base, env["CMS_ADMIN_PASSWORD"])
    cookie = sites.login_cookie(first.base, password)
    etags = {}
    leaf = dict(urls)["leaf"]
    for name in inis:
        _status, headers, _body = request(
            servers[name].base, leaf, {"Accept": "text/html"}
        )
        etags[name] = headers.get("ETag")
        if not etags[name]:
            say(f"{name}: the leaf sends no ETag: no revalidation measured")
    return etags, cookie


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # A TERM (a timeout, kill PID) unwinds like Ctrl-C: the servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ensure_wrk()
    urls = read_urls(sites.floor_dir() / "urls.txt")
    keys = [key for key, _ in urls]
    if args.only:
        wanted = set(args.only.split(","))
        urls = [(k, p) for k, p in urls if k in wanted or k == "leaf"]
    tmp = Path(tempfile.mkdtemp(prefix="cms-compare-"))
    servers = {}
    started = time.monotonic()
    try:
        etags, cookie = start(args, tmp, urls, servers)
        runs = plan(urls, servers, etags, cookie)
        statuses = check_once(servers, runs)
        for (key, name), status in statuses.items():
            if status != expected(key):
                say(f"warning: {key} on {name} answers {status}, not {expected(key)}")
        samples = measure(servers, runs, args.rounds, args.duration)
    finally:
        for server in servers.values():
            server.stop()
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    keys = [key for key in keys if any((key, s) in samples for s in servers)]
    print(
        f"cms beside the floor: wrk -t{wrk.THREADS} -c{wrk.CONNECTIONS} "
        f"-d{args.duration}s, {args.rounds} round(s) interleaved, waitress 4 "
        "threads, SQLite, 127.0.0.1; median req/s"
    )
    print()
    for line in report.page_table(samples, keys, list(servers)):
        print(line)
    print()
    for line in report.extra_lines(samples, list(servers)):
        print(line)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
