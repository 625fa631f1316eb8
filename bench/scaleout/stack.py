"""What ``bench.scaleout`` measures: the database, the processes, varnishd.

The database is a schema of its own on the PostgreSQL server given
(``bench.search``'s way), migrated by ``initialize_cms_db`` at every run and
given the standard tree (``bench/populate.py``) when it has not got it yet.
The processes are ``pserve`` of ``production.ini`` copies (``bench.sites``);
varnishd runs in the foreground with ``deploy/varnish/default.vcl``, its
port filled in, and a work folder of its own. Every one of them is a
:class:`bench.servers.Server`, stopped by its PID.
"""

import shutil
import subprocess
import warnings

from sqlalchemy import create_engine, text

from bench import sites
from bench.servers import Server, free_port, say

VCL = sites.ROOT / "deploy" / "varnish" / "default.vcl"


def prepare_database(args, tmp, leaf):
    """Make the schema and the site, with the tree; return ``(url, env)``.

    *leaf* is a path of the tree: when the schema has it, the tree is there
    (``bench/populate.py`` adds it in one transaction) and is not added again.
    """
    url = search_module().prepare_postgres(args.database_url, args.schema)
    url_text = url.render_as_string(hide_password=False)
    env = sites.cms_env(tmp, url_text)
    ini = sites.write_ini(tmp, "setup.ini", {})
    sites.initialize_cms(tmp, env, ini)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM nodes WHERE path = :path"), {"path": leaf}
            ).first()
        if found:
            say(f"schema {args.schema}: the standard tree is there already")
        else:
            sites.populate_cms(tmp, env, ini)
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return url_text, env


def search_module():
    """:mod:`bench.search`, imported when needed: it loads the application
    (and Pyramid's deprecation warning, which says nothing of the bench)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from bench import search

    return search


def drop_database(args):
    search_module().drop_postgres(args.database_url, args.schema)
    say(f"schema {args.schema} dropped")


def varnishd():
    return shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")


def serve_varnish(tmp, port, backend_port):
    """varnishd on 127.0.0.1:*port* in front of the process on *backend_port*."""
    folder = tmp / "varnish"
    folder.mkdir()
    vcl = folder / "site.vcl"
    vcl.write_text(VCL.read_text().replace("BACKEND_PORT", str(backend_port)))
    command = [
        *(varnishd(), "-F", "-j", "none", "-n", str(folder / "work")),
        *("-a", f"127.0.0.1:{port}", "-f", str(vcl), "-s", "malloc,32m"),
    ]
    server = Server("varnish", command, port, tmp / "varnish.log")
    server.work = folder / "work"  # what varnishstat -n names
    return server


def varnish_counters(server):
    """varnishstat's hit and miss counters of *server*'s varnishd, or None."""
    command = ["varnishstat", "-1", "-n", str(server.work)]
    command += ["-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss"]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def start(args, tmp, env, servers):
    """Start every server the scenarios need, into *servers* as each starts
    (so that the caller stops those that did when a later one fails)."""
    inis = {
        "off": sites.write_ini(tmp, "off.ini", {"cms.page_cache": "false"}),
        "on": sites.write_ini(tmp, "on.ini", {"cms.page_cache": "true"}),
    }
    for cache, ini in inis.items():
        for n in range(1, max(args.processes) + 1):
            name = f"{cache}-{n}"
            servers[name] = sites.serve_cms(name, ini, env, tmp)
    if not args.no_varnish:
        port = free_port()
        ini = sites.write_ini(
            tmp,
            "varnish.ini",
            {
                "cms.page_cache": "true",
                "cms.shared_max_age": "3600",
                # Every write bans the site in this varnishd.
                "cms.purge_urls": f"http://127.0.0.1:{port}",
            },
        )
        backend = servers["backend"] = sites.serve_cms("backend", ini, env, tmp)
        backend.wait_ready("/healthz")
        servers["varnish"] = serve_varnish(tmp, port, backend.port)
    for name, server in servers.items():
        server.wait_ready("/healthz")
        say(f"{name} serves on {server.base} (pid {server.process.pid})")
