"""``python -m bench.scaleout``: read throughput as processes are added.

The standard tree on PostgreSQL (a schema of its own, populated once and
kept), served by ``pserve production.ini http_port=PORT`` as
``bench.compare`` serves cms: 1, 2 and 4 processes with the page cache off
and on, then one process behind Varnish (``deploy/varnish/default.vcl``).
Each scenario is loaded with the floor's read mix (leaf, section, deep,
leaf-json, missing), cycled by a wrk Lua script; N processes by N concurrent
wrk runs whose req/s are summed. One line per scenario on stdout, progress
on stderr.

- :mod:`bench.scaleout.plan`: the pure parts (arguments, the mix and its
  Lua script, sums and medians, the lines);
- :mod:`bench.scaleout.stack`: the database, the servers and varnishd;
- :mod:`bench.scaleout.__main__`: the rounds and the report.
"""
