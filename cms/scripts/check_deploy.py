"""``cms-admin INI check-deploy``: what is unsafe for production in a site.

It reads the ini file and the environment the way the site does
(:func:`cms.settings.with_environment`) but does not start the site: a site
that would refuse to start (a short secret, no blob folder) is exactly what
it must report. Each finding is one line: what is wrong, why it matters, how
to fix it. Exit status 1 when there is any finding, 0 otherwise.

SQLite is a finding unless ``--single-process`` says the site runs as one
process: several processes on one SQLite file take turns at one write lock
and wait on each other (writers give up after 5 s, answered 503), and none
of them may run on another machine. One process on SQLite is a sound small
site.
"""

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from alembic.script import ScriptDirectory
from pyramid.paster import get_appsettings
from pyramid.settings import aslist, truthy
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from cms.blobstore import is_s3, store_for_url
from cms.db import get_engine
from cms.migrations import alembic_config, current_revision
from cms.security.addresses import parse_networks
from cms.settings import MIN_SECRET_LENGTH, load_settings, with_environment
from cms.storage import StorageError

HELP = "list what is unsafe for production in the site's settings (exit 1 if any)"

#: Secrets that are written down somewhere public: the development settings,
#: the tests. Whoever read them can sign session cookies for such a site.
KNOWN_SECRETS = frozenset(
    {
        "development-only-secret-do-not-use-in-production",
        "test-secret-" + "x" * 40,
    }
)
#: A random secret of 32 characters or more uses many different characters;
#: one with fewer was typed by hand ("s" * 40, "changeme" repeated).
MIN_DISTINCT_SECRET_CHARACTERS = 10
#: Seconds to wait for a database server that does not answer.
CONNECT_TIMEOUT = 5
#: Pyramid's switches that show internals or slow every request down.
DEBUG_PREFIXES = ("pyramid.debug_", "pyramid.reload_")
TRUE = frozenset(truthy)
RANDOM_VALUE_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class Finding(NamedTuple):
    what: str
    why: str
    fix: str

    def __str__(self) -> str:
        return f"{self.what}: {self.why}. Fix: {self.fix}."


Check = Callable[[Mapping[str, Any], Mapping[str, str], Any], Iterator[Finding]]


def add_arguments(parser):
    parser.add_argument(
        "--single-process",
        action="store_true",
        help="the site runs as one process: SQLite is then acceptable",
    )


def run_on_config(config_uri, args, environ=None):
    """Print the findings for *config_uri*; return 1 if there are any, else 0."""
    environ = os.environ if environ is None else environ
    findings = find_problems(config_uri, environ, args)
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} problem(s) found")
        return 1
    print("no problems found")
    return 0


def find_problems(config_uri, environ, args):
    """Return the findings for the site *config_uri* describes, in *environ*."""
    try:
        settings = with_environment(get_appsettings(config_uri), environ)
    except Exception as error:  # any failure is the finding
        return [
            Finding(
                f"{config_uri} cannot be read",
                f"{type(error).__name__}: {error}",
                "give the path of the site's ini file, with its [app:main] section",
            )
        ]
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(settings, environ, args))
    return findings


def check_secret(settings, environ, args):
    secret = settings.get("cms.secret", "")
    fix = f"set CMS_SECRET to a new random value ({RANDOM_VALUE_COMMAND})"
    if not secret:
        yield Finding("cms.secret is not set", "the site will not start", fix)
    elif secret in KNOWN_SECRETS:
        yield Finding(
            "cms.secret is a published example",
            "anyone who read it can forge session cookies and log in as anyone",
            fix,
        )
    elif len(secret) < MIN_SECRET_LENGTH:
        yield Finding(
            f"cms.secret is shorter than {MIN_SECRET_LENGTH} characters",
            "the site will not start, and a short secret can be guessed",
            fix,
        )
    elif len(set(secret)) < MIN_DISTINCT_SECRET_CHARACTERS:
        yield Finding(
            "cms.secret looks typed by hand "
            f"(fewer than {MIN_DISTINCT_SECRET_CHARACTERS} different characters)",
            "a secret that is not random can be guessed, and then session "
            "cookies forged",
            fix,
        )


def check_secure_cookies(settings, environ, args):
    value = str(settings.get("cms.secure_cookies", "true")).strip().lower()
    if value not in TRUE:
        yield Finding(
            f"cms.secure_cookies is {value or 'empty'!r}",
            "browsers would send the session cookie over plain HTTP, "
            "where anyone on the way can take it",
            "set cms.secure_cookies = true and serve the site over HTTPS",
        )


def check_debugging(settings, environ, args):
    switches = {
        key: value for key, value in settings.items() if key.startswith(DEBUG_PREFIXES)
    }
    # Pyramid also takes each switch from PYRAMID_DEBUG_ALL, PYRAMID_RELOAD_…
    for variable, value in environ.items():
        key = "pyramid." + variable.lower().removeprefix("pyramid_")
        if variable.startswith("PYRAMID_") and key.startswith(DEBUG_PREFIXES):
            switches[variable] = value
    for key, value in sorted(switches.items()):
        if str(value).strip().lower() in TRUE:
            fix = f"unset {key}" if key.isupper() else f"set {key} = false"
            yield Finding(
                f"{key} is on",
                "debugging output tells visitors about the site's internals, "
                "and reloading reads files again on every request",
                f"{fix} (production.ini has them all off)",
            )
    includes = aslist(settings.get("pyramid.includes", ""))
    if "pyramid_debugtoolbar" in includes:
        yield Finding(
            "pyramid.includes has pyramid_debugtoolbar",
            "the debug toolbar runs any Python its users type",
            "remove pyramid_debugtoolbar from pyramid.includes",
        )


def check_public_url(settings, environ, args):
    url = settings.get("cms.public_url", "").strip()
    if not url:
        yield Finding(
            "cms.public_url is not set",
            "every URL the site writes (links, @id, sitemaps, feeds) would name "
            "whatever host a request claims",
            "set CMS_PUBLIC_URL to the site's address, e.g. https://www.example.org",
        )
    elif not url.lower().startswith("https://"):
        yield Finding(
            f"cms.public_url is not https ({url})",
            "links and the session cookie would go over plain HTTP",
            "set CMS_PUBLIC_URL to the https:// address of the site",
        )


def check_trusted_proxies(settings, environ, args):
    try:
        networks = parse_networks(settings.get("cms.trusted_proxies", ""))
    except ValueError as error:
        yield Finding(
            "cms.trusted_proxies cannot be read",
            f"{error} The site will not start",
            "set CMS_TRUSTED_PROXIES to the proxies' addresses or networks",
        )
        return
    for network in networks:
        if network.prefixlen == 0:
            yield Finding(
                f"cms.trusted_proxies has {network}",
                "it trusts everyone: any client could choose the address that "
                "login throttling counts, and claim HTTPS over plain HTTP",
                "set CMS_TRUSTED_PROXIES to the reverse proxies' own addresses "
                "(127.0.0.1 for one on the same machine)",
            )


def check_blob_url(url, settings):
    """An object store: the bucket must answer with these credentials."""
    try:
        store = store_for_url(url, settings.get("cms.s3_endpoint") or None)
        store.check()
    except (ValueError, StorageError) as error:
        yield Finding(
            f"the blob store {url} does not answer",
            f"uploads and downloads would fail ({error})",
            "check CMS_BLOB_URL, CMS_S3_ENDPOINT, the bucket and the AWS_* "
            "credentials of the site's user",
        )


def check_blob_dir(settings, environ, args):
    url = settings.get("cms.blob_url", "").strip()
    if is_s3(url):
        yield from check_blob_url(url, settings)
        return
    folder = url or settings.get("cms.blob_dir", "").strip()
    if folder.startswith("file://"):
        folder = str(store_for_url(folder, create=False).root)
    fix = "set CMS_BLOB_DIR to a folder the site's user may write"
    if not folder:
        yield Finding(
            "cms.blob_dir is not set", "the site will not start: no file store", fix
        )
    elif not os.path.isdir(folder):
        yield Finding(
            f"the blob folder {folder} is not there",
            "uploads would fail",
            f"create it (mkdir -p {folder}, owned by the site's user) or {fix}",
        )
    else:
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as error:
            yield Finding(
                f"the blob folder {folder} is not writable by this user",
                f"uploads would fail ({error.strerror or error})",
                "give the site's user write access to it, and run check-deploy "
                "as that user",
            )


def check_database(settings, environ, args):
    """The database: its kind, whether it answers, whether it is migrated."""
    raw = settings.get("sqlalchemy.url", "").strip()
    if not raw:
        yield Finding(
            "no database is set",
            "the site will not start",
            "set CMS_DATABASE_URL, e.g. postgresql+psycopg://cms@db.internal/cms",
        )
        return
    try:
        url = make_url(raw)
    except ArgumentError:
        yield Finding(
            "the database URL cannot be read",
            "the site will not start",
            "set CMS_DATABASE_URL to a URL such as postgresql+psycopg://cms@db/cms",
        )
        return
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        yield from _sqlite_findings(url, args)
        if not url.database or url.database == ":memory:":
            return
        if not os.path.isfile(url.database):
            # Connecting would make an empty file: say so instead.
            yield _no_schema(shown)
            return
    yield from _reachable_and_migrated(settings, raw, shown)


def _sqlite_findings(url, args):
    if not url.database or url.database == ":memory:":
        yield Finding(
            "the database is SQLite in memory",
            "everything is lost when the process ends, and each process has its own",
            "set CMS_DATABASE_URL to a PostgreSQL database",
        )
    elif not args.single_process:
        yield Finding(
            "the database is SQLite",
            "several processes on one SQLite file take turns at one write lock "
            "(writers wait, and give up after 5 s), and no process on another "
            "machine can share it",
            "use PostgreSQL (CMS_DATABASE_URL=postgresql+psycopg://…), or run "
            "one process only and say so with --single-process",
        )


def _no_schema(shown):
    return Finding(
        f"the database {shown} has no schema",
        "the site has no tables to serve",
        "run initialize_cms_db INI",
    )


def _reachable_and_migrated(settings, raw, shown):
    options = {"sqlalchemy.url": raw}
    for key, value in settings.items():
        if key.startswith("sqlalchemy.") and key != "sqlalchemy.url":
            options[key] = value
    if make_url(raw).get_backend_name() == "postgresql":
        options["sqlalchemy.connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    try:
        engine = get_engine(options)
    except (ArgumentError, ImportError, TypeError, ValueError) as error:
        yield Finding(
            f"the database {shown} cannot be used",
            f"{type(error).__name__}: {error}",
            "check CMS_DATABASE_URL and the sqlalchemy.* settings",
        )
        return
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        yield Finding(
            f"the database {shown} cannot be reached",
            reason[0] if reason else type(error).__name__,
            "check CMS_DATABASE_URL, that the server runs and that it lets this "
            "machine and user in",
        )
        return
    finally:
        engine.dispose()
    yield from _migration_findings(revision, shown)


def _migration_findings(revision, shown):
    scripts = ScriptDirectory.from_config(alembic_config())
    heads = set(scripts.get_heads())
    if revision is None:
        yield _no_schema(shown)
    elif revision in heads:
        return
    elif _known(scripts, revision):
        yield Finding(
            f"the database {shown} is at revision {revision}, "
            f"this code needs {', '.join(sorted(heads))}",
            "the code would use tables and columns the database lacks",
            "stop the site's processes, run initialize_cms_db INI, start them",
        )
    else:
        yield Finding(
            f"the database {shown} is at revision {revision}, unknown to this code",
            "it was migrated by a newer version of the site",
            "deploy that version, or restore the database that matches this one",
        )


def _known(scripts, revision):
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds
        return False


def check_other_settings(settings, environ, args):
    """Whatever else would stop the start: a bad number, origin, folder…

    The required settings get stand-ins first, so that what the other checks
    already said is not said twice.
    """
    stand_ins = {
        "sqlalchemy.url": settings.get("sqlalchemy.url") or "sqlite://",
        "cms.secret": "x" * MIN_SECRET_LENGTH,
        "cms.blob_dir": settings.get("cms.blob_dir") or "blobs",
        "cms.trusted_proxies": "",
        "cms.secure_cookies": "true",
    }
    try:
        load_settings({**settings, **stand_ins}, environ={})
    except ValueError as error:
        yield Finding(
            "a setting is refused", f"{error} The site will not start", "correct it"
        )


CHECKS: tuple[Check, ...] = (
    check_secret,
    check_secure_cookies,
    check_debugging,
    check_public_url,
    check_trusted_proxies,
    check_blob_dir,
    check_database,
    check_other_settings,
)
