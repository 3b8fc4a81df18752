"""Registration by the seed's rules: each wrong field gets its own code and message beside it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from adapter.persistence.cabinet_models import UserRecord
from adapter.persistence.registry_models import ConsumerRecord
from tests.web.conftest import (
    CONTRACT,
    NAME,
    OTHER_CONTRACT,
    OTHER_POINT,
    PASSWORD,
    POINT_2,
    Browser,
    Cabinet,
)


def field_error(html: str, field: str) -> str:
    """The code of the error shown next to ``field``, checking the accessibility wiring too."""
    match = re.search(rf'<p class="error" id="{field}-error" data-code="([A-Z_]+)"', html)
    assert match, f"no error next to {field}"
    tag = re.search(rf'<input id="{field}"[^>]*>', html)
    assert tag, f"no input {field}"
    assert 'aria-invalid="true"' in tag.group(0)
    assert f"{field}-error" in tag.group(0)  # aria-describedby names the error
    assert 'role="alert"' in html  # the summary is announced
    return match.group(1)


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"terms": None}, "terms", "REG_TERMS_NOT_ACCEPTED"),
    ({"contract": "123456789"}, "contract", "REG_CONTRACT_FORMAT"),
    ({"contract": "27000001"}, "contract", "REG_CONTRACT_FORMAT"),
    ({"contract": "2700000011"}, "contract", "REG_CONTRACT_FORMAT"),
    ({"name": 'ТОВ "Джерело"'}, "name", "REG_NAME_FORMAT"),
    ({"name": "ТОВ Джерело, м. Рівне"}, "name", "REG_NAME_FORMAT"),
    ({"name": "   "}, "name", "REG_NAME_REQUIRED"),
    ({"email": "buh-at-dzherelo"}, "email", "REG_EMAIL_FORMAT"),
    ({"eic": "62Z000000000001C"}, "eic", "REG_EIC_CHECKSUM"),
    ({"eic": "62З000000000001B"}, "eic", "REG_EIC_FORMAT"),  # Cyrillic Ze instead of Z
    ({"eic": "62X0000000000012"}, "eic", "REG_EIC_FORMAT"),  # a party, not a metering point
    ({"eic": "62Z00000000001B"}, "eic", "REG_EIC_FORMAT"),
    ({"password": "short1A!", "password2": "short1A!"}, "password", "REG_PASSWORD_WEAK"),
    ({"password": "onlylowercase", "password2": "onlylowercase"}, "password",
     "REG_PASSWORD_WEAK"),
    ({"password": "Qwerty12345!", "password2": "Qwerty12345!"}, "password", "REG_PASSWORD_WEAK"),
    ({"password": "Pass270000001x", "password2": "Pass270000001x"}, "password",
     "REG_PASSWORD_WEAK"),
    ({"password2": PASSWORD + "x"}, "password2", "REG_PASSWORD_MISMATCH"),
])
def test_each_rule_has_its_code_next_to_the_field(
    browser: Browser, cabinet: Cabinet, changes: dict[str, str | None], field: str, code: str
) -> None:
    response = browser.register(**changes)  # type: ignore[arg-type]
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    if field == "terms":
        assert 'id="terms-error" data-code="REG_TERMS_NOT_ACCEPTED"' in html
        assert re.search(r'<input type="checkbox" id="terms"[^>]*aria-invalid="true"', html)
    else:
        assert field_error(html, field) == code
    assert cabinet.mails() == []
    assert 'lang="uk"' in html


def test_every_wrong_field_is_reported_at_once(browser: Browser) -> None:
    html = browser.register(terms=None, contract="1", name="ТОВ. Джерело", email="x",
                            eic="62Z", password="a", password2="b").get_data(as_text=True)
    for field, code in [("contract", "REG_CONTRACT_FORMAT"), ("name", "REG_NAME_FORMAT"),
                        ("email", "REG_EMAIL_FORMAT"), ("eic", "REG_EIC_FORMAT"),
                        ("password", "REG_PASSWORD_WEAK")]:
        assert field_error(html, field) == code
    assert "REG_TERMS_NOT_ACCEPTED" in html
    assert 'value="ТОВ. Джерело"' in html  # what was typed is kept (not the passwords)
    assert 'value="b"' not in html


@pytest.mark.parametrize("changes", [
    {"eic": OTHER_POINT},  # a real metering point of another consumer
    {"eic": "62Z0000000000045"},  # well formed, unknown
    {"name": "ТОВ Витік"},  # right contract and EIC, wrong organisation
    {"contract": "279999999"},  # unknown contract
    {"contract": OTHER_CONTRACT},  # another consumer's contract with our EIC
])
def test_registry_mismatch_gives_one_message_for_all(
    browser: Browser, cabinet: Cabinet, changes: dict[str, str]
) -> None:
    response = browser.register(**changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("contract", "name", "eic"):
        assert field_error(html, field) == "REG_REGISTRY_MISMATCH"
    assert html.count("не відповідають даним ОСР") == 4  # summary + three fields, same words
    assert [e.event for e in cabinet.audit_events()] == ["registration_failed"]
    assert cabinet.mails() == []


def test_mismatch_answers_are_identical_whichever_part_is_wrong(cabinet: Cabinet) -> None:
    pages = []
    for changes in ({"eic": OTHER_POINT}, {"name": "ТОВ Витік"}, {"contract": "279999999"}):
        html = cabinet.client().register(**changes).get_data(as_text=True)
        pages.append(re.sub(r'value="[^"]*"', "", html))
    assert pages[0] == pages[1] == pages[2]


def test_success_shows_a_message_and_mails_a_link(browser: Browser, cabinet: Cabinet) -> None:
    response = browser.register(name="тов   джерело", eic=POINT_2.lower(),
                                email=" Buh@Dzherelo.TEST ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ви успішно зареєструвались" in html
    (mail,) = cabinet.mails()
    assert mail.recipient == "buh@dzherelo.test"
    assert "Підтвердження реєстрації" in mail.subject
    assert CONTRACT in mail.text and '<a href="http://cabinet.test/confirm/' in mail.html
    # Not active yet: logging in re-sends the letter instead.
    assert browser.login().status_code == 403
    assert len(cabinet.mails()) == 2


def test_confirmation_link_is_single_use(browser: Browser, cabinet: Cabinet) -> None:
    browser.register()
    link = cabinet.last_link()
    assert browser.get(link).status_code == 200  # GET only shows the button
    assert browser.get(link).status_code == 200
    done = browser.submit(link, {})
    assert done.status_code == 200 and "Реєстрацію підтверджено" in done.get_data(as_text=True)
    again = browser.submit(link, {}, form_page="/register")
    assert again.status_code == 410 and "TOKEN_USED" in again.get_data(as_text=True)
    assert browser.get(link).status_code == 410
    assert browser.login().status_code == 302


def test_confirmation_link_expires(browser: Browser, cabinet: Cabinet) -> None:
    browser.register()
    link = cabinet.last_link()
    cabinet.clock.advance(hours=48, seconds=1)
    response = browser.submit(link, {}, form_page="/register")
    assert response.status_code == 410 and "TOKEN_EXPIRED" in response.get_data(as_text=True)
    assert browser.login().status_code == 403  # still pending; a fresh letter goes out
    assert browser.follow_mail_link().status_code == 200
    assert browser.login().status_code == 302


def test_unknown_token_is_refused(browser: Browser) -> None:
    response = browser.get("/confirm/not-a-token")
    assert response.status_code == 404 and "TOKEN_INVALID" in response.get_data(as_text=True)


def test_a_withdrawn_contract_opens_no_cabinet_and_is_not_told_apart(
    browser: Browser, cabinet: Cabinet
) -> None:
    with cabinet.ctx.uow() as unit:
        unit.session.execute(update(ConsumerRecord).values(withdrawn_at=cabinet.clock.now))
        unit.commit()

    response = browser.register()

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("contract", "name", "eic"):
        assert field_error(html, field) == "REG_REGISTRY_MISMATCH"
    assert cabinet.mails() == []


def test_already_registered_is_told_only_after_the_registry_matched(
    registered: Cabinet,
) -> None:
    browser = registered.client()
    mismatch = browser.register(eic=OTHER_POINT, email="other@dzherelo.test")
    assert "REG_REGISTRY_MISMATCH" in mismatch.get_data(as_text=True)
    again = browser.register(email="other@dzherelo.test")
    assert again.status_code == 409
    assert field_error(again.get_data(as_text=True), "contract") == "REG_ALREADY_REGISTERED"


def test_pending_registration_can_be_redone_with_a_corrected_address(cabinet: Cabinet) -> None:
    browser = cabinet.client()
    browser.register(email="typo@dzherelo.tset")
    old_link = cabinet.last_link()
    browser.register(email="buh@dzherelo.test")
    assert browser.submit(old_link, {}, form_page="/register").status_code == 410
    assert browser.follow_mail_link("buh@dzherelo.test").status_code == 200
    with cabinet.ctx.uow() as unit:
        users = [(u.email, u.status, u.role) for u in unit.session.scalars(select(UserRecord))]
    assert users == [("buh@dzherelo.test", "active", "owner")]


def test_registration_attempts_are_rate_limited_by_ip(cabinet: Cabinet) -> None:
    browser = cabinet.client(ip="198.51.100.7")
    for _ in range(10):
        assert browser.register(eic=OTHER_POINT).status_code == 400
    blocked = browser.register()
    assert blocked.status_code == 429 and "RATE_LIMITED" in blocked.get_data(as_text=True)
    assert cabinet.client(ip="198.51.100.8").register().status_code == 200


def test_registration_page_is_accessible(browser: Browser) -> None:
    html = browser.get("/register").get_data(as_text=True)
    for field in ("contract", "name", "email", "eic", "password", "password2", "terms"):
        assert f'<label for="{field}"' in html
        assert f'id="{field}"' in html
    assert "Генерувати" in html and "password.js" in html
    assert NAME in html  # the example
