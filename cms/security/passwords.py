"""Password hashing with argon2 (argon2-cffi), and a dummy check for timing.

A login for an account that does not exist still verifies a password against
a hash made at start-up, so that it takes as long as a real check and tells
an attacker nothing.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("no account has this password")

#: The shortest password accepted.
MIN_LENGTH = 8
#: The longest password accepted (hashing a huge one is a cheap DoS).
MAX_LENGTH = 1024


def hash_password(password: str) -> str:
    """Return the argon2 hash of *password*."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether *password* matches *password_hash*.

    With *password_hash* ``None`` (no such account) it still spends the time
    of a real check, and answers ``False``.
    """
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and (
            password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: object) -> str | None:
    """Return why *password* is not acceptable, or ``None``."""
    if not isinstance(password, str):
        return "Must be a string."
    if len(password) < MIN_LENGTH:
        return f"Must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"Must be at most {MAX_LENGTH} characters long."
    return None
