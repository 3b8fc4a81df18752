"""Structured logs: one JSON object per line, each carrying the bound correlation id.

Fields: ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger``, ``message``,
``correlation_id`` (None outside a request or delivery), ``exception`` when there is one, and
every ``extra={...}`` field the call site passed (``destination``, ``outbox_message_id``...).
"""

from __future__ import annotations

import json as jsonlib
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from adapter.observability.correlation import current_correlation_id

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName"}
_HANDLER_MARK = "_adapter_observability"


class JsonFormatter(logging.Formatter):
    """Formats a record as a single-line JSON object (non-ASCII kept readable)."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line of ``record``."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or current_correlation_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return jsonlib.dumps(out, ensure_ascii=False, default=str)


class CorrelationFilter(logging.Filter):
    """Adds ``correlation_id`` to records, for text formats that want ``%(correlation_id)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always passes the record, annotated."""
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = current_correlation_id()
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


def configure_logging(json: bool, level: str | int = "INFO", *,
                      stream: TextIO | None = None) -> logging.Handler:
    """Send the root logger's records to ``stream`` (stderr) as JSON lines or readable text.

    Idempotent: a handler installed by an earlier call is replaced, others are left alone
    (gunicorn's and pytest's own handlers keep working). Returns the installed handler.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(CorrelationFilter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler
