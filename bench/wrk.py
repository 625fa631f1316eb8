"""Running wrk and reading what it prints.

``parse`` is pure (tested in ``tests/unit/test_bench_harness.py``); ``run``
starts wrk with a time limit and parses its output.
"""

import re
import subprocess

THREADS = 2
CONNECTIONS = 8

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([0-9.]+)(us|ms|s|m|h)$")


class WrkError(RuntimeError):
    """wrk failed, or printed something that is not a wrk report."""


def to_ms(text):
    """Return wrk's ``812.00us`` / ``1.23ms`` / ``2.00s`` as milliseconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise WrkError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse(text):
    """Return the figures of a wrk report (run with or without ``--latency``).

    ``rps`` (requests/second), ``requests``, ``avg_ms``, ``max_ms``,
    ``p50_ms`` and ``p99_ms`` (None without ``--latency``), ``non2xx``
    (non-2xx/3xx answers) and ``socket_errors``.
    """
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    total = re.search(r"^\s*(\d+) requests in ", text, re.M)
    if not rps or not total:
        raise WrkError("no 'Requests/sec' in wrk's output:\n" + text[-2000:])
    figures = {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "avg_ms": None,
        "max_ms": None,
        "p50_ms": None,
        "p99_ms": None,
        "non2xx": 0,
        "socket_errors": 0,
    }
    latency = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if latency:
        figures["avg_ms"] = to_ms(latency.group(1))
        figures["max_ms"] = to_ms(latency.group(3))
    for percent, key in (("50", "p50_ms"), ("99", "p99_ms")):
        found = re.search(rf"^\s*{percent}(?:\.0+)?%\s+(\S+)", text, re.M)
        if found:
            figures[key] = to_ms(found.group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if bad:
        figures["non2xx"] = int(bad.group(1))
    errors = re.search(r"Socket errors:(.*)$", text, re.M)
    if errors:
        figures["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", errors[1]))
    return figures


def command(
    url, duration, headers=(), threads=THREADS, connections=CONNECTIONS, script=None
):
    """Return wrk's command line: *headers* are ``"Name: value"`` strings;
    *script* a Lua file that makes the requests (``-s``)."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
    args += ["--timeout", "10s", "--latency"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", str(script)]
    return [*args, url]


def run(url, duration, headers=(), **options):
    """Load *url* for *duration* seconds; return :func:`parse`'s figures.

    *options* are :func:`command`'s ``threads``, ``connections``, ``script``.
    """
    try:
        done = subprocess.run(
            command(url, duration, headers, **options),
            capture_output=True,
            text=True,
            timeout=duration + 30,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise WrkError(f"wrk ran past {duration + 30} s on {url}") from error
    if done.returncode != 0:
        raise WrkError(f"wrk failed on {url}: {done.stderr or done.stdout}")
    return parse(done.stdout)
