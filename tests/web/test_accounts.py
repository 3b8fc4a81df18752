"""Log in/out, sessions, rate limits, password reset and change, e-mail change, invitations."""

from __future__ import annotations

from sqlalchemy import select

from adapter.persistence.cabinet_models import SessionRecord
from tests.web.conftest import CONTRACT, PASSWORD, Cabinet

NEW_PASSWORD = "Novyi-Parol-2026!"


def test_login_and_logout(registered: Cabinet) -> None:
    browser = registered.client()
    assert browser.get("/cabinet").status_code == 302
    response = browser.login()
    assert response.status_code == 302 and response.headers["Location"] == "/cabinet"
    page = browser.get("/cabinet").get_data(as_text=True)
    assert 'ТОВ "Джерело"' in page or "ТОВ &#34;Джерело&#34;" in page
    assert browser.submit("/logout", {}, form_page="/cabinet").status_code == 302
    assert browser.get("/cabinet").status_code == 302
    events = [e.event for e in registered.audit_events()]
    assert events[-2:] == ["login", "logout"]


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(registered: Cabinet) -> None:
    browser = registered.client()
    assert browser.get("/account").headers["Location"].startswith("/login?next=/account")
    page = browser.client.get("/login?next=/account")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    done = browser.client.post("/login", data={"login": CONTRACT, "password": PASSWORD,
                                               "next": "/account", "csrf_token": token})
    assert done.headers["Location"] == "/account"
    other = registered.client()
    page = other.client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    evil = other.client.post("/login", data={"login": CONTRACT, "password": PASSWORD,
                                             "next": "//evil.example/x", "csrf_token": token})
    assert evil.headers["Location"] == "/cabinet"


def test_wrong_password_says_only_login_or_password(registered: Cabinet) -> None:
    browser = registered.client()
    wrong = browser.login(password="Wrong-Password-1")
    unknown = browser.login(login="279999999", password="Wrong-Password-1")
    for response in (wrong, unknown):
        assert response.status_code == 401
        html = response.get_data(as_text=True)
        assert "Невірний логін або пароль." in html and 'data-code="AUTH_INVALID"' in html
    failures = [e for e in registered.audit_events() if e.event == "login_failed"]
    assert [(e.login, e.ip) for e in failures] == [(CONTRACT, "192.0.2.10"),
                                                   ("279999999", "192.0.2.10")]


def test_failed_logins_are_limited_per_login(registered: Cabinet) -> None:
    for n in range(5):
        assert registered.client(ip=f"203.0.113.{n}").login(password="Bad-Pass-123").status_code \
            == 401
    blocked = registered.client(ip="203.0.113.99").login()  # even the right password waits
    assert blocked.status_code == 429 and "RATE_LIMITED" in blocked.get_data(as_text=True)
    registered.clock.advance(minutes=15, seconds=1)
    assert registered.client().login().status_code == 302


def test_failed_logins_are_limited_per_ip(registered: Cabinet) -> None:
    browser = registered.client(ip="203.0.113.50")
    for n in range(20):
        assert browser.login(login=f"27000{n:04d}", password="Bad-Pass-123").status_code == 401
    assert browser.login().status_code == 429
    assert registered.client(ip="203.0.113.51").login().status_code == 302


def test_logout_kills_a_copied_cookie(registered: Cabinet) -> None:
    browser = registered.client()
    browser.login()
    thief = registered.client()
    cookie = browser.client.get_cookie("cabinet_session")
    assert cookie is not None
    thief.client.set_cookie("cabinet_session", cookie.value)
    assert thief.get("/cabinet").status_code == 200
    browser.submit("/logout", {}, form_page="/cabinet")
    assert thief.get("/cabinet").status_code == 302


def test_sessions_expire(registered: Cabinet) -> None:
    browser = registered.client()
    browser.login()
    registered.clock.advance(hours=12, seconds=1)
    assert browser.get("/cabinet").status_code == 302


def test_change_password_ends_other_sessions(registered: Cabinet) -> None:
    here, elsewhere = registered.client(), registered.client(ip="192.0.2.20")
    here.login()
    elsewhere.login()
    wrong = here.submit("/account/password", {"current": "nope", "password": NEW_PASSWORD,
                                              "password2": NEW_PASSWORD}, form_page="/account")
    assert 'id="current-error" data-code="ACC_PASSWORD_WRONG"' in wrong.get_data(as_text=True)
    weak = here.submit("/account/password", {"current": PASSWORD, "password": "abc",
                                             "password2": "abc"}, form_page="/account")
    assert 'data-code="ACC_PASSWORD_WEAK"' in weak.get_data(as_text=True)
    done = here.submit("/account/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                             "password2": NEW_PASSWORD}, form_page="/account")
    assert done.status_code == 302
    assert here.get("/cabinet").status_code == 200
    assert elsewhere.get("/cabinet").status_code == 302
    assert registered.client().login().status_code == 401
    assert registered.client().login(password=NEW_PASSWORD).status_code == 302
    assert "password_changed" in [e.event for e in registered.audit_events()]


def test_logout_everywhere(registered: Cabinet) -> None:
    one, two = registered.client(), registered.client()
    one.login()
    two.login()
    one.submit("/logout", {"everywhere": "1"}, form_page="/account")
    assert one.get("/cabinet").status_code == 302
    assert two.get("/cabinet").status_code == 302
    with registered.ctx.uow() as unit:
        sessions = list(unit.session.scalars(select(SessionRecord)))
        assert sessions and all(s.revoked_at is not None for s in sessions)


def test_reset_answers_the_same_whether_or_not_the_account_exists(registered: Cabinet) -> None:
    before = len(registered.mails())
    known = registered.client().submit("/forgot", {"login": CONTRACT})
    unknown = registered.client().submit("/forgot", {"login": "279999999"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert len(registered.mails()) == before + 1
    assert "Відновлення пароля" in registered.mails()[-1].subject


def test_reset_link_is_single_use_and_ends_sessions(registered: Cabinet) -> None:
    old = registered.client()
    old.login()
    browser = registered.client()
    browser.submit("/forgot", {"login": "buh@dzherelo.test"})
    link = registered.last_link()
    mismatch = browser.submit(link, {"password": NEW_PASSWORD, "password2": "other"})
    assert 'id="password2-error" data-code="ACC_PASSWORD_MISMATCH"' in \
        mismatch.get_data(as_text=True)
    done = browser.submit(link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 200 and "Пароль змінено" in done.get_data(as_text=True)
    again = browser.submit(link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
                           form_page="/forgot")
    assert again.status_code == 410
    assert old.get("/cabinet").status_code == 302
    assert registered.client().login(password=NEW_PASSWORD).status_code == 302


def test_reset_link_expires_and_a_newer_one_replaces_it(registered: Cabinet) -> None:
    browser = registered.client()
    browser.submit("/forgot", {"login": CONTRACT})
    first = registered.last_link()
    browser.submit("/forgot", {"login": CONTRACT})
    second = registered.last_link()
    assert browser.get(first).status_code == 410  # superseded
    registered.clock.advance(hours=1, seconds=1)
    assert "TOKEN_EXPIRED" in browser.get(second).get_data(as_text=True)


def test_reset_requests_are_rate_limited(registered: Cabinet) -> None:
    for _ in range(3):
        assert registered.client().submit("/forgot", {"login": CONTRACT}).status_code == 200
    assert registered.client().submit("/forgot", {"login": CONTRACT}).status_code == 429
    assert len([m for m in registered.mails() if "Відновлення" in m.subject]) == 3


def test_change_email_is_confirmed_by_the_new_address(registered: Cabinet) -> None:
    browser = registered.client()
    browser.login()
    wrong = browser.submit("/account/email", {"email": "new@dzherelo.test", "password": "x"},
                           form_page="/account")
    assert 'id="email-password-error" data-code="ACC_PASSWORD_WRONG"' in \
        wrong.get_data(as_text=True)
    browser.submit("/account/email", {"email": "New@Dzherelo.test", "password": PASSWORD},
                   form_page="/account")
    notices = [m.recipient for m in registered.mails()[-2:]]
    assert notices == ["new@dzherelo.test", "buh@dzherelo.test"]
    assert registered.client().login(login="new@dzherelo.test").status_code == 401
    assert browser.follow_mail_link("new@dzherelo.test").status_code == 200
    assert registered.client().login(login="new@dzherelo.test").status_code == 302
    assert registered.client().login(login="buh@dzherelo.test").status_code == 401


def test_invited_colleague_joins_the_same_organisation(registered: Cabinet) -> None:
    owner = registered.client()
    owner.login()
    bad = owner.submit("/account/invite", {"email": "nope"}, form_page="/account")
    assert 'id="invite-email-error" data-code="ACC_EMAIL_FORMAT"' in bad.get_data(as_text=True)
    taken = owner.submit("/account/invite", {"email": "buh@dzherelo.test"}, form_page="/account")
    assert 'data-code="ACC_EMAIL_TAKEN"' in taken.get_data(as_text=True)
    assert owner.submit("/account/invite", {"email": "kolega@dzherelo.test"},
                        form_page="/account").status_code == 302
    colleague = registered.client(ip="192.0.2.30")
    link = registered.last_link("kolega@dzherelo.test")
    page = colleague.get(link).get_data(as_text=True)
    assert "kolega@dzherelo.test" in page and "Генерувати" in page
    assert colleague.submit(link, {"password": NEW_PASSWORD,
                                   "password2": NEW_PASSWORD}).status_code == 200
    assert colleague.login(login="kolega@dzherelo.test", password=NEW_PASSWORD).status_code == 302
    dashboard = colleague.get("/cabinet").get_data(as_text=True)
    assert CONTRACT in dashboard
    team = colleague.get("/account").get_data(as_text=True)
    assert "buh@dzherelo.test" in team and "Запросити колегу" not in team
    refused = colleague.submit("/account/invite", {"email": "x@dzherelo.test"},
                               form_page="/account")
    assert refused.status_code == 403 and "ACC_NOT_OWNER" in refused.get_data(as_text=True)
    assert colleague.submit(link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
                            form_page="/forgot").status_code == 410
    events = [e.event for e in registered.audit_events()]
    assert "invitation_sent" in events and "invitation_accepted" in events


def test_audit_rows_record_who_what_when_where(registered: Cabinet) -> None:
    registered.client(ip="192.0.2.77").login()
    row = [e for e in registered.audit_events() if e.event == "login"][-1]
    assert (row.ip, row.login, row.at) == ("192.0.2.77", CONTRACT, registered.clock())
    assert row.user_id is not None and row.organisation_id is not None
