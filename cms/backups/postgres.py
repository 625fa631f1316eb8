"""PostgreSQL's side of a backup: ``pg_dump`` and ``pg_restore`` of the site's schema.

The site's tables live in one schema: ``public``, or the first of the
``search_path`` its URL sets (``?options=-csearch_path=…``). Only that schema
is dumped, and it is restored under the same name. The tools get the
connection's parameters from the SQLAlchemy URL as a libpq connection string,
and the password in ``PGPASSWORD``, never on the command line (where every
user of the machine could read it).
"""

import glob
import os
import re
import shutil
import subprocess

from sqlalchemy import text

from cms.backups import BackupError

#: Where Debian and Ubuntu install each major version's client programs.
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"

#: Keys of the URL's query that are libpq parameters of their own.
_URL_FIELDS = {"host": "host", "port": "port", "username": "user", "database": "dbname"}


def _conninfo_value(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def conninfo(url):
    """Return the libpq connection string of SQLAlchemy *url*, without password."""
    parts = {}
    for attribute, key in _URL_FIELDS.items():
        value = getattr(url, attribute)
        if value is not None:
            parts[key] = value
    for key, value in url.query.items():
        parts[key] = value[-1] if isinstance(value, tuple) else value
    return " ".join(f"{key}={_conninfo_value(value)}" for key, value in parts.items())


def tool_environment(url):
    environment = dict(os.environ)
    environment.pop("PGPASSWORD", None)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return environment


def _major(program):
    """Return the major version of the PostgreSQL *program*, or None."""
    try:
        done = subprocess.run(  # noqa: S603 (a PostgreSQL program we found)
            [program, "--version"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    return int(found.group(1)) if found else None


def find_tool(name, server_major):
    """Return the path of *name* (``pg_dump``…) able to work with the server.

    The one on ``PATH`` first, then Debian's of each version, newest first; a
    tool older than the server cannot read it.
    """
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    bindirs = sorted(
        glob.glob(DEBIAN_BINDIRS),
        key=lambda path: int(
            re.sub(r"\D", "", os.path.basename(os.path.dirname(path))) or 0
        ),
        reverse=True,
    )
    candidates += [os.path.join(d, name) for d in bindirs]
    versions = []
    for candidate in candidates:
        major = _major(candidate)
        if major is None:
            continue
        if major >= server_major:
            return candidate
        versions.append(f"{candidate} is {major}")
    if not versions:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs "
            f"(version {server_major} or newer), e.g. postgresql-client-{server_major}."
        )
    raise BackupError(
        f"{name} is older than the server ({server_major}): "
        + "; ".join(versions)
        + f". Install postgresql-client-{server_major} or newer."
    )


def server_major(connection):
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def site_schema(connection):
    """Return the schema the site's tables are in (or will be made in)."""
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    if schema:
        return schema
    # The search_path names a schema that does not exist yet.
    for entry in connection.exec_driver_sql("SHOW search_path").scalar().split(","):
        entry = entry.strip()
        if entry and entry != '"$user"':
            return entry.strip('"')
    return "public"


def is_empty(connection, schema):
    """Whether *schema* holds nothing: no table, sequence, view or index."""
    count = connection.execute(
        text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = :schema"
        ),
        {"schema": schema},
    ).scalar()
    return count == 0


def _pattern(schema):
    """*schema* as a pg_dump pattern that matches that name only."""
    return '"' + schema.replace('"', '""') + '"'


def _run(command, url, what):
    done = subprocess.run(  # noqa: S603 (a PostgreSQL program, no shell)
        command, env=tool_environment(url), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()}")
    return done.stdout


def dump(url, connection, schema, snapshot, target):
    """Dump *schema* as the exported *snapshot* shows it into the file *target*."""
    pg_dump = find_tool("pg_dump", server_major(connection))
    _run(
        [
            pg_dump,
            "--format=custom",
            f"--schema={_pattern(schema)}",
            f"--snapshot={snapshot}",
            f"--file={target}",
            f"--dbname={conninfo(url)}",
        ],
        url,
        "pg_dump",
    )


def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def wipe(connection, schema):
    """Drop *schema* with everything in it, and make it again, empty."""
    connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_ident(schema)} CASCADE")
    connection.exec_driver_sql(f"CREATE SCHEMA {_ident(schema)}")


def restore(url, connection, schema, source, list_file):
    """Restore the dump *source* of *schema* into that schema (made already).

    The schema itself is left out of the restore (``--use-list``): it
    exists, empty, with the owner and grants this database gave it.
    """
    pg_restore = find_tool("pg_restore", server_major(connection))
    listing = _run([pg_restore, "--list", str(source)], url, "pg_restore --list")
    pattern = re.compile(
        rf"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA ){re.escape(schema)} "
    )
    kept = [line for line in listing.splitlines() if not pattern.match(line)]
    list_file.write_text("\n".join(kept) + "\n")
    _run(
        [
            pg_restore,
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--use-list={list_file}",
            f"--dbname={conninfo(url)}",
            str(source),
        ],
        url,
        "pg_restore",
    )
