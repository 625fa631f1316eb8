"""Log formats: text (the ini's format) or JSON, one object per line.

``cms.log_format = json`` (or ``CMS_LOG_FORMAT=json``) puts
:class:`JsonFormatter` on the root logger's handlers when the application
starts: pserve has configured logging from the ini by then, so every line of
every logger comes out as JSON, with the request's id.
"""

import json
import logging
from datetime import UTC, datetime

from cms.observability.context import NO_REQUEST

LOG_FORMATS = ("text", "json")


class TextFormatter(logging.Formatter):
    """The ini's formatter: a format with ``%(request_id)s`` never fails.

    Naming it in the ini (``class = cms.observability.logs.TextFormatter``)
    imports :mod:`cms.observability.context`, whose record factory gives
    records their id; one made before that still formats, with ``-``.
    """

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = NO_REQUEST
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger,
    message, request_id, and the exception's text when there is one."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        access = getattr(record, "access", None)
        if access is not None:
            line["access"] = access
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # ASCII: a newline or a control character in a message stays escaped.
        return json.dumps(line, default=str)


def install_log_format(log_format: str) -> None:
    """Make the root logger's handlers write *log_format* ("text" leaves them)."""
    if log_format != "json":
        return
    for handler in logging.getLogger().handlers:
        if not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())
