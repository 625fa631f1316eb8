"""The pure parts of ``bench.compare``: wrk's report, the table, the ini copy."""

import configparser

import pytest

from bench import compare, report, wrk
from bench.scale.folder import with_size
from bench.servers import override_ini

WRK_REPORT = """\
Running 5s test @ http://127.0.0.1:41234/s3/s3-5/nope/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    34.06ms   12.51ms   1.02s    81.34%
    Req/Sec   117.80     25.13   170.00     68.00%
  Latency Distribution
     50%  812.00us
     75%   38.10ms
     90%   49.77ms
     99%    2.00s
  1176 requests in 5.02s, 6.61MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 1176
Requests/sec:    234.43
Transfer/sec:      1.32MB
"""


def test_wrk_report_is_read_in_milliseconds():
    figures = wrk.parse(WRK_REPORT)
    assert figures == {
        "rps": 234.43,
        "requests": 1176,
        "avg_ms": 34.06,
        "max_ms": 1020.0,
        "p50_ms": 0.812,
        "p99_ms": 2000.0,
        "non2xx": 1176,
        "socket_errors": 5,
    }


def test_wrk_report_without_errors_or_latency_distribution():
    text = "\n".join(
        line
        for line in WRK_REPORT.splitlines()
        if not line.strip().startswith(("5", "7", "9", "Socket", "Non-2xx"))
    )
    figures = wrk.parse(text)
    assert figures["rps"] == 234.43
    assert figures["p50_ms"] is None
    assert figures["non2xx"] == figures["socket_errors"] == 0


def test_a_failed_wrk_run_is_not_read_as_a_figure():
    with pytest.raises(wrk.WrkError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")
    with pytest.raises(wrk.WrkError):
        wrk.to_ms("12 parsecs")


def test_wrk_command_line_carries_the_headers():
    assert wrk.command("http://h/x", 5, ["Accept: application/json"]) == [
        "wrk",
        "-t2",
        "-c8",
        "-d5s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        "Accept: application/json",
        "http://h/x",
    ]


SAMPLES = {
    ("leaf", "cms"): [100.0, 300.0, 200.0],
    ("leaf", "floor"): [400.0, 1000.0, 500.0],
    ("leaf", "raw"): [900.0, 800.0, 1000.0],
    ("leaf", "cms-cache"): [450.0, 460.0, 470.0],
    ("leaf-304", "cms"): [600.0],
    ("leaf-editor", "cms"): [50.0, 60.0, 70.0],
}


def test_ratios_are_between_medians_and_judged_against_the_goals():
    systems = ["cms", "cms-cache", "floor", "raw"]
    header, _rule, row = report.page_table(SAMPLES, ["leaf"], systems)
    assert header.split()[:5] == ["key", "cms", "req/s", "cms-cache", "req/s"]
    # cms 200 / floor 500 = 0.40 (goal 0.5: fails); cache 460 / 500 = 0.92.
    assert row.split() == [
        "leaf",
        "200.0",
        "460.0",
        "500.0",
        "900.0",
        "0.40x",
        "≥",
        "0.5x",
        "FAIL",
        "0.92x",
        "≥",
        "0.8x",
        "pass",
    ]


def test_revalidation_and_editor_lines():
    lines = report.extra_lines(SAMPLES, ["cms", "floor", "raw"])
    assert lines == [
        "revalidate leaf (If-None-Match, 304) on cms: 600.0 req/s, floor's leaf "
        "page 500.0 req/s: 1.20x (goal ≥ 1x) pass",
        # Cost is time a request: 200 req/s anonymous, 60 as the editor.
        "editor's leaf page (session cookie, toolbar) on cms: 60.0 req/s, "
        "anonymous 200.0 req/s: cost 3.33x (goal ≤ 2x) FAIL",
    ]


def test_a_missing_figure_is_shown_not_judged():
    lines = report.page_table({("leaf", "floor"): [5.0]}, ["leaf"], ["cms", "floor"])
    assert lines[-1].split() == ["leaf", "-", "5.0", "-", "≥", "0.5x", "n/a"]


INI = """\
[app:main]
use = egg:cms
cms.secure_cookies = true
# a comment

[server:main]
use = egg:cms#waitress
threads = 4

[alembic]
file_template = %%(year)d
"""


def test_ini_override_replaces_and_adds_only_in_the_app_section():
    text = override_ini(INI, {"cms.secure_cookies": "false", "cms.page_cache": "on"})
    parser = configparser.ConfigParser()
    parser.read_string(text)  # no key twice, still a valid file
    assert parser["app:main"]["cms.secure_cookies"] == "false"
    assert parser["app:main"]["cms.page_cache"] == "on"
    assert parser["server:main"]["threads"] == "4"
    assert "cms.page_cache" not in parser["server:main"]
    assert "# a comment" in text
    assert "%%(year)d" in text
    assert override_ini(INI, {}) == INI


def test_ini_override_without_the_section_adds_it():
    text = override_ini("[server:main]\nport = 1\n", {"cms.page_cache": "true"})
    parser = configparser.ConfigParser()
    parser.read_string(text)
    assert parser["app:main"]["cms.page_cache"] == "true"


def test_the_cache_is_measured_only_where_the_settings_know_it():
    assert compare.cache_systems("auto", "[app:main]\n") == {"cms": {}}
    both = compare.cache_systems("auto", "cms.page_cache = true\n")
    assert both == {
        "cms": {"cms.page_cache": "false"},
        "cms-cache": {"cms.page_cache": "true"},
    }
    assert compare.cache_systems("on", "") == {"cms-cache": {"cms.page_cache": "true"}}


URLS = [
    ("leaf", "/s3/s3-5/s3-5-7/s3-5-7-2/"),
    ("leaf-json", "/s3/s3-5/s3-5-7/s3-5-7-2/?format=json"),
]


def test_a_round_asks_cms_for_json_by_accept_and_the_floor_by_its_url():
    servers = dict.fromkeys(("cms", "floor", "raw"))
    runs = compare.plan(URLS, servers, {"cms": '"v3"'}, "session=abc")
    leaf = "/s3/s3-5/s3-5-7/s3-5-7-2/"
    assert runs == [
        ("leaf", "cms", leaf, ["Accept: text/html"]),
        ("leaf", "floor", leaf, []),
        ("leaf", "raw", leaf, []),
        ("leaf-json", "cms", leaf, ["Accept: application/json"]),
        ("leaf-json", "floor", f"{leaf}?format=json", []),
        ("leaf-json", "raw", f"{leaf}?format=json", []),
        ("leaf-304", "cms", leaf, ["Accept: text/html", 'If-None-Match: "v3"']),
        ("leaf-editor", "cms", leaf, ["Accept: text/html", "Cookie: session=abc"]),
    ]


def test_a_batch_link_is_asked_for_with_another_size():
    link = "http://localhost/paging/?b_size=1000&b_after=999.1001"
    assert with_size(link, 25) == "/paging/?b_size=25&b_after=999.1001"
    assert with_size("/paging/", 1000) == "/paging/?b_size=1000"
