"""Cabinet accounts: configuration, passwords, one-time links, sessions and the account use cases.

Every use case takes a :class:`CabinetContext` (built once by ``web.cabinet.register_cabinet``)
and raises :class:`FormInvalid` with a stable code per field when the input is wrong, so a view
only parses the form, calls one function and renders. Mail is sent after the commit: a mail
server that is down never rolls back an account change (the failure is audited instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapter.domain.identifiers import is_valid_contract_number
from adapter.errors import RemoteError
from adapter.mail import Message, texts
from adapter.persistence.cabinet_models import (
    OrganisationRecord,
    SessionRecord,
    UserRecord,
)
from adapter.persistence.uow import UnitOfWork
from adapter.services.audit import audit, count_recent

# Re-exported: callers import the whole account vocabulary from here.
from adapter.services.cabinet_context import (  # noqa: F401
    CabinetConfig,
    CabinetContext,
    FieldProblem,
    FormInvalid,
    RateLimit,
    RateLimits,
    cabinet_config_from_settings,
    problem,
)
from adapter.services.credentials import (  # noqa: F401
    CurrentUser,
    check_new_password,
    clean_email,
    digest,
    is_valid_email,
    issue_token,
    load_session,
    password_problem,
    peek_token,
    revoke_sessions,
    start_session,
    use_token,
    verify_password,
)


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
        if email == record.email or email_taken(unit.session, email):
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
        if email_taken(unit.session, record.email):
            raise problem("", "ACC_EMAIL_TAKEN", "Ця адреса вже використовується.", status=409)
        old, user.email = user.email, record.email
        audit(unit, "email_changed", at=now, ip=ip, user_id=user.id,
              organisation_id=user.organisation_id, login=old, detail={"new": record.email})
        unit.commit()
        return record.email


def email_taken(session: Session, email: str) -> bool:
    """Whether some account (of any organisation) already uses this e-mail."""
    return session.scalar(select(UserRecord.id).where(UserRecord.email == email)) is not None
