"""``python -m bench.scaleout``: the rounds, interleaved, and the report.

Every round runs every scenario in turn (a slow spell of the shared machine
weighs on all of them alike); each line gives the medians over the rounds.
Only the servers started here are stopped, by their PID, whatever happens.
"""

import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench import compare, servers, sites, wrk
from bench.scaleout import plan, stack
from bench.servers import request, say


def load(running, scenario, script, duration):
    """One round of *scenario*: a wrk run per server, all at once, combined."""
    shares = plan.split_connections(wrk.CONNECTIONS, len(scenario.servers))
    with ThreadPoolExecutor(len(shares)) as pool:
        futures = [
            pool.submit(
                wrk.run,
                running[name].base + "/",  # the script names the paths
                duration,
                threads=1,
                connections=connections,
                script=script,
            )
            for name, connections in zip(scenario.servers, shares, strict=True)
        ]
        return plan.combine([future.result() for future in futures])


def measure(running, scenarios, script, args, errors):
    """``({scenario: [round figures]}, (hits, misses) or None)``."""
    results = {scenario.name: [] for scenario in scenarios}
    hits = misses = 0
    counted = True
    total, done = args.rounds * len(scenarios), 0
    for round_number in range(1, args.rounds + 1):
        for scenario in scenarios:
            cache = running.get("varnish") if scenario.name == "varnish" else None
            before = cache and stack.varnish_counters(cache)
            figures = load(running, scenario, script, args.duration)
            after = cache and stack.varnish_counters(cache)
            if cache:
                if before and after:
                    got = plan.hit_rate(plan.counters(before), plan.counters(after))
                    hits, misses = hits + got[0], misses + got[1]
                else:
                    counted = False
            results[scenario.name].append(figures)
            done += 1
            note = plan.error_note(figures, errors)
            say(
                f"[{done}/{total}] round {round_number} {scenario.name:<24} "
                f"{figures['rps']:9.1f} req/s p50 {figures['p50_ms']:.1f} ms "
                f"p99 {figures['p99_ms']:.1f} ms {note}".rstrip()
            )
    return results, ((hits, misses) if counted else None)


def sample_hits(cache, mix, times=10):
    """The X-Cache header of *times* rounds of the mix through varnishd."""
    seen = Counter()
    for _ in range(times):
        for _key, path, headers in mix:
            sent = dict(header.split(": ", 1) for header in headers)
            _status, got, _body = request(cache.base, path, sent)
            seen[got.get("X-Cache", "none")] += 1
    return seen


def warm_up(running, mix):
    """Each URL of the mix on each server ten times; warn of a wrong status."""
    runs = [
        (key, name, path, headers)
        for name in running
        if name != "backend"  # warmed through varnish
        for key, path, headers in mix
    ]
    for (key, name), status in compare.check_once(running, runs).items():
        wanted = compare.expected(key)
        if status != wanted:
            say(f"warning: {key} on {name} answers {status}, not {wanted}")


def floor_urls():
    path = sites.floor_dir() / "urls.txt"
    if not path.is_file():
        raise SystemExit(
            f"scaleout: no {path}: set CMS_FLOOR to the floor's folder (urls.txt)"
        )
    return compare.read_urls(path)


def report(args, results, scenarios, hits):
    shown = make_url(args.database_url).render_as_string(hide_password=True)
    print(
        f"scale-out: PostgreSQL {shown} (schema {args.schema}), the floor's read "
        f"mix cycled by a wrk Lua script; {wrk.CONNECTIONS} connections in all, "
        "one wrk -t1 per process, req/s summed over the processes, p50/p99 the "
        f"slowest process's; median of {args.rounds} round(s) of "
        f"{args.duration} s; waitress 4 threads a process, 127.0.0.1"
    )
    for scenario in scenarios:
        summary = plan.summarise(results[scenario.name])
        note = hits if scenario.name == "varnish" else ""
        print(plan.line(scenario.name, summary, note))


def main(argv=None):
    args = plan.parse_args(sys.argv[1:] if argv is None else argv)
    servers.TOOL = "scaleout"
    # A TERM (a timeout, kill PID) unwinds like Ctrl-C: the servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    compare.ensure_wrk()
    if not args.no_varnish and not stack.varnishd():
        say("varnishd is missing (apt-get install varnish): no varnish scenario")
        args.no_varnish = True
    urls = floor_urls()
    mix = plan.read_mix(urls)
    scenarios = plan.scenarios(args.processes, varnish=not args.no_varnish)
    tmp = Path(tempfile.mkdtemp(prefix="cms-scaleout-"))
    script = tmp / "mix.lua"
    script.write_text(plan.lua_script(mix))
    running = {}
    reached = False  # the database answered: --drop has a schema to drop
    started = time.monotonic()
    try:
        try:
            _url, env = stack.prepare_database(args, tmp, dict(urls)["leaf"])
        except OperationalError as error:
            raise SystemExit(
                f"scaleout: cannot use the database: {error.orig}\n"
                f"a throw-away server: {plan.THROW_AWAY}"
            ) from None
        reached = True
        stack.start(args, tmp, env, running)
        warm_up(running, mix)
        results, counted = measure(
            running, scenarios, script, args, plan.error_share(mix)
        )
        hits = ""
        if "varnish" in running:
            if counted:
                hits = plan.hit_text(*counted, "varnishstat, the measured runs")
            else:
                seen = sample_hits(running["varnish"], mix)
                hits = plan.hit_text(
                    seen["HIT"], sum(seen.values()) - seen["HIT"], "X-Cache of a sample"
                )
    finally:
        # varnishd first: its probe would log the processes going.
        for server in reversed(list(running.values())):
            server.stop()
        if args.drop and reached:
            stack.drop_database(args)
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(args, results, scenarios, hits)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
