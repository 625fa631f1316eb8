"""The two sites ``bench.compare`` measures: the floor and a cms site.

The floor lives outside the repository: ``$CMS_FLOOR``, by default
``<checkout>/../shared/floor`` (its ``setup.sh`` and ``serve.sh``). The cms
site is ``production.ini`` as it is, but for the settings given, on a
throw-away SQLite database (or the database given) holding the standard tree
(``bench/populate.py``).
"""

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

from bench.servers import Server, free_port, override_ini, request, say

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "admin"  # cms.site.ADMIN_LOGIN, made by initialize_cms_db
EDITOR = "bench-editor"


def floor_dir():
    return Path(os.environ.get("CMS_FLOOR") or ROOT.parent / "shared" / "floor")


def setup_floor(workdir, floor=None):
    """Run the floor's ``setup.sh WORKDIR`` (a venv and its SQLite tree)."""
    floor = Path(floor or floor_dir())
    if not (floor / "setup.sh").is_file():
        raise SystemExit(
            f"compare: no floor at {floor}: set CMS_FLOOR to the folder that "
            "holds setup.sh and serve.sh"
        )
    say(f"floor: setup.sh into {workdir} …")
    subprocess.run(
        ["bash", str(floor / "setup.sh"), str(workdir)],
        check=True,
        timeout=900,
        stdout=sys.stderr,
    )
    return floor


def serve_floor(floor, workdir, mode, log):
    port = free_port()
    command = ["bash", str(Path(floor) / "serve.sh"), str(workdir), str(port), mode]
    return Server(f"floor {mode}", command, port, log)


def venv():
    return Path(os.environ.get("VENV") or ROOT / ".venv")


#: Settings the environment would override: a measurement sets them in its ini
#: copy (``write_ini``), so that a shell's exports do not change what it measures.
UNSET = (
    "CMS_PUBLIC_URL",
    "CMS_TRUSTED_PROXIES",
    "CMS_CORS_ORIGINS",
    "CMS_PURGE_URLS",
    "CMS_SHARED_MAX_AGE",
)


def cms_env(tmp, database_url=None):
    """The environment of cms's tools and server: this checkout's code first,
    on *database_url* (by default a SQLite file in *tmp*)."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env["CMS_DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'cms.db'}"
    env.setdefault("CMS_SECRET", secrets.token_hex(32))
    env["CMS_BLOB_DIR"] = str(tmp / "blobs")
    env["CMS_ADMIN_PASSWORD"] = secrets.token_hex(16)
    # A PYTHONPATH given (another version of cms to measure) comes first.
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (os.environ.get("PYTHONPATH"), str(ROOT)) if part
    )
    env["PYTHONWARNINGS"] = "ignore"
    return env


def write_ini(tmp, name, settings):
    """Write production.ini with *settings* in ``[app:main]`` as *tmp/name*."""
    text = (ROOT / "production.ini").read_text()
    path = tmp / name
    path.write_text(override_ini(text, settings))
    return path


def setup_cms(tmp, env, ini):
    """Migrate the database, make the admin, add the standard tree."""
    initialize_cms(tmp, env, ini)
    populate_cms(tmp, env, ini)


def initialize_cms(tmp, env, ini):
    """Migrate the database and make the root and the admin (safe twice)."""
    say("cms: initialize_cms_db …")
    subprocess.run(
        [str(venv() / "bin" / "initialize_cms_db"), str(ini)],
        env=env,
        cwd=tmp,
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
    )


def populate_cms(tmp, env, ini):
    """Add the standard tree (``bench/populate.py``; never twice)."""
    say("cms: populating the standard tree (bench/populate.py) …")
    subprocess.run(
        [str(venv() / "bin" / "python"), str(ROOT / "bench" / "populate.py"), str(ini)],
        env=env,
        cwd=tmp,
        check=True,
        timeout=900,
        stdout=sys.stderr,
    )


def serve_cms(name, ini, env, tmp):
    port = free_port()
    command = [str(venv() / "bin" / "pserve"), str(ini), f"http_port={port}"]
    return Server(name, command, port, tmp / f"{name}.log", env=env, cwd=tmp)


def make_editor(base, admin_password):
    """Add a user who holds ``editor`` on the root; return its password."""
    status, _h, body = request(
        base,
        "/@@login",
        {"Content-Type": "application/json", "Accept": "application/json"},
        "POST",
        json.dumps({"login": ADMIN, "password": admin_password}),
    )
    if status != 201:
        raise RuntimeError(f"admin login: {status} {body[:300]!r}")
    bearer = {
        "Authorization": f"Bearer {json.loads(body)['token']}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    password = secrets.token_hex(16)
    status, _h, body = request(
        base,
        "/@@users",
        bearer,
        "POST",
        json.dumps({"login": EDITOR, "password": password}),
    )
    if status != 201:
        raise RuntimeError(f"adding the editor: {status} {body[:300]!r}")
    grant = {"entries": [{"principal": f"user:{EDITOR}", "roles": ["editor"]}]}
    status, _h, body = request(base, "/@@sharing", bearer, "POST", json.dumps(grant))
    if status != 200:
        raise RuntimeError(f"sharing the root: {status} {body[:300]!r}")
    return password


def cookie_of(headers):
    """``name=value`` pairs of the Set-Cookie headers, joined for a Cookie."""
    pairs = [value.split(";", 1)[0] for value in headers.get_all("Set-Cookie") or []]
    return "; ".join(pair for pair in pairs if "=" in pair)


def login_cookie(base, password):
    """Log the editor in through the login form; return the Cookie header."""
    status, headers, body = request(base, "/@@login", {"Accept": "text/html"})
    if status != 200:
        raise RuntimeError(f"the login form: {status}")
    found = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    form = {"login": EDITOR, "password": password, "came_from": "/"}
    if found:
        form["csrf_token"] = found.group(1).decode()
    sent = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": base,
        "Referer": f"{base}/@@login",
    }
    if cookie_of(headers):
        sent["Cookie"] = cookie_of(headers)
    status, headers, body = request(
        base, "/@@login", sent, "POST", urllib.parse.urlencode(form)
    )
    cookie = cookie_of(headers)
    if status != 303 or not cookie:
        raise RuntimeError(f"form login: {status} {body[:300]!r}")
    return cookie
