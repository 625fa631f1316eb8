"""The pure parts of ``bench.scaleout``: arguments, scenarios, the read mix,
the sums and medians of wrk's figures, varnishstat's counters."""

import pytest

from bench import sites, wrk
from bench.scaleout import plan

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LEAF = "/s3/s3-5/s3-5-7/s3-5-7-2/"
#: The floor's urls.txt, as bench.compare.read_urls gives it.
URLS = [
    ("leaf", LEAF),
    ("section", "/s3/"),
    ("leaf-json", f"{LEAF}?format=json"),
    ("missing", "/s3/s3-5/nope/"),
]


def test_without_a_database_it_refuses_and_says_how_to_get_one(capsys):
    with pytest.raises(SystemExit) as raised:
        plan.parse_args([], environ={})
    assert raised.value.code == 2
    message = capsys.readouterr().err
    assert "CMS_TEST_DATABASE_URL" in message
    assert "source bin/lib/postgres.sh; start_postgres;" in message
    assert "python -m bench.scaleout" in message


def test_only_postgresql_is_measured(capsys):
    with pytest.raises(SystemExit):
        plan.parse_args(["--database-url", "sqlite:///site.db"], environ={})
    assert "PostgreSQL server is needed" in capsys.readouterr().err


def test_the_defaults_and_the_database_of_the_tests():
    args = plan.parse_args([], environ={"CMS_TEST_DATABASE_URL": PG})
    assert args.database_url == PG
    assert (args.rounds, args.duration, args.processes) == (3, 5, [1, 2, 4])
    assert (args.schema, args.drop, args.no_varnish) == ("bench_scaleout", False, False)
    given = plan.parse_args(
        ["--database-url", PG, "--processes", "4,1,1", "--rounds", "1"], environ={}
    )
    assert (given.processes, given.rounds) == ([1, 4], 1)


@pytest.mark.parametrize(
    "argv",
    [
        ["--processes", "0"],
        ["--processes", "9"],  # more processes than connections
        ["--processes", "two"],
        ["--processes", ","],
        ["--rounds", "0"],
        ["--duration", "0"],
        ["--schema", "x; DROP"],
    ],
)
def test_bad_arguments_are_refused(argv):
    with pytest.raises(SystemExit):
        plan.parse_args(["--database-url", PG, *argv], environ={})


def test_scenarios_run_the_cache_off_then_on_then_varnish():
    found = plan.scenarios([1, 2, 4])
    assert [(s.name, s.servers) for s in found] == [
        ("processes=1 page-cache=off", ("off-1",)),
        ("processes=2 page-cache=off", ("off-1", "off-2")),
        ("processes=4 page-cache=off", ("off-1", "off-2", "off-3", "off-4")),
        ("processes=1 page-cache=on", ("on-1",)),
        ("processes=2 page-cache=on", ("on-1", "on-2")),
        ("processes=4 page-cache=on", ("on-1", "on-2", "on-3", "on-4")),
        ("varnish", ("varnish",)),
    ]
    assert [s.name for s in plan.scenarios([2], varnish=False)] == [
        "processes=2 page-cache=off",
        "processes=2 page-cache=on",
    ]


def test_the_connections_are_split_over_the_processes():
    assert plan.split_connections(8, 1) == [8]
    assert plan.split_connections(8, 2) == [4, 4]
    assert plan.split_connections(8, 4) == [2, 2, 2, 2]
    assert plan.split_connections(8, 3) == [3, 3, 2]


def test_the_mix_asks_for_json_by_accept_and_knows_its_404s():
    mix = plan.read_mix(URLS)
    assert mix == [
        ("leaf", LEAF, ["Accept: text/html"]),
        ("section", "/s3/", ["Accept: text/html"]),
        ("leaf-json", LEAF, ["Accept: application/json"]),
        ("missing", "/s3/s3-5/nope/", ["Accept: text/html"]),
    ]
    assert plan.error_share(mix) == 0.25


def test_the_lua_script_cycles_through_the_mix_in_order():
    script = plan.lua_script(plan.read_mix(URLS))
    entries = [line.strip() for line in script.splitlines() if line.startswith("  {")]
    assert entries == [
        f'{{"{LEAF}", {{["Accept"] = "text/html"}}}},',
        '{"/s3/", {["Accept"] = "text/html"}},',
        f'{{"{LEAF}", {{["Accept"] = "application/json"}}}},',
        '{"/s3/s3-5/nope/", {["Accept"] = "text/html"}},',
    ]
    assert "n = n % #requests + 1" in script
    assert 'wrk.format("GET", item[1], item[2])' in script


def test_lua_strings_are_quoted():
    assert plan.lua_string('a "b" \\c') == '"a \\"b\\" \\\\c"'
    with pytest.raises(ValueError):
        plan.lua_string("/a\n/b")


def figures(rps, p50, p99, requests=1000, non2xx=200, errors=0):
    return {
        "rps": rps,
        "requests": requests,
        "non2xx": non2xx,
        "socket_errors": errors,
        "p50_ms": p50,
        "p99_ms": p99,
        "avg_ms": None,
        "max_ms": None,
    }


def test_concurrent_runs_add_up_and_keep_the_slowest_percentiles():
    combined = plan.combine([figures(100.0, 5.0, 40.0), figures(150.0, 4.0, 60.0)])
    assert combined == {
        "rps": 250.0,
        "requests": 2000,
        "non2xx": 400,
        "socket_errors": 0,
        "p50_ms": 5.0,
        "p99_ms": 60.0,
    }


def test_each_figure_is_the_median_over_the_rounds():
    rounds = [
        plan.combine([figures(300.0, 9.0, 10.0)]),
        plan.combine([figures(100.0, 1.0, 90.0)]),
        plan.combine([figures(200.0, 5.0, 50.0)]),
    ]
    assert plan.summarise(rounds) == {"rps": 200.0, "p50_ms": 5.0, "p99_ms": 50.0}
    line = plan.line("processes=2 page-cache=on", plan.summarise(rounds), "note")
    assert line.split() == [
        "processes=2",
        "page-cache=on",
        "200.0",
        "req/s",
        "p50",
        "5.00",
        "ms",
        "p99",
        "50.00",
        "ms",
        "note",
    ]


def test_failures_beyond_the_mix_404s_are_pointed_out():
    assert plan.error_note(figures(1.0, 1, 1, 1000, 200), 0.2) == ""
    assert "50% non-2xx" in plan.error_note(figures(1.0, 1, 1, 1000, 500), 0.2)
    assert "3 socket errors" in plan.error_note(figures(1.0, 1, 1, errors=3), 0.2)


VARNISHSTAT = """\
MAIN.cache_hit              {hit}        13.45 Cache hits
MAIN.cache_miss             {miss}         0.00 Cache misses
"""


def test_the_hit_rate_is_counted_between_two_readings_of_varnishstat():
    before = plan.counters(VARNISHSTAT.format(hit=50, miss=5))
    after = plan.counters(VARNISHSTAT.format(hit=1050, miss=15))
    assert before == {"MAIN.cache_hit": 50, "MAIN.cache_miss": 5}
    assert plan.hit_rate(before, after) == (1000, 10)
    assert plan.hit_text(1000, 10, "varnishstat") == (
        "hit rate 99.01% (varnishstat: 1000 hits, 10 misses)"
    )
    none = plan.hit_text(0, 0, "varnishstat")
    assert none == "hit rate: n/a (varnishstat: no lookups)"


def test_wrk_runs_a_script_with_the_threads_and_connections_given():
    assert wrk.command("http://h/", 5, threads=1, connections=2, script="mix.lua") == [
        "wrk",
        "-t1",
        "-c2",
        "-d5s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        "mix.lua",
        "http://h/",
    ]


def test_the_served_site_takes_the_database_given_and_not_the_shells_cache_settings(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("CMS_SHARED_MAX_AGE", "3600")
    monkeypatch.setenv("CMS_PURGE_URLS", "http://127.0.0.1:6081")
    env = sites.cms_env(tmp_path, PG)
    assert env["CMS_DATABASE_URL"] == PG
    assert "CMS_SHARED_MAX_AGE" not in env and "CMS_PURGE_URLS" not in env
    assert sites.cms_env(tmp_path)["CMS_DATABASE_URL"].startswith("sqlite:///")
