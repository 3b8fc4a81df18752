"""Models of the web cabinet: organisations, users, sessions, one-time links, feedback, audit, mail.

An organisation is one consumer contract (the registration login); its users are the owner who
registered it and the colleagues they invited. Secrets never sit in the database in the clear:
passwords are argon2 hashes, session ids and one-time link tokens are stored as SHA-256 digests,
so a copy of the database opens nobody's cabinet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class OrganisationRecord(Base):
    """A consumer organisation with a cabinet: one per contract number (the login)."""

    __tablename__ = "cabinet_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_number: Mapped[str] = mapped_column(String(9), unique=True)
    edrpou: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    users: Mapped[list[UserRecord]] = relationship(
        back_populates="organisation", order_by="UserRecord.id"
    )


class UserRecord(Base):
    """A person who logs in. ``status``: ``pending`` (e-mail not confirmed), ``active``.

    ``role`` is ``owner`` (registered the organisation, may invite) or ``member``.
    """

    __tablename__ = "cabinet_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("cabinet_organisations.id"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    organisation: Mapped[OrganisationRecord] = relationship(back_populates="users")


class SessionRecord(Base):
    """A logged-in browser. The cookie carries the id; here only its digest.

    Logging out revokes the row, so a copied cookie stops working too; a password change or
    "log out everywhere" revokes every row of the user.
    """

    __tablename__ = "cabinet_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("cabinet_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")


class OneTimeTokenRecord(Base):
    """A single-use link sent by e-mail: confirm, reset, email_change or invite.

    ``used_at`` is set by a conditional UPDATE, so two clicks racing each other use it once.
    ``email`` is the address the link was sent to (the new address, the invitee).
    """

    __tablename__ = "cabinet_tokens"
    __table_args__ = (Index("ix_cabinet_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("cabinet_users.id"), nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("cabinet_organisations.id"), nullable=True
    )
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class FeedbackRecord(Base):
    """A message sent through the public feedback form."""

    __tablename__ = "cabinet_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    contract_number: Mapped[str] = mapped_column(String(9), default="")
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("cabinet_users.id"), nullable=True)
    mailed: Mapped[bool] = mapped_column(default=False)


class AuditRecord(Base):
    """Who did what, when, from where: logins, failures, password changes, invitations...

    The rate limiter counts rows here too (failed logins by IP and by login), so one table is
    both the record and the throttle, shared by every web instance.
    """

    __tablename__ = "cabinet_audit"
    __table_args__ = (
        Index("ix_cabinet_audit_event_ip_at", "event", "ip", "at"),
        Index("ix_cabinet_audit_event_login_at", "event", "login", "at"),
        Index("ix_cabinet_audit_org_at", "organisation_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    event: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    login: Mapped[str] = mapped_column(String(254), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class MailRecord(Base):
    """A message kept by the stored mailer (embedded demo): shown at /dev/mail."""

    __tablename__ = "cabinet_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
