"""Settings: defaults, coercion and environment overrides.

The ini file gives the settings; a few may come from the environment instead,
so that production.ini holds no secret and no database address:

=====================  =============================
environment variable   setting
=====================  =============================
``CMS_DATABASE_URL``   ``sqlalchemy.url``
``CMS_PUBLIC_URL``     ``cms.public_url``
=====================  =============================
"""

import os

from pyramid.settings import asbool

#: Environment variables that override a setting when they are set.
ENVIRONMENT_OVERRIDES = {
    "CMS_DATABASE_URL": "sqlalchemy.url",
    "CMS_PUBLIC_URL": "cms.public_url",
}

#: Defaults for every setting the application reads.
DEFAULTS = {
    "cms.public_url": "",
    "cms.batch_size": "25",
    "cms.batch_size_max": "1000",
    "tm.commit_veto": "pyramid_tm.default_commit_veto",
    "retry.attempts": "3",
}


def load_settings(settings, environ=None):
    """Return a copy of *settings* with defaults, overrides and coercions."""
    environ = os.environ if environ is None else environ
    result = dict(DEFAULTS)
    result.update(settings)
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            result[key] = environ[variable]
    if not result.get("sqlalchemy.url"):
        raise ValueError(
            "No database: set sqlalchemy.url in the ini file or CMS_DATABASE_URL."
        )
    result["cms.public_url"] = result["cms.public_url"].rstrip("/")
    result["cms.batch_size"] = int(result["cms.batch_size"])
    result["cms.batch_size_max"] = int(result["cms.batch_size_max"])
    result["pyramid.reload_templates"] = asbool(
        result.get("pyramid.reload_templates", False)
    )
    return result
