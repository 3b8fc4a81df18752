"""The cabinet's configuration, its services' context and the form error every use case raises."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher

from adapter.errors import ValidationError
from adapter.mail import MailConfig, Mailer
from adapter.persistence.uow import UnitOfWork
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
        return password_hasher(c.argon2_time_cost, c.argon2_memory_kib, c.argon2_parallelism)


@lru_cache(maxsize=8)
def password_hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
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
