"""The cabinet's audit log: who did what, when, from which address.

:func:`audit` adds a row in the caller's transaction, so the record and the change it describes
are committed together (or not at all). Other areas call it too (signatures, payments): pass the
unit of work you are already in and a short event name from :data:`EVENTS` or your own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapter.persistence.cabinet_models import AuditRecord
from adapter.persistence.uow import UnitOfWork

#: Events the cabinet itself writes (other areas add theirs, e.g. ``document_signed``).
EVENTS = frozenset({
    "registration", "registration_failed", "account_confirmed", "login", "login_failed",
    "logout", "logout_everywhere", "password_changed", "password_reset_requested",
    "password_reset", "email_change_requested", "email_changed", "invitation_sent",
    "invitation_accepted", "feedback", "mail_failed",
})


def _session(target: Session | UnitOfWork) -> Session:
    return target.session if isinstance(target, UnitOfWork) else target


def audit(
    target: Session | UnitOfWork,
    event: str,
    *,
    at: datetime,
    ip: str = "",
    user_id: int | None = None,
    organisation_id: int | None = None,
    login: str = "",
    detail: str | Mapping[str, object] = "",
) -> AuditRecord:
    """Record ``event`` in the caller's transaction (the caller commits)."""
    text = detail if isinstance(detail, str) else json.dumps(dict(detail), ensure_ascii=False,
                                                             sort_keys=True, default=str)
    record = AuditRecord(at=at, event=event, ip=(ip or "")[:45], user_id=user_id,
                         organisation_id=organisation_id, login=(login or "")[:254],
                         detail=text)
    _session(target).add(record)
    return record


def count_recent(
    target: Session | UnitOfWork,
    event: str,
    *,
    since: datetime,
    ip: str | None = None,
    login: str | None = None,
) -> int:
    """How many ``event`` rows since ``since`` for this IP or login (the rate limiter's count)."""
    query = select(func.count(AuditRecord.id)).where(AuditRecord.event == event,
                                                    AuditRecord.at >= since)
    if ip is not None:
        query = query.where(AuditRecord.ip == ip)
    if login is not None:
        query = query.where(AuditRecord.login == login)
    return int(_session(target).scalar(query) or 0)


def audit_trail(
    target: Session | UnitOfWork, *, organisation_id: int | None = None, limit: int = 100
) -> list[AuditRecord]:
    """The newest audit rows, optionally of one organisation."""
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
    if organisation_id is not None:
        query = query.where(AuditRecord.organisation_id == organisation_id)
    return list(_session(target).scalars(query))


__all__ = ["EVENTS", "audit", "audit_trail", "count_recent"]
