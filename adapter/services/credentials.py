"""Credentials of cabinet users: e-mail addresses, passwords (argon2), one-time links, sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapter.persistence.cabinet_models import (
    OneTimeTokenRecord,
    OrganisationRecord,
    SessionRecord,
    UserRecord,
)

if TYPE_CHECKING:
    pass

from adapter.services.cabinet_context import CabinetContext, password_hasher, problem

# ----- e-mail addresses and passwords ---------------------------------------------------------

_EMAIL = re.compile(r"[^@\s\"<>,;]+@[^@\s\"<>,;]+\.[^@\s\"<>,;.]{2,}")
_COMMON = frozenset({"password", "qwerty", "123456", "111111", "admin", "пароль", "йцукен",
                     "letmein", "welcome", "iloveyou", "abc123", "1q2w3e", "zaq1", "000000"})
PASSWORD_MIN = 10
PASSWORD_MAX = 128


def clean_email(raw: str) -> str:
    """An address as we store it: trimmed and lower-cased."""
    return raw.strip().lower()


def is_valid_email(email: str) -> bool:
    """A plausible mailbox (whether it is *active* is proven by the confirmation link)."""
    return len(email) <= 254 and bool(_EMAIL.fullmatch(email))


def password_problem(password: str, *, avoid: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is too weak, in Ukrainian, or None. Mirrored by static/password.js."""
    if len(password) < PASSWORD_MIN:
        return f"Пароль має містити щонайменше {PASSWORD_MIN} символів."
    if len(password) > PASSWORD_MAX:
        return f"Пароль має бути не довшим за {PASSWORD_MAX} символи."
    classes = sum(bool(re.search(p, password)) for p in (r"[a-zа-яіїєґ]", r"[A-ZА-ЯІЇЄҐ]",
                                                         r"[0-9]", r"[^0-9A-Za-zА-Яа-яІіЇїЄєҐґ]"))
    if classes < 3 and len(password) < 16:
        return ("Пароль має містити принаймні три види символів (малі й великі літери, цифри, "
                "знаки) або бути не коротшим за 16 символів.")
    lowered = password.casefold()
    if len(set(password)) < 5 or any(word in lowered for word in _COMMON) or any(
        part and len(part) >= 4 and part.casefold() in lowered for part in avoid
    ):
        return ("Пароль надто простий: не використовуйте номер договору, адресу пошти, "
                "поширені слова чи повтори символів.")
    return None


def check_new_password(password: str, repeat: str, *, avoid: tuple[str, ...] = (),
                       field_name: str = "password", prefix: str = "REG") -> None:
    """Raise :class:`FormInvalid` (``<prefix>_PASSWORD_WEAK/_MISMATCH``) for a bad new password."""
    weak = password_problem(password, avoid=avoid)
    if weak:
        raise problem(field_name, f"{prefix}_PASSWORD_WEAK", weak)
    if password != repeat:
        raise problem(f"{field_name}2", f"{prefix}_PASSWORD_MISMATCH",
                      "Паролі не збігаються: повторіть той самий пароль.")


def verify_password(ctx: CabinetContext, stored_hash: str | None, password: str) -> bool:
    """Check ``password``; without a user still spend the same time (no timing oracle)."""
    try:
        return ctx.hasher.verify(stored_hash or _dummy_hash(ctx), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash(ctx: CabinetContext) -> str:
    return _dummy_for(ctx.config.argon2_time_cost, ctx.config.argon2_memory_kib,
                      ctx.config.argon2_parallelism)


@lru_cache(maxsize=8)
def _dummy_for(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return password_hasher(time_cost, memory_kib, parallelism).hash(secrets.token_hex(16))


# ----- one-time links -------------------------------------------------------------------------

TOKEN_PURPOSES = ("confirm", "reset", "email_change", "invite")


def digest(token: str) -> str:
    """What we store of a secret token: its SHA-256 (the token itself is only in the e-mail)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, purpose: str, *, now: datetime, ttl: timedelta,
                user_id: int | None = None, organisation_id: int | None = None,
                email: str = "") -> str:
    """Create a single-use link token; earlier unused ones of the same purpose and user die."""
    if user_id is not None:
        session.execute(update(OneTimeTokenRecord).where(
            OneTimeTokenRecord.user_id == user_id, OneTimeTokenRecord.purpose == purpose,
            OneTimeTokenRecord.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    session.add(OneTimeTokenRecord(token_hash=digest(token), purpose=purpose, user_id=user_id,
                                   organisation_id=organisation_id, email=email,
                                   created_at=now, expires_at=now + ttl))
    return token


def peek_token(session: Session, token: str, purpose: str, *, now: datetime) -> OneTimeTokenRecord:
    """The live token record, or :class:`FormInvalid` (TOKEN_INVALID/USED/EXPIRED)."""
    record = session.scalar(select(OneTimeTokenRecord).where(
        OneTimeTokenRecord.token_hash == digest(token), OneTimeTokenRecord.purpose == purpose))
    if record is None:
        raise problem("", "TOKEN_INVALID", "Посилання недійсне. Перевірте, що скопіювали його "
                      "повністю.", status=404)
    if record.used_at is not None:
        raise problem("", "TOKEN_USED", "Це посилання вже використано. Посилання з листа діє "
                      "лише один раз.", status=410)
    if record.expires_at <= now:
        raise problem("", "TOKEN_EXPIRED", "Термін дії посилання минув. Запросіть новий лист.",
                      status=410)
    return record


def use_token(session: Session, token: str, purpose: str, *, now: datetime) -> OneTimeTokenRecord:
    """Consume the token exactly once, even when two requests race for it."""
    record = peek_token(session, token, purpose, now=now)
    result = session.execute(update(OneTimeTokenRecord).where(
        OneTimeTokenRecord.id == record.id, OneTimeTokenRecord.used_at.is_(None)
    ).values(used_at=now).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        raise problem("", "TOKEN_USED", "Це посилання вже використано.", status=410)
    return record


# ----- sessions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user and their organisation: what every org-scoped query filters by."""

    user_id: int
    email: str
    role: str
    organisation_id: int
    contract_number: str
    organisation_name: str
    edrpou: str
    session_hash: str

    @property
    def is_owner(self) -> bool:
        """Whether this user registered the organisation (may invite colleagues)."""
        return self.role == "owner"


def start_session(ctx: CabinetContext, session: Session, user: UserRecord, *, ip: str) -> str:
    """A new server-side session for ``user``; returns the secret the cookie carries."""
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    session.add(SessionRecord(token_hash=digest(token), user_id=user.id, created_at=now,
                              expires_at=now + ctx.config.session_ttl, ip=ip[:45]))
    return token


def load_session(ctx: CabinetContext, token: str) -> CurrentUser | None:
    """The user behind a cookie's session secret, if the session is alive."""
    with ctx.uow() as unit:
        row = unit.session.execute(
            select(SessionRecord, UserRecord, OrganisationRecord)
            .join(UserRecord, UserRecord.id == SessionRecord.user_id)
            .join(OrganisationRecord, OrganisationRecord.id == UserRecord.organisation_id)
            .where(SessionRecord.token_hash == digest(token))
        ).first()
        if row is None:
            return None
        record, user, org = row
        if record.revoked_at is not None or record.expires_at <= ctx.clock() \
                or user.status != "active":
            return None
        return CurrentUser(user.id, user.email, user.role, org.id, org.contract_number,
                           org.name, org.edrpou, record.token_hash)


def revoke_sessions(session: Session, user_id: int, *, now: datetime,
                    keep_hash: str | None = None) -> None:
    """End every live session of ``user_id`` except ``keep_hash`` (the current one)."""
    query = update(SessionRecord).where(SessionRecord.user_id == user_id,
                                        SessionRecord.revoked_at.is_(None))
    if keep_hash is not None:
        query = query.where(SessionRecord.token_hash != keep_hash)
    session.execute(query.values(revoked_at=now))
