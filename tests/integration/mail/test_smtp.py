"""Real SMTP: the confirmation letter reaches a loopback server and its link works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapter.errors import PermanentRemoteError, TransientRemoteError
from adapter.mail import Message, SmtpMailer
from tests.integration.mail.conftest import REFUSED, SmtpServer, free_port
from tests.web.conftest import CONTRACT, Clock, make_cabinet

SENDER = "cabinet@roe.test"


def _mailer(server: SmtpServer, security: str = "none") -> SmtpMailer:
    return SmtpMailer(host=server.host, port=server.port, sender=SENDER, security=security,
                      timeout=5, ssl_context=server.client_context)


def test_confirmation_letter_over_smtp_and_its_link_works(
    smtp_server: SmtpServer, tmp_path: Path, clock: Clock
) -> None:
    cabinet = make_cabinet(f"sqlite:///{tmp_path / 'c.sqlite3'}", clock,
                           mailer=_mailer(smtp_server))
    browser = cabinet.client()
    response = browser.register()
    assert "Ви успішно зареєструвались" in response.get_data(as_text=True)
    (message,) = smtp_server.inbox.messages
    assert smtp_server.inbox.envelopes[0].mail_from == SENDER
    assert message["To"] == "buh@dzherelo.test" and "Підтвердження" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert CONTRACT in text and 'lang="uk"' in html
    link = re.search(r"http://cabinet\.test(/confirm/\S+)", text)
    assert link is not None and link.group(0) in html
    assert browser.submit(link.group(1), {}).status_code == 200
    assert browser.login().status_code == 302
    cabinet.container.engine.dispose()


def test_starttls(starttls_server: SmtpServer) -> None:
    _mailer(starttls_server, "starttls").send(
        Message("buh@dzherelo.test", "Тема", "текст", "<p>текст</p>"))
    (message,) = starttls_server.inbox.messages
    assert message["Subject"] == "Тема"


def test_server_that_wants_tls_refuses_plain(starttls_server: SmtpServer) -> None:
    with pytest.raises(PermanentRemoteError) as caught:
        _mailer(starttls_server, "none").send(Message("a@b.test", "s", "t", "<p>t</p>"))
    assert caught.value.code == "MAIL_REJECTED"
    assert starttls_server.inbox.messages == []


def test_refused_recipient_is_permanent(smtp_server: SmtpServer) -> None:
    with pytest.raises(PermanentRemoteError) as caught:
        _mailer(smtp_server).send(Message(REFUSED, "s", "t", "<p>t</p>"))
    assert caught.value.code == "MAIL_REJECTED"


def test_no_server_is_transient() -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=free_port(), sender=SENDER, security="none",
                        timeout=2)
    with pytest.raises(TransientRemoteError) as caught:
        mailer.send(Message("a@b.test", "s", "t", "<p>t</p>"))
    assert caught.value.code == "MAIL_UNAVAILABLE"
