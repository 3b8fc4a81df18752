"""Public pages, the feedback form, the demo mailbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adapter.errors import TransientRemoteError
from adapter.mail import Message
from adapter.persistence.cabinet_models import FeedbackRecord
from tests.web.conftest import CONTRACT, Browser, Cabinet, Clock, make_cabinet


@pytest.mark.parametrize(("path", "text"), [
    ("/", "Ваш персональний центр обслуговування"),
    ("/how-to-register", "Повторіть пароль і натисніть «Зареєструватись»"),
    ("/instructions", "Інструкція використання сервісу"),
    ("/terms", "Умови використання"),
    ("/kep", "кваліфікований електронний підпис"),
    ("/feedback", "Форма зворотного зв'язку"),
])
def test_public_pages(browser: Browser, path: str, text: str) -> None:
    response = browser.get(path)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)


def test_feedback_is_stored_and_mailed_to_the_dso(browser: Browser, cabinet: Cabinet) -> None:
    form = {"name": "Олена", "email": "olena@dzherelo.test", "contract": CONTRACT,
            "subject": "Рахунок", "message": "Не бачу рахунку <b>за березень</b>."}
    response = browser.submit("/feedback", form)
    assert response.status_code == 200 and "№1" in response.get_data(as_text=True)
    (mail,) = cabinet.mails()
    assert mail.recipient == "feedback@dso.test"
    assert "<b>за березень</b>" in mail.text and "&lt;b&gt;за березень" in mail.html
    with cabinet.ctx.uow() as unit:
        record = unit.session.scalars(select(FeedbackRecord)).one()
        assert (record.subject, record.mailed, record.ip) == ("Рахунок", True, "192.0.2.10")


def test_feedback_errors_sit_next_to_their_fields(browser: Browser, cabinet: Cabinet) -> None:
    response = browser.submit("/feedback", {"name": "", "email": "x", "contract": "12",
                                            "subject": "", "message": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field, code in [("name", "FB_NAME_REQUIRED"), ("email", "FB_EMAIL_FORMAT"),
                        ("contract", "FB_CONTRACT_FORMAT"), ("subject", "FB_SUBJECT_REQUIRED"),
                        ("message", "FB_MESSAGE_REQUIRED")]:
        assert f'id="{field}-error" data-code="{code}"' in html
    assert cabinet.mails() == []


class DownMailer:
    """An SMTP server that is not there."""

    def send(self, message: Message) -> None:
        raise TransientRemoteError("down", code="MAIL_UNAVAILABLE")


def test_a_mail_server_outage_keeps_the_registration(tmp_path: Path, clock: Clock) -> None:
    made = make_cabinet(f"sqlite:///{tmp_path / 'a.sqlite3'}", clock, mailer=DownMailer())
    response = made.client().register()
    assert response.status_code == 200 and "MAIL_UNAVAILABLE" in response.get_data(as_text=True)
    failed = [e for e in made.audit_events() if e.event == "mail_failed"]
    assert failed and "MAIL_UNAVAILABLE" in failed[0].detail
    made.container.engine.dispose()


def test_dev_mailbox_lists_letters_with_clickable_links(registered: Cabinet) -> None:
    browser = registered.client()
    inbox = browser.get("/dev/mail").get_data(as_text=True)
    assert "Підтвердження реєстрації" in inbox
    page = browser.get("/dev/mail/1").get_data(as_text=True)
    assert '<a href="http://cabinet.test/confirm/' in page


def test_dev_mailbox_is_absent_unless_enabled(tmp_path: Path, clock: Clock) -> None:
    made = make_cabinet(f"sqlite:///{tmp_path / 'a.sqlite3'}", clock, dev_mail=False)
    assert made.app.test_client().get("/dev/mail").status_code == 404
    made.container.engine.dispose()
