"""Login throttling, stored in the database so that every process shares it.

Failed attempts are counted in a window (``cms.login_window`` seconds) three
ways, and only the first two ever refuse (429 until the window ends):

- per address: at ``cms.login_address_limit`` failures, that address may
  try no account at all;
- per account *and* address: at ``cms.login_account_limit`` failures, that
  address may no longer try that account;
- per account alone: attempts are only slowed (``cms.login_slowdown``
  seconds per failure after the second, :data:`MAX_SLOWDOWN` at most). Were
  they refused, anyone could lock the rightful user out by failing on
  purpose; so a right password from an address that is not itself throttled
  always opens the account.

IPv6 addresses are counted by their /64 network: one subscriber gets a
whole one, and could otherwise try from a new address each time.
"""

from datetime import timedelta
from ipaddress import ip_address, ip_network
from time import sleep

from pyramid.request import Request
from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from cms.models import LoginThrottle
from cms.models.meta import UTCDateTime, utcnow

#: Failures before attempts start to be slowed down.
SLOW_AFTER = 2
#: The longest an attempt is held back, in seconds.
MAX_SLOWDOWN = 3.0
#: The counters that refuse, and the setting of each one's limit.
LIMITS = {"address": "cms.login_address_limit", "pair": "cms.login_account_limit"}


def _address_key(address: str) -> str:
    try:
        parsed = ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if parsed.version == 6:
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _keys(login: str, address: str) -> dict[str, str]:
    """Return the keys of an attempt's counters, by counter."""
    login, address = login.lower(), _address_key(address)
    return {
        "account": f"login:{login[:180]}",
        "address": f"addr:{address}",
        "pair": f"pair:{address}|{login[:128]}",
    }


def slowdown(failures: int, per_failure: float) -> float:
    """Return the seconds an attempt is held back after *failures*."""
    return min(MAX_SLOWDOWN, max(0, failures - SLOW_AFTER) * per_failure)


def retry_after(request: Request, login: str, address: str) -> int:
    """Return seconds to wait if this login attempt must be refused, else 0.

    When earlier attempts failed, the answer is also held back a little (after
    the request's transaction has ended).
    """
    settings = request.registry.settings
    window = timedelta(seconds=settings["cms.login_window"])
    counters = {key: name for name, key in _keys(login, address).items()}
    now = utcnow()
    rows = request.dbsession.scalars(
        select(LoginThrottle).where(
            LoginThrottle.key.in_(counters), LoginThrottle.window_start > now - window
        )
    ).all()
    wait, worst = 0, 0
    for row in rows:
        worst = max(worst, row.failures)
        limit = LIMITS.get(counters[row.key])
        if limit is not None and row.failures >= settings[limit]:
            remaining = (row.window_start + window - now).total_seconds()
            wait = max(wait, int(remaining) + 1)
    delay = slowdown(worst, settings["cms.login_slowdown"])
    if not wait and delay:
        # Wait once the transaction is over: sleeping inside it would hold
        # SQLite's write lock and make every other writer wait too.
        request.add_finished_callback(lambda request: sleep(delay))
    return wait


def record_failure(request: Request, login: str, address: str) -> None:
    """Count one failed attempt for the account, the address and the pair."""
    dbsession = request.dbsession
    window = timedelta(seconds=request.registry.settings["cms.login_window"])
    now = utcnow()
    dialect = (
        postgresql if dbsession.get_bind().dialect.name == "postgresql" else sqlite
    )
    table = LoginThrottle.__table__
    expired = table.c.window_start <= now - window
    for key in _keys(login, address).values():
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


def forget_failures(request: Request, login: str, address: str) -> None:
    """Clear the account's counts after a success; the address keeps its own,
    or logging in to one's own account would buy more guesses at others."""
    keys = _keys(login, address)
    cleared = [keys["account"], keys["pair"]]
    request.dbsession.execute(
        delete(LoginThrottle).where(LoginThrottle.key.in_(cleared))
    )
