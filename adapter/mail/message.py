"""An e-mail message and the one verb every mailer has: ``send``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One e-mail to one recipient, in plain text with an HTML alternative."""

    to: str
    subject: str
    text: str
    html: str


class Mailer(Protocol):
    """Something that delivers a :class:`Message` (SMTP, or the database in the demo).

    ``send`` raises :class:`adapter.errors.TransientRemoteError` (``MAIL_UNAVAILABLE``) when the
    server cannot be reached or defers, and :class:`adapter.errors.PermanentRemoteError`
    (``MAIL_REJECTED``) when it refuses the message for good.
    """

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise."""
        ...
