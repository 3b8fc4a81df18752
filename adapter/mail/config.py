"""How mail leaves the cabinet, built from settings by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from adapter.errors import ConfigurationError
from adapter.mail.message import Mailer
from adapter.mail.smtp import SECURITY_MODES, SmtpMailer
from adapter.mail.stored import StoredMailer
from adapter.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class MailConfig:
    """``backend`` is ``stored`` (database + /dev/mail, the embedded default) or ``smtp``."""

    backend: str = "stored"
    sender: str = "cabinet@localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 10.0


def build_mailer(
    config: MailConfig, *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]
) -> Mailer:
    """The mailer ``config`` asks for."""
    if config.backend == "stored":
        return StoredMailer(uow, clock)
    if config.backend != "smtp":
        raise ConfigurationError(f"ADAPTER_MAIL_BACKEND: очікується smtp або stored, а не "
                                 f"{config.backend!r}.", code="CONFIG_MAIL_BACKEND")
    if config.smtp_security not in SECURITY_MODES:
        raise ConfigurationError(f"ADAPTER_SMTP_SECURITY: одне з {', '.join(SECURITY_MODES)}.",
                                 code="CONFIG_MAIL_BACKEND")
    return SmtpMailer(host=config.smtp_host, port=config.smtp_port, sender=config.sender,
                      security=config.smtp_security, username=config.smtp_username,
                      password=config.smtp_password, timeout=config.smtp_timeout)
