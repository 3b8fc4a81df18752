"""One correlation id per unit of work, carried from the cabinet request to the peer and back.

The id lives in a :class:`~contextvars.ContextVar`: the web layer sets it for each request
(``X-Request-ID`` or a fresh one), the delivery worker binds it around each message, and the JSON
log formatter reads it, so every log line of one submission carries the same id.

Keeping it with the message: outbox rows already have ``correlation_id`` (``readings:<id>``, the
domain's own link, parsed by the settlement hook), so the request's id is recorded beside it as an
outbox event ``correlation`` whose detail is the id. :func:`install_outbox_correlation` adds that
event automatically, in the same transaction, whenever a message is enqueued while an id is bound;
no service has to know about it. The worker reads it back with :func:`message_correlation`.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from adapter.persistence.outbox_models import OutboxEventRecord
from adapter.persistence.registry_models import ReadingSubmissionRecord

log = logging.getLogger(__name__)

#: The outbox event that keeps a message's request correlation id.
CORRELATION_EVENT = "correlation"
#: What we accept from a caller's X-Request-ID; anything else is replaced by a fresh id, so a
#: hostile header can neither forge log structure nor grow without bound.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:@/-]{1,100}")

_current: ContextVar[str | None] = ContextVar("adapter_correlation_id", default=None)


def new_correlation_id() -> str:
    """A fresh random id (32 hex digits)."""
    return uuid.uuid4().hex


def accept_correlation_id(candidate: str | None) -> str:
    """``candidate`` when it is a safe id, else a fresh one."""
    if candidate and _SAFE_ID.fullmatch(candidate.strip()):
        return candidate.strip()
    return new_correlation_id()


def current_correlation_id() -> str | None:
    """The id bound in this context (request, delivery), or None."""
    return _current.get()


@contextmanager
def bound(correlation_id: str | None) -> Iterator[str | None]:
    """Bind ``correlation_id`` for the duration of the block (None binds nothing new)."""
    token = _current.set(correlation_id)
    try:
        yield correlation_id
    finally:
        _current.reset(token)


def bind(correlation_id: str | None) -> object:
    """Bind without a block (Flask's before_request); pass the token to :func:`unbind`."""
    return _current.set(correlation_id)


def unbind(token: object) -> None:
    """Undo :func:`bind`."""
    _current.reset(token)  # type: ignore[arg-type]


def message_correlation(session: Session, message_id: int) -> str | None:
    """The request correlation id recorded with an outbox message, or None.

    One indexed lookup (``outbox_events.message_id``); the worker makes it inside the claim's
    transaction, so a delivery costs no extra round trip for it.
    """
    return session.scalar(
        select(OutboxEventRecord.detail)
        .where(OutboxEventRecord.message_id == message_id,
               OutboxEventRecord.event == CORRELATION_EVENT)
        .order_by(OutboxEventRecord.id)
        .limit(1)
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    correlation_id = _current.get()
    if correlation_id is None:
        return
    for obj in list(session.new):
        if isinstance(obj, OutboxEventRecord) and obj.event == "enqueued":
            session.add(OutboxEventRecord(message_id=obj.message_id, event=CORRELATION_EVENT,
                                          at=obj.at, detail=correlation_id, after_attempt=0))


def _after_flush(session: Session, _context: Any) -> None:
    # Log what this flush wrote (ids are known now); only while an id is bound, so bulk work
    # without one (a registry sync) does not log every row.
    if _current.get() is None:
        return
    for obj in session.new:
        if isinstance(obj, ReadingSubmissionRecord):
            log.info("readings submission %s stored (%s rev %s)", obj.id, obj.mrid,
                     obj.revision, extra={"submission_id": obj.id, "mrid": obj.mrid})
        elif isinstance(obj, OutboxEventRecord) and obj.event == "enqueued":
            log.info("outbox message %s enqueued for %s", obj.message_id, obj.detail,
                     extra={"outbox_message_id": obj.message_id, "destination": obj.detail})


def install_outbox_correlation() -> None:
    """Record the bound correlation id with every message enqueued from now on (idempotent).

    A listener on every :class:`Session`: it does nothing unless an id is bound, so worker and
    CLI sessions without one are untouched.
    """
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
