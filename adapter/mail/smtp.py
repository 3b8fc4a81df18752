"""Real SMTP delivery with the standard library (smtplib), STARTTLS or implicit TLS."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from adapter.errors import PermanentRemoteError, TransientRemoteError
from adapter.mail.message import Message

#: How the connection is secured: none (loopback relays only), STARTTLS, or TLS from the start.
SECURITY_MODES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpMailer:
    """Sends each message over a fresh SMTP connection (a cabinet sends few mails).

    ``security`` is ``starttls`` (port 587), ``ssl`` (port 465) or ``none`` (a relay on the same
    host). Certificates are verified against the system store unless ``ssl_context`` says
    otherwise.
    """

    host: str
    port: int
    sender: str
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    ssl_context: ssl.SSLContext | None = None

    def send(self, message: Message) -> None:
        """Deliver ``message``; see :class:`adapter.mail.Mailer` for the errors."""
        email = build_email(message, self.sender)
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentRemoteError(f"Поштовий сервер відмовив адресату {message.to}.",
                                       code="MAIL_REJECTED") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentRemoteError(
                    f"Поштовий сервер відхилив лист: {exc.smtp_code}.", code="MAIL_REJECTED"
                ) from exc
            raise TransientRemoteError(f"Поштовий сервер відклав лист: {exc.smtp_code}.",
                                       code="MAIL_UNAVAILABLE") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientRemoteError(f"Поштовий сервер {self.host}:{self.port} недоступний.",
                                       code="MAIL_UNAVAILABLE") from exc

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            smtp.starttls(context=context)
        return smtp


def build_email(message: Message, sender: str) -> EmailMessage:
    """A MIME message: text/plain with a text/html alternative, UTF-8."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email
