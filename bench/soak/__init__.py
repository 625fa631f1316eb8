"""A crash soak: clients write and read while the server is killed and restarted.

``python -m bench.soak --help`` (from the project's folder) says how to run
it; ``bench/README.md`` says what it checks. The parts:

- :mod:`bench.soak.site`: the site's database, ini file and server process;
- :mod:`bench.soak.client`: HTTP requests, and the two ways they fail;
- :mod:`bench.soak.workers`: the clients and their mix of requests;
- :mod:`bench.soak.ledger`: what the server acknowledged;
- :mod:`bench.soak.verify`: the check of the ledger against the site;
- :mod:`bench.soak.damage`: the self-test that shows a loss is reported;
- :mod:`bench.soak.run`: the run from start to summary.
"""
