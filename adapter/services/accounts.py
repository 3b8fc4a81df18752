"""Cabinet accounts: configuration, passwords, one-time links, sessions and the account use cases.

Every use case takes a :class:`CabinetContext` (built once by ``web.cabinet.register_cabinet``)
and raises :class:`FormInvalid` with a stable code per field when the input is wrong, so a view
only parses the form, calls one function and renders. Mail is sent after the commit: a mail
server that is down never rolls back an account change (the failure is audited instead).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapter.domain.identifiers import is_valid_contract_number
from adapter.errors import RemoteError, ValidationError
from adapter.mail import MailConfig, Mailer, Message, texts
from adapter.persistence.cabinet_models import (
    OneTimeTokenRecord,
    OrganisationRecord,
    SessionRecord,
    UserRecord,
)
from adapter.persistence.uow import UnitOfWork
from adapter.services.audit import audit, count_recent
from adapter.settings import Settings

if TYPE_CHECKING:
    from adapter.services.registration import RegistryLookup

# ----- configuration --------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` events per ``window`` (counted in the audit log)."""

    limit: int
    window: timedelta


@dataclass(frozen=True)
class RateLimits:
    """Throttles keyed both by client IP and by the login tried (see docs/cabinet.md)."""

    login_per_login: RateLimit = RateLimit(5, timedelta(minutes=15))
    login_per_ip: RateLimit = RateLimit(20, timedelta(minutes=15))
    reset_per_login: RateLimit = RateLimit(3, timedelta(hours=1))
    reset_per_ip: RateLimit = RateLimit(10, timedelta(hours=1))
    register_per_ip: RateLimit = RateLimit(10, timedelta(hours=1))
    feedback_per_ip: RateLimit = RateLimit(5, timedelta(hours=1))


@dataclass(frozen=True)
class CabinetConfig:
    """Everything the cabinet is told, built from ``Settings`` by the composition root."""

    public_url: str = "http://127.0.0.1:8000"
    cookie_secure: bool = True
    dso_feedback_email: str = "feedback@localhost"
    dev_mail: bool = False
    mail: MailConfig = field(default_factory=MailConfig)
    confirm_ttl: timedelta = timedelta(hours=48)
    reset_ttl: timedelta = timedelta(hours=1)
    invite_ttl: timedelta = timedelta(days=7)
    email_change_ttl: timedelta = timedelta(hours=24)
    session_ttl: timedelta = timedelta(hours=12)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4


@dataclass(frozen=True)
class CabinetContext:
    """The cabinet services' collaborators. ``links(purpose, token)`` makes an absolute URL."""

    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    mailer: Mailer
    registry: RegistryLookup
    config: CabinetConfig
    links: Callable[[str, str], str]

    @property
    def hasher(self) -> PasswordHasher:
        """The argon2 hasher with the configured cost."""
        c = self.config
        return _hasher(c.argon2_time_cost, c.argon2_memory_kib, c.argon2_parallelism)


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def cabinet_config_from_settings(settings: Settings) -> CabinetConfig:
    """Build the cabinet's config from ``Settings`` (fields listed in docs/cabinet.md)."""
    return CabinetConfig(
        public_url=settings.public_url,
        cookie_secure=settings.cookie_secure,
        dso_feedback_email=settings.dso_feedback_email,
        dev_mail=settings.dev_mail,
        mail=MailConfig(
            backend=settings.mail_backend,
            sender=settings.mail_from,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_security=settings.smtp_security,
            smtp_username=settings.smtp_username,
            smtp_password=settings.smtp_password,
            smtp_timeout=settings.smtp_timeout,
        ),
    )


# ----- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: a stable code and a message in Ukrainian."""

    code: str
    message: str


class FormInvalid(ValidationError):
    """Форму заповнено з помилками."""

    code = "FORM_INVALID"

    def __init__(self, problems: Mapping[str, FieldProblem], *, status: int = 400) -> None:
        # Key "" is a problem of the whole form (shown in the summary only).
        self.problems = dict(problems)
        self.status = status
        first = next(iter(self.problems.values()))
        super().__init__(first.message, code=first.code)

    @property
    def codes(self) -> set[str]:
        """Every code in this error (tests and logs)."""
        return {problem.code for problem in self.problems.values()}


def problem(field_name: str, code: str, message: str, *, status: int = 400) -> FormInvalid:
    """A :class:`FormInvalid` with one problem."""
    return FormInvalid({field_name: FieldProblem(code, message)}, status=status)


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
    return _hasher(time_cost, memory_kib, parallelism).hash(secrets.token_hex(16))


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


# ----- helpers shared by the use cases --------------------------------------------------------


def send_mail(ctx: CabinetContext, message: Message, *, ip: str = "", login: str = "") -> bool:
    """Send after the commit; a failure is audited (``mail_failed``) and reported as False."""
    try:
        ctx.mailer.send(message)
    except RemoteError as exc:
        with ctx.uow() as unit:
            audit(unit, "mail_failed", at=ctx.clock(), ip=ip, login=login,
                  detail={"to": message.to, "code": exc.code})
            unit.commit()
        return False
    return True


def check_rate(session: Session, ctx: CabinetContext, event: str, limit: RateLimit, *,
               ip: str | None = None, login: str | None = None) -> None:
    """Raise ``RATE_LIMITED`` (HTTP 429) when ``event`` happened ``limit`` times in its window."""
    since = ctx.clock() - limit.window
    if count_recent(session, event, since=since, ip=ip, login=login) >= limit.limit:
        minutes = int(limit.window.total_seconds() // 60)
        raise problem("", "RATE_LIMITED", f"Забагато спроб. Спробуйте знову через {minutes} хв.",
                      status=429)


def find_user_by_login(session: Session, login: str) -> UserRecord | None:
    """The owner for a contract number, or the user with that e-mail."""
    if is_valid_contract_number(login):
        return session.scalar(select(UserRecord).join(OrganisationRecord).where(
            OrganisationRecord.contract_number == login, UserRecord.role == "owner"))
    if "@" in login:
        return session.scalar(select(UserRecord).where(UserRecord.email == clean_email(login)))
    return None


def normalise_login(raw: str) -> str:
    """A login as typed -> the key we look it up and rate-limit by."""
    login = raw.strip()
    return clean_email(login) if "@" in login else login


# ----- use cases: log in, log out ---------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the cookie's session secret and who logged in."""

    session_token: str
    user_id: int
    organisation_id: int


def login(ctx: CabinetContext, raw_login: str, password: str, *, ip: str) -> LoginResult:
    """Log in with a contract number (the owner) or an e-mail (any user) and a password.

    Failures say only "wrong login or password" and are counted per login and per IP; an
    unconfirmed account with the right password gets a fresh confirmation letter.
    """
    key = normalise_login(raw_login)
    limits = ctx.config.rate_limits
    now = ctx.clock()
    with ctx.uow() as unit:
        check_rate(unit.session, ctx, "login_failed", limits.login_per_ip, ip=ip)
        check_rate(unit.session, ctx, "login_failed", limits.login_per_login, login=key)
        found = find_user_by_login(unit.session, key) if key else None
        user_id, stored = (found.id, found.password_hash) if found else (None, None)
    # Verified outside any transaction: argon2 takes ~0.1 s and SQLite would hold its write lock.
    correct = verify_password(ctx, stored, password)
    with ctx.uow() as unit:
        user = unit.session.get(UserRecord, user_id) if correct and user_id else None
        if user is None or user.password_hash != stored:
            audit(unit, "login_failed", at=now, ip=ip, login=key)
            unit.commit()
            wrong = FieldProblem("AUTH_INVALID", "Невірний логін або пароль.")
            raise FormInvalid({"login": wrong, "password": wrong}, status=401)
        if user.status != "active":
            _resend_confirmation(ctx, unit, user, ip=ip)
            raise problem("", "AUTH_NOT_CONFIRMED", "Обліковий запис ще не підтверджено. Ми "
                          "надіслали новий лист з посиланням для підтвердження.", status=403)
        if ctx.hasher.check_needs_rehash(user.password_hash):
            user.password_hash = ctx.hasher.hash(password)
        token = start_session(ctx, unit.session, user, ip=ip)
        audit(unit, "login", at=now, ip=ip, login=key, user_id=user.id,
              organisation_id=user.organisation_id)
        unit.commit()
        return LoginResult(token, user.id, user.organisation_id)


def _resend_confirmation(ctx: CabinetContext, unit: UnitOfWork, user: UserRecord, *,
                         ip: str) -> None:
    org = user.organisation
    token = issue_token(unit.session, "confirm", now=ctx.clock(), ttl=ctx.config.confirm_ttl,
                        user_id=user.id, organisation_id=org.id, email=user.email)
    unit.commit()
    hours = int(ctx.config.confirm_ttl.total_seconds() // 3600)
    send_mail(ctx, texts.confirmation(user.email, organisation=org.name,
                                      contract=org.contract_number,
                                      link=ctx.links("confirm", token), hours=hours),
              ip=ip, login=org.contract_number)


def logout(ctx: CabinetContext, user: CurrentUser, *, ip: str, everywhere: bool = False) -> None:
    """End this session (or every session of the user)."""
    now = ctx.clock()
    with ctx.uow() as unit:
        if everywhere:
            revoke_sessions(unit.session, user.user_id, now=now)
        else:
            unit.session.execute(update(SessionRecord).where(
                SessionRecord.token_hash == user.session_hash).values(revoked_at=now))
        audit(unit, "logout_everywhere" if everywhere else "logout", at=now, ip=ip,
              user_id=user.user_id, organisation_id=user.organisation_id, login=user.email)
        unit.commit()


# ----- use cases: passwords -------------------------------------------------------------------


def change_password(ctx: CabinetContext, user: CurrentUser, current: str, new: str, repeat: str,
                    *, ip: str) -> None:
    """Change the password; every other session of the user ends."""
    now = ctx.clock()
    with ctx.uow() as unit:
        record = unit.session.get(UserRecord, user.user_id)
        if record is None or not verify_password(ctx, record.password_hash, current):
            raise problem("current", "ACC_PASSWORD_WRONG", "Поточний пароль невірний.")
        check_new_password(new, repeat, avoid=(user.contract_number, user.email.split("@")[0]),
                           prefix="ACC")
        record.password_hash = ctx.hasher.hash(new)
        record.password_changed_at = now
        revoke_sessions(unit.session, user.user_id, now=now, keep_hash=user.session_hash)
        audit(unit, "password_changed", at=now, ip=ip, user_id=user.user_id,
              organisation_id=user.organisation_id, login=user.email)
        unit.commit()


def request_password_reset(ctx: CabinetContext, raw_login: str, *, ip: str) -> None:
    """Mail a reset link if the login exists; the caller shows the same answer either way."""
    key = normalise_login(raw_login)
    limits = ctx.config.rate_limits
    now = ctx.clock()
    with ctx.uow() as unit:
        check_rate(unit.session, ctx, "password_reset_requested", limits.reset_per_ip, ip=ip)
        check_rate(unit.session, ctx, "password_reset_requested", limits.reset_per_login,
                   login=key)
        user = find_user_by_login(unit.session, key) if key else None
        audit(unit, "password_reset_requested", at=now, ip=ip, login=key,
              user_id=user.id if user else None,
              organisation_id=user.organisation_id if user else None)
        token = None
        if user is not None:
            token = issue_token(unit.session, "reset", now=now, ttl=ctx.config.reset_ttl,
                                user_id=user.id, email=user.email)
            email = user.email
        unit.commit()
    if token is not None:
        minutes = int(ctx.config.reset_ttl.total_seconds() // 60)
        send_mail(ctx, texts.password_reset(email, link=ctx.links("reset", token),
                                            minutes=minutes), ip=ip, login=key)


def check_token(ctx: CabinetContext, token: str, purpose: str) -> str:
    """Validate a link before showing its form; returns the address it was sent to."""
    with ctx.uow() as unit:
        return peek_token(unit.session, token, purpose, now=ctx.clock()).email


def reset_password(ctx: CabinetContext, token: str, new: str, repeat: str, *, ip: str) -> None:
    """Set a new password from a reset link; ends every session (the old password may be known)."""
    now = ctx.clock()
    with ctx.uow() as unit:
        record = peek_token(unit.session, token, "reset", now=now)
        user = unit.session.get(UserRecord, record.user_id)
        assert user is not None  # tokens reference users by foreign key
        check_new_password(new, repeat, avoid=(user.organisation.contract_number,
                                               user.email.split("@")[0]), prefix="ACC")
        use_token(unit.session, token, "reset", now=now)
        user.password_hash = ctx.hasher.hash(new)
        user.password_changed_at = now
        if user.status != "active":  # the link proved the mailbox: that confirms the account
            user.status, user.confirmed_at = "active", now
        revoke_sessions(unit.session, user.id, now=now)
        audit(unit, "password_reset", at=now, ip=ip, user_id=user.id,
              organisation_id=user.organisation_id, login=user.email)
        unit.commit()


# ----- use cases: e-mail address ----------------------------------------------------------------


def request_email_change(ctx: CabinetContext, user: CurrentUser, new_email: str, password: str,
                         *, ip: str) -> None:
    """Send a confirmation link to the new address (and a notice to the old one)."""
    email = clean_email(new_email)
    if not is_valid_email(email):
        raise problem("email", "ACC_EMAIL_FORMAT", "Вкажіть адресу електронної пошти, "
                      "наприклад buh@dzherelo.ua.")
    now = ctx.clock()
    with ctx.uow() as unit:
        record = unit.session.get(UserRecord, user.user_id)
        if record is None or not verify_password(ctx, record.password_hash, password):
            raise problem("password", "ACC_PASSWORD_WRONG", "Поточний пароль невірний.")
        if email == record.email or _email_taken(unit.session, email):
            raise problem("email", "ACC_EMAIL_TAKEN", "Ця адреса вже використовується.")
        token = issue_token(unit.session, "email_change", now=now,
                            ttl=ctx.config.email_change_ttl, user_id=user.user_id, email=email)
        audit(unit, "email_change_requested", at=now, ip=ip, user_id=user.user_id,
              organisation_id=user.organisation_id, login=user.email, detail={"new": email})
        unit.commit()
    hours = int(ctx.config.email_change_ttl.total_seconds() // 3600)
    send_mail(ctx, texts.email_change(email, link=ctx.links("email_change", token), hours=hours),
              ip=ip, login=user.email)
    send_mail(ctx, texts.email_change_notice(user.email, new_email=email), ip=ip,
              login=user.email)


def confirm_email_change(ctx: CabinetContext, token: str, *, ip: str) -> str:
    """Apply a confirmed address change; returns the new address."""
    now = ctx.clock()
    with ctx.uow() as unit:
        record = use_token(unit.session, token, "email_change", now=now)
        user = unit.session.get(UserRecord, record.user_id)
        assert user is not None
        if _email_taken(unit.session, record.email):
            raise problem("", "ACC_EMAIL_TAKEN", "Ця адреса вже використовується.", status=409)
        old, user.email = user.email, record.email
        audit(unit, "email_changed", at=now, ip=ip, user_id=user.id,
              organisation_id=user.organisation_id, login=old, detail={"new": record.email})
        unit.commit()
        return record.email


def _email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(UserRecord.id).where(UserRecord.email == email)) is not None


# ----- use cases: colleagues --------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A user of the organisation, as the team page lists them."""

    email: str
    role: str
    status: str
    created_at: datetime


def organisation_members(ctx: CabinetContext, user: CurrentUser) -> list[Member]:
    """The users of the current user's organisation (and of no other)."""
    with ctx.uow() as unit:
        rows = unit.session.scalars(select(UserRecord).where(
            UserRecord.organisation_id == user.organisation_id).order_by(UserRecord.id))
        return [Member(r.email, r.role, r.status, r.created_at) for r in rows]


def invite(ctx: CabinetContext, user: CurrentUser, raw_email: str, *, ip: str) -> None:
    """The owner invites a colleague of the same organisation by e-mail."""
    if not user.is_owner:
        raise problem("", "ACC_NOT_OWNER", "Запрошувати колег може лише власник облікового "
                      "запису організації.", status=403)
    email = clean_email(raw_email)
    if not is_valid_email(email):
        raise problem("email", "ACC_EMAIL_FORMAT", "Вкажіть адресу електронної пошти колеги.")
    now = ctx.clock()
    with ctx.uow() as unit:
        if _email_taken(unit.session, email):
            raise problem("email", "ACC_EMAIL_TAKEN", "Ця адреса вже має обліковий запис.")
        token = issue_token(unit.session, "invite", now=now, ttl=ctx.config.invite_ttl,
                            organisation_id=user.organisation_id, email=email)
        audit(unit, "invitation_sent", at=now, ip=ip, user_id=user.user_id,
              organisation_id=user.organisation_id, login=user.email, detail={"to": email})
        unit.commit()
    hours = int(ctx.config.invite_ttl.total_seconds() // 3600)
    send_mail(ctx, texts.invitation(email, organisation=user.organisation_name,
                                    contract=user.contract_number, inviter=user.email,
                                    link=ctx.links("invite", token), hours=hours),
              ip=ip, login=user.email)


def accept_invitation(ctx: CabinetContext, token: str, password: str, repeat: str, *,
                      ip: str) -> str:
    """The colleague sets a password; the account is active at once. Returns their e-mail."""
    now = ctx.clock()
    with ctx.uow() as unit:
        record = peek_token(unit.session, token, "invite", now=now)
        org = unit.session.get(OrganisationRecord, record.organisation_id)
        assert org is not None
        check_new_password(password, repeat, avoid=(org.contract_number,
                                                    record.email.split("@")[0]), prefix="ACC")
        use_token(unit.session, token, "invite", now=now)
        if _email_taken(unit.session, record.email):
            raise problem("", "ACC_EMAIL_TAKEN", "Ця адреса вже має обліковий запис.", status=409)
        user = UserRecord(organisation_id=org.id, email=record.email, role="member",
                          status="active", password_hash=ctx.hasher.hash(password),
                          created_at=now, confirmed_at=now)
        unit.session.add(user)
        unit.session.flush()
        audit(unit, "invitation_accepted", at=now, ip=ip, user_id=user.id,
              organisation_id=org.id, login=record.email)
        unit.commit()
        return record.email
