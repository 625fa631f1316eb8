"""A node's schedule: readers see it from ``effective`` until ``expires``.

Both are optional moments (timezone-aware, stored in UTC). A published node
is shown to readers while ``effective`` is unset or past and ``expires`` is
unset or future; nothing runs when a moment passes: every door compares with
the time the request is served (:func:`in_schedule` in Python, and
:func:`cms.security.visibility.shown_here` in SQL).

The schedule is not content: it has no draft, and a change to it applies at
once, like a workflow transition (editors schedule a published page to go
out of view without publishing anything new).
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func

#: The schedule's fields, in every type's JSON and forms.
SCHEDULE = ("effective", "expires")
TITLES = {"effective": "Visible from", "expires": "Visible until"}

#: What :func:`status` says of a node outside its schedule.
SCHEDULED, EXPIRED = "scheduled", "expired"

_FORMAT = "an ISO 8601 date and time with an offset, as 2027-01-31T09:00:00+01:00"


def effective_date(node: Any) -> ColumnElement[datetime]:
    """SQL: the moment *node* took effect, ``effective``, else ``created``.

    What feeds and ``sort_on=effective`` order by, and the search's
    ``effective_after`` / ``effective_before`` compare: publishing sets
    ``effective`` when it is unset, so it is the date readers first saw the
    node; older nodes fall back on their creation.
    """
    return func.coalesce(node.effective, node.created)


def in_schedule(node: Any, now: datetime) -> bool:
    """Return whether *now* is inside *node*'s schedule."""
    effective, expires = node.effective, node.expires
    return (effective is None or effective <= now) and (
        expires is None or expires > now
    )


def status(node: Any, now: datetime) -> str | None:
    """Return ``"scheduled"``, ``"expired"`` or ``None`` (in its schedule)."""
    if node.effective is not None and node.effective > now:
        return SCHEDULED
    if node.expires is not None and node.expires <= now:
        return EXPIRED
    return None


def note(node: Any, now: datetime) -> dict[str, Any] | None:
    """What editors are told of *node*'s schedule, or ``None``.

    ``{"status": "scheduled" | "expired" | "until", "text", "moment"}``;
    nothing for a node with no limit ahead or behind it.
    """
    state = status(node, now)
    if state == SCHEDULED:
        return {
            "status": state,
            "text": "Scheduled: visible from",
            "moment": node.effective,
        }
    if state == EXPIRED:
        return {
            "status": state,
            "text": "Expired: visible until",
            "moment": node.expires,
        }
    if node.expires is not None:
        return {"status": "until", "text": "Visible until", "moment": node.expires}
    return None


def form_value(value: Any) -> str:
    """*value* as a form's ``datetime-local`` field shows it (UTC, minutes).

    A string is what was sent: shown again as typed when it is no moment.
    """
    if isinstance(value, str):
        try:
            value = parse_moment(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    return ""


def from_form(value: str) -> str:
    """A moment typed in a form: without an offset, it is UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value  # refused with a message by clean_schedule
    return value.strip() + "+00:00" if moment.tzinfo is None else value


def parse_moment(value: Any) -> datetime:
    """Return *value* (ISO 8601 text with an offset) as a UTC datetime.

    Raise ``ValueError`` with a message for people.
    """
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"Give {_FORMAT}, or null.")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"Not a date and time: give {_FORMAT}.") from None
    if moment.tzinfo is None:
        raise ValueError(f"Give the offset from UTC too: {_FORMAT}.")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("Out of range: give a year from 1 to 9999.") from None


def clean_schedule(
    data: dict[str, Any], node: Any = None
) -> tuple[dict[str, datetime | None], list[dict[str, str]]]:
    """Return ``(values, errors)`` for the schedule fields given in *data*.

    ``null`` (or an empty string, as a form sends) clears a moment. *node*,
    when editing, gives the moment that is not being changed: ``expires``
    must come after ``effective``.
    """
    values: dict[str, datetime | None] = {}
    errors = []
    for name in SCHEDULE:
        if name not in data:
            continue
        if data[name] is None or data[name] == "":
            values[name] = None
            continue
        try:
            values[name] = parse_moment(data[name])
        except ValueError as error:
            errors.append({"field": name, "message": str(error)})
    if not errors:
        effective = values.get("effective", getattr(node, "effective", None))
        expires = values.get("expires", getattr(node, "expires", None))
        if effective is not None and expires is not None and expires <= effective:
            field = "expires" if "expires" in values else "effective"
            errors.append(
                {
                    "field": field,
                    "message": "Visible until must come after visible from.",
                }
            )
    return values, errors
