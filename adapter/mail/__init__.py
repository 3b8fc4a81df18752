"""Sending the cabinet's e-mail: real SMTP, or the database in the embedded demo."""

from __future__ import annotations

from adapter.mail import texts
from adapter.mail.config import MailConfig, build_mailer
from adapter.mail.message import Mailer, Message
from adapter.mail.smtp import SmtpMailer, build_email
from adapter.mail.stored import StoredMailer, stored_message, stored_messages

__all__ = [
    "MailConfig",
    "Mailer",
    "Message",
    "SmtpMailer",
    "StoredMailer",
    "build_email",
    "build_mailer",
    "stored_message",
    "stored_messages",
    "texts",
]
