"""Operator accounts: creation (CLI), log in with a rate limit, sessions, log out, audit.

Operators are not cabinet users: their rows are in ``operator_accounts``, their sessions in
``operator_sessions`` behind their own cookie. Every operator action is written to the audit log
(``cabinet_audit``, events ``ops_*``, ``login`` = the operator's login) in the same transaction
as the change it describes, so the console's throttle is shared by every web instance.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from adapter.errors import ValidationError
from adapter.persistence.operator_models import OperatorAccountRecord, OperatorSessionRecord
from adapter.persistence.uow import UnitOfWork
from adapter.services.accounts import FieldProblem, FormInvalid, RateLimit
from adapter.services.audit import audit, count_recent

#: Audit events the console writes.
OPS_EVENTS = frozenset({
    "ops_login", "ops_login_failed", "ops_logout", "ops_replay", "ops_replay_many", "ops_skip",
    "ops_operator_created", "ops_api_token_issued",
})
_DUMMY_PASSWORD = "not-the-password"


@dataclass(frozen=True)
class OpsConfig:
    """What the console is told (built from ``Settings`` by :func:`ops_config_from_settings`)."""

    cookie_secure: bool = True
    session_ttl: timedelta = timedelta(hours=8)
    login_per_login: RateLimit = RateLimit(5, timedelta(minutes=15))
    login_per_ip: RateLimit = RateLimit(20, timedelta(minutes=15))
    expiry_warning: timedelta = timedelta(days=30)
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4

    @property
    def hasher(self) -> PasswordHasher:
        """The argon2 hasher with this cost."""
        return _hasher(self.argon2_time_cost, self.argon2_memory_kib, self.argon2_parallelism)


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


@dataclass(frozen=True)
class Operator:
    """The operator a request acts as."""

    id: int
    login: str


@dataclass(frozen=True)
class OpsAccess:
    """The collaborators the accounts use: units of work, the clock, the config."""

    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    config: OpsConfig = field(default_factory=OpsConfig)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_login_name(login: str) -> str:
    """A login: 3-64 Latin letters, digits, ``.``, ``_`` or ``-``."""
    cleaned = login.strip()
    if not (3 <= len(cleaned) <= 64) or not all(c.isascii() and (c.isalnum() or c in "._-")
                                                 for c in cleaned):
        raise ValidationError("Логін оператора: 3-64 латинські літери, цифри, «.», «_» або «-».",
                              code="OPS_LOGIN_FORMAT")
    return cleaned


def create_operator(access: OpsAccess, login: str, password: str) -> int:
    """Add an operator (``adapter operator create``); returns its id."""
    login = check_login_name(login)
    if len(password) < 12:
        raise ValidationError("Пароль оператора: щонайменше 12 символів.",
                              code="OPS_PASSWORD_WEAK")
    now = access.clock()
    with access.uow() as unit:
        taken = unit.session.scalar(select(OperatorAccountRecord.id)
                                    .where(OperatorAccountRecord.login == login))
        if taken is not None:
            raise ValidationError(f"Оператор «{login}» уже існує.", code="OPS_LOGIN_TAKEN")
        record = OperatorAccountRecord(login=login, created_at=now,
                                       password_hash=access.config.hasher.hash(password))
        unit.session.add(record)
        unit.session.flush()
        audit(unit, "ops_operator_created", at=now, login=login, detail={"by": "cli"})
        unit.commit()
        return record.id


def _invalid(code: str, message: str, status: int) -> FormInvalid:
    return FormInvalid({"": FieldProblem(code, message)}, status=status)


def _throttled(access: OpsAccess, unit: UnitOfWork, login: str, ip: str, now: datetime) -> bool:
    c = access.config
    per_login = count_recent(unit, "ops_login_failed", since=now - c.login_per_login.window,
                             login=login)
    per_ip = count_recent(unit, "ops_login_failed", since=now - c.login_per_ip.window, ip=ip)
    return per_login >= c.login_per_login.limit or per_ip >= c.login_per_ip.limit


def login_operator(access: OpsAccess, login: str, password: str, *, ip: str) -> str:
    """Check the password; a new session's secret (for the cookie) or :class:`FormInvalid`."""
    login, now = login.strip()[:64], access.clock()
    with access.uow() as unit:
        if _throttled(access, unit, login, ip, now):
            raise _invalid("RATE_LIMITED", "Забагато невдалих спроб входу. Спробуйте пізніше.",
                           429)
        record = unit.session.scalar(select(OperatorAccountRecord)
                                     .where(OperatorAccountRecord.login == login))
        if not _password_ok(access, record, password) or record is None:
            audit(unit, "ops_login_failed", at=now, ip=ip, login=login)
            unit.commit()
            raise _invalid("AUTH_INVALID", "Неправильний логін або пароль.", 401)
        token = secrets.token_urlsafe(32)
        unit.session.add(OperatorSessionRecord(
            token_hash=_digest(token), operator_id=record.id, created_at=now,
            expires_at=now + access.config.session_ttl, ip=ip[:45]))
        record.last_login_at = now
        audit(unit, "ops_login", at=now, ip=ip, login=login)
        unit.commit()
        return token


def _password_ok(access: OpsAccess, record: OperatorAccountRecord | None, password: str) -> bool:
    hasher = access.config.hasher
    if record is None or record.disabled_at is not None:
        # Spend one verification anyway: no timing oracle for which logins exist.
        _verify(hasher, hasher.hash(_DUMMY_PASSWORD), password)
        return False
    return _verify(hasher, record.password_hash, password)


def _verify(hasher: PasswordHasher, hashed: str, password: str) -> bool:
    try:
        return hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def load_operator(access: OpsAccess, token: str | None) -> Operator | None:
    """The operator behind a session secret, or None (unknown, revoked, expired, disabled)."""
    if not token:
        return None
    with access.uow() as unit:
        row = unit.session.execute(
            select(OperatorAccountRecord.id, OperatorAccountRecord.login)
            .join(OperatorSessionRecord, OperatorSessionRecord.operator_id
                  == OperatorAccountRecord.id)
            .where(OperatorSessionRecord.token_hash == _digest(token),
                   OperatorSessionRecord.revoked_at.is_(None),
                   OperatorSessionRecord.expires_at > access.clock(),
                   OperatorAccountRecord.disabled_at.is_(None))).first()
    return Operator(row.id, row.login) if row else None


def logout_operator(access: OpsAccess, operator: Operator, token: str, *, ip: str) -> None:
    """Revoke this session (a copied cookie dies with it)."""
    now = access.clock()
    with access.uow() as unit:
        unit.session.execute(update(OperatorSessionRecord)
                             .where(OperatorSessionRecord.token_hash == _digest(token))
                             .values(revoked_at=now))
        audit(unit, "ops_logout", at=now, ip=ip, login=operator.login)
        unit.commit()


def record_action(unit: UnitOfWork, operator: Operator, event: str, *, at: datetime, ip: str,
                  detail: Mapping[str, object]) -> None:
    """Audit an operator's action in the caller's unit of work."""
    audit(unit, event, at=at, ip=ip, login=operator.login,
          detail={"operator_id": operator.id, **detail})
