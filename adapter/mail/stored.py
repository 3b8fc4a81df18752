"""The embedded default: messages kept in the database and shown at /dev/mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from adapter.mail.message import Message
from adapter.persistence.cabinet_models import MailRecord
from adapter.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class StoredMailer:
    """Keeps every message in ``cabinet_mail`` instead of sending it (demo, development)."""

    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]

    def send(self, message: Message) -> None:
        """Store ``message`` (its own transaction: a mail is kept even if the caller fails)."""
        with self.uow() as unit:
            unit.session.add(MailRecord(recipient=message.to, subject=message.subject,
                                        text=message.text, html=message.html,
                                        created_at=self.clock()))
            unit.commit()


def stored_messages(uow: Callable[[], UnitOfWork], *, limit: int = 100) -> list[MailRecord]:
    """The newest stored messages first."""
    with uow() as unit:
        messages = list(unit.session.scalars(
            select(MailRecord).order_by(MailRecord.id.desc()).limit(limit)
        ))
        unit.session.expunge_all()  # the unit's rollback would expire them otherwise
        return messages


def stored_message(uow: Callable[[], UnitOfWork], message_id: int) -> MailRecord | None:
    """One stored message by id."""
    with uow() as unit:
        message = unit.session.get(MailRecord, message_id)
        unit.session.expunge_all()
        return message
