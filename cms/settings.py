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
``CMS_BLOB_URL``       ``cms.blob_url``
``CMS_S3_ENDPOINT``    ``cms.s3_endpoint``
=====================  =============================

and ``CMS_TRUSTED_PROXIES`` gives ``cms.trusted_proxies``,
``CMS_CORS_ORIGINS`` ``cms.cors_origins``, ``CMS_PURGE_URLS``
``cms.purge_urls``, ``CMS_SHARED_MAX_AGE`` ``cms.shared_max_age``,
``CMS_LOG_FORMAT`` ``cms.log_format`` and ``CMS_METRICS_ALLOW``
``cms.metrics_allow``.

Paths (``cms.theme_dir``) are made absolute at start, so that a theme is
found whatever the process's working directory becomes later.
"""

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pyramid.settings import falsey, truthy

from cms.blobstore import check_url
from cms.observability.logs import LOG_FORMATS
from cms.security.addresses import parse_networks
from cms.security.origins import parse_origins

#: Environment variables that override a setting when they are set.
ENVIRONMENT_OVERRIDES = {
    "CMS_DATABASE_URL": "sqlalchemy.url",
    "CMS_PUBLIC_URL": "cms.public_url",
    "CMS_SECRET": "cms.secret",
    "CMS_BLOB_DIR": "cms.blob_dir",
    "CMS_BLOB_URL": "cms.blob_url",
    "CMS_S3_ENDPOINT": "cms.s3_endpoint",
    "CMS_TRUSTED_PROXIES": "cms.trusted_proxies",
    "CMS_CORS_ORIGINS": "cms.cors_origins",
    "CMS_PURGE_URLS": "cms.purge_urls",
    "CMS_SHARED_MAX_AGE": "cms.shared_max_age",
    "CMS_LOG_FORMAT": "cms.log_format",
    "CMS_METRICS_ALLOW": "cms.metrics_allow",
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
    # Origins whose pages may call the JSON API with a bearer token (CORS).
    "cms.cors_origins": "",
    # Where uploaded files are kept: a folder, unless blob_url names a
    # bucket (s3://BUCKET/PREFIX) of the S3-compatible store at s3_endpoint.
    "cms.blob_dir": "",
    "cms.blob_url": "",
    "cms.s3_endpoint": "",
    "cms.max_upload_bytes": str(50 * 1024 * 1024),
    # Entries in a folder's Atom feed, URLs in one sitemap file.
    "cms.feed_size": "20",
    "cms.sitemap_part_size": "50000",
    # A folder whose templates/ and static/ restyle the site (cms.theme).
    "cms.theme_dir": "",
    # The anonymous page cache (cms.page_cache): on or off, and its entries.
    "cms.page_cache": "false",
    "cms.page_cache_size": "1000",
    # HTTP caches in front (Varnish) told to drop the site after each write:
    # their base URLs, space or comma separated (cms.purges).
    "cms.purge_urls": "",
    # Seconds a shared cache may keep an anonymous answer (s-maxage), never
    # past the site's next schedule moment; 0: revalidated every time.
    "cms.shared_max_age": "0",
    # Log lines as the ini's format says ("text") or one JSON object each.
    "cms.log_format": "text",
    # Who may read GET /metrics (addresses, CIDR): this machine.
    "cms.metrics_allow": "127.0.0.1 ::1",
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
    "cms.feed_size",
    "cms.sitemap_part_size",
    "cms.page_cache_size",
    "cms.shared_max_age",
)
#: Settings that must be a whole number within bounds: ``(low, high)``.
BOUNDED = {
    "cms.feed_size": (1, 1000),
    # The sitemaps.org protocol allows 50,000 URLs in one file.
    "cms.sitemap_part_size": (1, 50000),
    "cms.page_cache_size": (1, 1000000),
}
FLOATS = ("cms.login_slowdown",)
BOOLEANS = ("pyramid.reload_templates", "cms.secure_cookies", "cms.page_cache")
MIN_SECRET_LENGTH = 32
TRUTHY = frozenset(truthy)
FALSY = frozenset(falsey) | {""}


def with_environment(
    settings: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return a copy of *settings* with the environment's overrides applied."""
    environ = os.environ if environ is None else environ
    result = dict(settings)
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            result[key] = environ[variable]
    return result


def load_settings(
    settings: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return a copy of *settings* with defaults, overrides and coercions."""
    result: dict[str, Any] = dict(DEFAULTS)
    result.update(with_environment(settings, environ))
    if not result.get("sqlalchemy.url"):
        raise ValueError(
            "No database: set sqlalchemy.url in the ini file or CMS_DATABASE_URL."
        )
    if len(result["cms.secret"]) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"cms.secret (or CMS_SECRET) must be at least {MIN_SECRET_LENGTH} "
            "characters long."
        )
    if not result["cms.blob_dir"] and not result["cms.blob_url"]:
        raise ValueError(
            "No blob store: set cms.blob_dir or CMS_BLOB_DIR (a folder), or "
            "cms.blob_url or CMS_BLOB_URL (s3://BUCKET/PREFIX)."
        )
    if result["cms.blob_url"]:
        check_url(result["cms.blob_url"])
    result["cms.public_url"] = result["cms.public_url"].rstrip("/")
    for key in INTEGERS:
        result[key] = _number(key, result[key], int)
    for key in FLOATS:
        result[key] = _number(key, result[key], float)
    for key in BOOLEANS:
        result[key] = _boolean(key, result.get(key, False))
    if not 1 <= result["cms.batch_size"] <= result["cms.batch_size_max"]:
        raise ValueError(
            "cms.batch_size must be from 1 to cms.batch_size_max "
            f"({result['cms.batch_size_max']}), not {result['cms.batch_size']}."
        )
    for key, (low, high) in BOUNDED.items():
        if not low <= result[key] <= high:
            raise ValueError(f"{key} must be from {low} to {high}, not {result[key]}.")
    result["cms.trusted_proxies"] = parse_networks(result["cms.trusted_proxies"])
    result["cms.cors_origins"] = parse_origins(result["cms.cors_origins"])
    result["cms.purge_urls"] = parse_purge_urls(result["cms.purge_urls"])
    result["cms.metrics_allow"] = parse_networks(
        result["cms.metrics_allow"], "cms.metrics_allow"
    )
    log_format = str(result["cms.log_format"]).strip().lower()
    if log_format not in LOG_FORMATS:
        raise ValueError(
            f"cms.log_format must be {' or '.join(LOG_FORMATS)}, "
            f"not {result['cms.log_format']!r}."
        )
    result["cms.log_format"] = log_format
    result["cms.theme_dir"] = _folder("cms.theme_dir", result["cms.theme_dir"])
    return result


def _number(key: str, value: Any, kind: type[int] | type[float]) -> Any:
    """*value* as a number of *kind*, from 0; a bad one names its setting."""
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = -1
    if not number >= 0:  # also NaN
        raise ValueError(f"{key} must be a number from 0, not {value!r}.")
    return number


def parse_purge_urls(value: Any) -> tuple[str, ...]:
    """The caches' base URLs (``http://host:port``), space or comma separated."""
    if isinstance(value, tuple | list):
        return tuple(value)
    urls = []
    for url in str(value).replace(",", " ").split():
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"cms.purge_urls: {url!r} is not an http:// or https:// base URL."
            )
        urls.append(url.rstrip("/"))
    return tuple(urls)


def _folder(key: str, value: str) -> str:
    """*value* as an absolute path to a folder, or "" when unset.

    A folder that is not there stops the start: a typo must not quietly
    serve the site unstyled.
    """
    value = value.strip()
    if not value:
        return ""
    path = os.path.abspath(os.path.expanduser(value))
    if not os.path.isdir(path):
        raise ValueError(f"{key}: there is no folder {value!r}.")
    return path


def _boolean(key: str, value: Any) -> bool:
    """*value* as true or false; a typo is refused, never taken for false."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUTHY:
        return True
    if text in FALSY:
        return False
    raise ValueError(f"{key} must be true or false, not {value!r}.")
