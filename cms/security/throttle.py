"""Login throttling, per account and per address, stored in the database.

Failures are counted in a window (``cms.login_window`` seconds). From the
third failure on, each attempt is slowed (``cms.login_slowdown`` seconds per
failure); at ``cms.login_account_limit`` failures for one account, or
``cms.login_address_limit`` from one address, attempts are refused with 429
until the window ends. The counters live in the database so that every
process of the site shares them.
"""

import time
from datetime import timedelta

from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from cms.models import LoginThrottle
from cms.models.meta import UTCDateTime, utcnow

#: Failures before attempts start to be slowed down.
SLOW_AFTER = 2


def _keys(login, address):
    return {
        f"login:{login.lower()[:180]}": "cms.login_account_limit",
        f"addr:{address or 'unknown'}": "cms.login_address_limit",
    }


def retry_after(request, login, address):
    """Return seconds to wait if this login attempt must be refused, else 0.

    When earlier attempts failed, the answer is also held back a little (after
    the request's transaction has ended).
    """
    settings = request.registry.settings
    window = timedelta(seconds=settings["cms.login_window"])
    keys = _keys(login, address)
    now = utcnow()
    rows = request.dbsession.scalars(
        select(LoginThrottle).where(
            LoginThrottle.key.in_(keys), LoginThrottle.window_start > now - window
        )
    ).all()
    wait, worst = 0, 0
    for row in rows:
        worst = max(worst, row.failures)
        if row.failures >= settings[keys[row.key]]:
            remaining = (row.window_start + window - now).total_seconds()
            wait = max(wait, int(remaining) + 1)
    if not wait and worst > SLOW_AFTER:
        delay = settings["cms.login_slowdown"] * (worst - SLOW_AFTER)
        # Wait once the transaction is over: sleeping inside it would hold
        # SQLite's write lock and make every other writer wait too.
        request.add_finished_callback(lambda request: time.sleep(delay))
    return wait


def record_failure(request, login, address):
    """Count one failed attempt for the account and the address."""
    dbsession = request.dbsession
    window = timedelta(seconds=request.registry.settings["cms.login_window"])
    now = utcnow()
    dialect = (
        postgresql if dbsession.get_bind().dialect.name == "postgresql" else sqlite
    )
    table = LoginThrottle.__table__
    expired = table.c.window_start <= now - window
    for key in _keys(login, address):
        # One statement, safe against concurrent failures; a new window
        # starts when the old one has ended.
        insert = dialect.insert(table).values(key=key, failures=1, window_start=now)
        dbsession.execute(
            insert.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "failures": case((expired, 1), else_=table.c.failures + 1),
                    "window_start": case(
                        (expired, literal(now, UTCDateTime())),
                        else_=table.c.window_start,
                    ),
                },
            )
        )


def forget_failures(request, login):
    """Clear the account's failures after a successful login."""
    key = next(iter(_keys(login, None)))
    request.dbsession.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
