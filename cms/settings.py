"""Settings: defaults, coercion and environment overrides.

The ini file gives the settings; a few may come from the environment instead,
so that production.ini holds no secret and no database address:

=====================  =============================
environment variable   setting
=====================  =============================
``CMS_DATABASE_URL``   ``sqlalchemy.url``
``CMS_PUBLIC_URL``     ``cms.public_url``
``CMS_SECRET``         ``cms.secret``
``CMS_BLOB_DIR``       ``cms.blob_dir``
=====================  =============================

and ``CMS_TRUSTED_PROXIES`` gives ``cms.trusted_proxies``.
"""

import os
from collections.abc import Mapping
from typing import Any

from pyramid.settings import asbool

from cms.security.addresses import parse_networks

#: Environment variables that override a setting when they are set.
ENVIRONMENT_OVERRIDES = {
    "CMS_DATABASE_URL": "sqlalchemy.url",
    "CMS_PUBLIC_URL": "cms.public_url",
    "CMS_SECRET": "cms.secret",
    "CMS_BLOB_DIR": "cms.blob_dir",
    "CMS_TRUSTED_PROXIES": "cms.trusted_proxies",
}

#: Defaults for every setting the application reads.
DEFAULTS = {
    "cms.public_url": "",
    "cms.batch_size": "25",
    "cms.batch_size_max": "1000",
    "tm.commit_veto": "pyramid_tm.default_commit_veto",
    "retry.attempts": "3",
    # Signs the session cookie: at least 32 characters, and secret.
    "cms.secret": "",
    "cms.secure_cookies": "true",
    "cms.session_max_age": "43200",
    "cms.login_window": "900",
    "cms.login_account_limit": "5",
    "cms.login_address_limit": "20",
    "cms.login_slowdown": "0.5",
    # Lifetime of a token made by a JSON login, in seconds (30 days).
    "cms.token_max_age": str(30 * 24 * 3600),
    # Proxies whose X-Forwarded-For / -Proto are believed (addresses, CIDR).
    "cms.trusted_proxies": "",
    # Where uploaded files are kept (required).
    "cms.blob_dir": "",
    "cms.max_upload_bytes": str(50 * 1024 * 1024),
}

#: Settings read as whole numbers, and as decimals.
INTEGERS = (
    "cms.batch_size",
    "cms.batch_size_max",
    "cms.session_max_age",
    "cms.login_window",
    "cms.login_account_limit",
    "cms.login_address_limit",
    "cms.token_max_age",
    "cms.max_upload_bytes",
)
FLOATS = ("cms.login_slowdown",)
BOOLEANS = ("pyramid.reload_templates", "cms.secure_cookies")
MIN_SECRET_LENGTH = 32


def load_settings(
    settings: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return a copy of *settings* with defaults, overrides and coercions."""
    environ = os.environ if environ is None else environ
    result: dict[str, Any] = dict(DEFAULTS)
    result.update(settings)
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            result[key] = environ[variable]
    if not result.get("sqlalchemy.url"):
        raise ValueError(
            "No database: set sqlalchemy.url in the ini file or CMS_DATABASE_URL."
        )
    if len(result["cms.secret"]) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"cms.secret (or CMS_SECRET) must be at least {MIN_SECRET_LENGTH} "
            "characters long."
        )
    if not result["cms.blob_dir"]:
        raise ValueError("No blob store: set cms.blob_dir or CMS_BLOB_DIR.")
    result["cms.public_url"] = result["cms.public_url"].rstrip("/")
    for key in INTEGERS:
        result[key] = int(result[key])
    for key in FLOATS:
        result[key] = float(result[key])
    for key in BOOLEANS:
        result[key] = asbool(result.get(key, False))
    result["cms.trusted_proxies"] = parse_networks(result["cms.trusted_proxies"])
    return result
