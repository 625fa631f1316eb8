"""The pure parts of ``bench.scaleout``: arguments, scenarios, the read mix,
its wrk Lua script, the sums and medians of the figures, varnishstat's
counters and the lines printed (tested in ``tests/unit/test_bench_harness.py``).
"""

import argparse
import os
import re
import statistics
from typing import NamedTuple

from sqlalchemy.engine import make_url

from bench import compare, wrk

#: How to get a PostgreSQL server when none is given.
THROW_AWAY = (
    "bash -c 'source bin/lib/postgres.sh; start_postgres; "
    ".venv/bin/python -m bench.scaleout'"
)


def parse_args(argv, environ=os.environ):
    parser = argparse.ArgumentParser(
        prog="python -m bench.scaleout",
        description="Read throughput of the standard tree on PostgreSQL with "
        "1, 2 and 4 processes, and behind Varnish.",
    )
    parser.add_argument(
        "--database-url",
        default=environ.get("CMS_TEST_DATABASE_URL"),
        help="a PostgreSQL server (default: $CMS_TEST_DATABASE_URL)",
    )
    parser.add_argument(
        "--schema", default="bench_scaleout", help="its schema (bench_scaleout)"
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the schema at the end"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds of load per run (5)"
    )
    parser.add_argument(
        "--processes", default="1,2,4", help="process counts, comma-separated"
    )
    parser.add_argument(
        "--no-varnish", action="store_true", help="leave out the Varnish scenario"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the servers' logs and ini files"
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error(
            "no database: give --database-url postgresql+psycopg://… or set "
            f"CMS_TEST_DATABASE_URL; a throw-away server: {THROW_AWAY}"
        )
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error(
            f"--database-url: a PostgreSQL server is needed; a throw-away one: "
            f"{THROW_AWAY}"
        )
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    if not args.schema.replace("_", "").isalnum():
        parser.error("--schema: letters, digits and _ only")
    try:
        args.processes = sorted({int(n) for n in args.processes.split(",") if n})
    except ValueError:
        parser.error("--processes: whole numbers, comma-separated (1,2,4)")
    if not args.processes or not all(1 <= n <= wrk.CONNECTIONS for n in args.processes):
        parser.error(f"--processes: from 1 to {wrk.CONNECTIONS} each")
    return args


class Scenario(NamedTuple):
    name: str
    #: The servers loaded at once, one wrk run each.
    servers: tuple[str, ...]


def scenarios(processes, varnish=True):
    """The scenarios in the order run, named as the lines print them.

    The servers ``off-1`` … and ``on-1`` … are processes with the page cache
    off and on; ``varnish`` is varnishd in front of a process of its own.
    """
    found = []
    for cache in ("off", "on"):
        for count in processes:
            names = tuple(f"{cache}-{n}" for n in range(1, count + 1))
            found.append(Scenario(f"processes={count} page-cache={cache}", names))
    if varnish:
        found.append(Scenario("varnish", ("varnish",)))
    return found


def split_connections(total, count):
    """*total* connections over *count* wrk runs, as evenly as can be."""
    share, extra = divmod(total, count)
    return [share + (n < extra) for n in range(count)]


def read_mix(urls):
    """``[(key, path, headers)]``: the floor's *urls* as cms is asked for them
    (``bench.compare``'s way: JSON by ``Accept`` on the plain URL)."""
    return [(key, *compare.cms_request(key, path)) for key, path in urls]


def error_share(mix):
    """The share of the mix's answers that are not 2xx/3xx (the 404)."""
    return sum(compare.expected(key) >= 400 for key, _p, _h in mix) / len(mix)


def lua_string(text):
    if any(ord(char) < 32 for char in text):
        raise ValueError(f"no control characters in a request: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(mix):
    """A wrk script that asks for the mix's requests in turn, again and again.

    One Lua state per wrk thread: each thread cycles on its own through all
    its connections, so every request of the mix is asked equally often.
    """
    entries = []
    for _key, path, headers in mix:
        fields = ", ".join(
            f"[{lua_string(name)}] = {lua_string(value)}"
            for name, value in (header.split(": ", 1) for header in headers)
        )
        entries.append(f"  {{{lua_string(path)}, {{{fields}}}}},")
    return "\n".join(
        [
            "-- bench.scaleout's read mix: each request in turn.",
            "local mix = {",
            *entries,
            "}",
            "local requests = {}",
            "local n = 0",
            "",
            "function init(args)",
            "  for i, item in ipairs(mix) do",
            '    requests[i] = wrk.format("GET", item[1], item[2])',
            "  end",
            "end",
            "",
            "function request()",
            "  n = n % #requests + 1",
            "  return requests[n]",
            "end",
            "",
        ]
    )


def combine(runs):
    """One round of a scenario from its concurrent wrk runs' figures.

    Requests and req/s add up. Percentiles do not: the round's p50 and p99
    are the highest of the runs' (the slowest process's), a bound.
    """
    return {
        "rps": sum(run["rps"] for run in runs),
        "requests": sum(run["requests"] for run in runs),
        "non2xx": sum(run["non2xx"] for run in runs),
        "socket_errors": sum(run["socket_errors"] for run in runs),
        "p50_ms": max(run["p50_ms"] or 0.0 for run in runs),
        "p99_ms": max(run["p99_ms"] or 0.0 for run in runs),
    }


def summarise(rounds):
    """The medians over the rounds of req/s, p50 and p99 (each on its own)."""
    return {
        key: statistics.median(figures[key] for figures in rounds)
        for key in ("rps", "p50_ms", "p99_ms")
    }


def error_note(figures, expected_share):
    """A warning when the answers that failed are not the mix's 404s only."""
    notes = []
    if figures["requests"]:
        share = figures["non2xx"] / figures["requests"]
        if abs(share - expected_share) > 0.02:
            notes.append(
                f"{share:.0%} non-2xx/3xx answers, the mix's 404s are "
                f"{expected_share:.0%}!"
            )
    if figures["socket_errors"]:
        notes.append(f"{figures['socket_errors']} socket errors!")
    return " ".join(notes)


_COUNTER = re.compile(r"^(MAIN\.\w+)\s+(\d+)", re.M)


def counters(text):
    """``{name: value}`` of ``varnishstat -1``'s lines."""
    return {name: int(value) for name, value in _COUNTER.findall(text)}


def hit_rate(before, after):
    """``(hits, misses)`` between two readings of varnishstat's counters."""
    hits = after.get("MAIN.cache_hit", 0) - before.get("MAIN.cache_hit", 0)
    misses = after.get("MAIN.cache_miss", 0) - before.get("MAIN.cache_miss", 0)
    return hits, misses


def hit_text(hits, misses, source):
    total = hits + misses
    if not total:
        return f"hit rate: n/a ({source}: no lookups)"
    return f"hit rate {hits / total:.2%} ({source}: {hits} hits, {misses} misses)"


def line(name, summary, note=""):
    text = (
        f"{name:<26} {summary['rps']:9.1f} req/s  p50 {summary['p50_ms']:7.2f} ms"
        f"  p99 {summary['p99_ms']:7.2f} ms"
    )
    return f"{text}  {note}" if note else text
