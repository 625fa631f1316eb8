"""What a service raises when a rule refuses a change.

Each error says what went wrong in words for people, and, for invalid input,
which fields. How it is answered is decided here too, once: :attr:`status`
is the HTTP status the JSON API and the pages answer with (the exception
view in :mod:`cms.views.errors` turns it into a response), and
:meth:`ServiceError.messages` the messages a form shows beside its fields.
"""

from typing import ClassVar

FieldErrors = list[dict[str, str]]


class ServiceError(Exception):
    """A change refused; :attr:`message` says why."""

    status: ClassVar[int] = 400
    default_message: ClassVar[str] = "The request is not valid."
    #: Seconds after which trying again may work (``Retry-After``), if any.
    retry_after: ClassVar[int | None] = None

    def __init__(
        self, message: str | None = None, errors: FieldErrors | None = None
    ) -> None:
        self.message = message or self.default_message
        #: Field-level messages, when the error is about given fields.
        self.errors = errors or []
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.errors:
            return "; ".join(f"{e['field']}: {e['message']}" for e in self.errors)
        return self.message

    def headers(self) -> dict[str, str]:
        """The headers that go with the answer (``Retry-After``)."""
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(self.retry_after)}

    def messages(self, field: str) -> FieldErrors:
        """The messages a form shows: per field, else the message at *field*."""
        return self.errors or [{"field": field, "message": self.message}]


class Invalid(ServiceError):
    """Input that breaks a rule: ``errors`` names the fields (400)."""

    def __init__(self, errors: FieldErrors, message: str | None = None) -> None:
        super().__init__(message, errors)

    @classmethod
    def field(cls, field: str, message: str) -> "Invalid":
        """One field's error."""
        return cls([{"field": field, "message": message}])


class Forbidden(ServiceError):
    """The caller may not do this (403)."""

    status = 403
    default_message = "You may not do this here."


class NotFound(ServiceError):
    """What the change is about is not there, or no longer (404)."""

    status = 404
    default_message = "There is nothing at this address."


class Conflict(ServiceError):
    """The change clashes with what is there now (409)."""

    status = 409
    default_message = "This clashes with what is there now."


class Gone(NotFound):
    """What the change is about was deleted while the request ran (404).

    Like :class:`ChangedMeanwhile`, the request is replayed from the start
    (``cms.db`` marks both retryable): it then meets the tree as the other
    writer left it and answers as if it had come second. Only a request
    that keeps losing ends with this answer.
    """


class ChangedMeanwhile(Conflict):
    """What the change is about was moved or changed while the request ran (409)."""


class NameClash(Conflict):
    """The name is taken: by a sibling, another user or another group (409)."""


class Stale(ServiceError):
    """The caller changed a version that is no longer current (412)."""

    status = 412
    default_message = (
        "The node has changed since you read it (If-Match): read it again."
    )


class StoreUnavailable(ServiceError):
    """The file store cannot be written or read right now (503).

    An upload saved nothing; the same request may work later.
    """

    status = 503
    retry_after: ClassVar[int | None] = 60
    default_message = (
        "The file store cannot be written to right now: nothing was saved. "
        "Try again later."
    )


class StoreFull(StoreUnavailable):
    """The file store has no room left: nothing was saved (507)."""

    status = 507
    retry_after = None
    default_message = "The file store is full: nothing was saved."
