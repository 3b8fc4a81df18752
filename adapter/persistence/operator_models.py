"""Models of the operator console (``operator_*``): operator accounts, their sessions, API tokens.

Operators are a separate kind of account: no consumer (``cabinet_users``) row can become one and
their sessions live in their own table behind their own cookie, so no consumer session can ever
reach ``/ops``. Secrets are stored only as argon2 hashes (passwords) or SHA-256 digests (session
ids, API tokens): a copy of the database opens nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class OperatorAccountRecord(Base):
    """A person at the DSO who runs the adapter (created with ``adapter operator create``)."""

    __tablename__ = "operator_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class OperatorSessionRecord(Base):
    """A logged-in operator: the ``ops_session`` cookie carries the id, this row its digest."""

    __tablename__ = "operator_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator_accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")


class ApiTokenRecord(Base):
    """A token an operator issued to one consumer contract for machine submission of readings."""

    __tablename__ = "operator_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contract_number: Mapped[str] = mapped_column(String(9), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
