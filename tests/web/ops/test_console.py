"""The operator console: separate accounts, search, timelines, dead letters, trust, rejections."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from adapter.persistence.outbox_models import OutboxEventRecord, OutboxMessageRecord
from adapter.persistence.registry_models import ConsumerRecord
from tests.web.conftest import CONTRACT, POINT_1, Cabinet
from tests.web.ops.conftest import (
    INBOUND_MRID,
    OPERATOR,
    OTHER_MRID,
    READINGS_MRID,
    SUPPLIER_EIC,
    Console,
    Seeded,
)

PAGES = ("/ops", "/ops/messages", "/ops/messages?kind=outbound", "/ops/dead-letters",
         "/ops/rejections", "/ops/registry", "/ops/trust", "/ops/feedback", "/ops/audit",
         "/ops/inbound/1", "/ops/outbound/1", "/ops/readings/1")


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_a_consumer_session_reaches_no_console_page(console: Console) -> None:
    cabinet = Cabinet(console.app, console.ctx, console.clock, console.container)
    browser = console.client()
    assert browser.register().status_code == 200
    assert browser.follow_mail_link().status_code == 200
    assert browser.login().status_code == 302
    assert browser.get("/account").status_code == 200  # the consumer is logged in
    for path in PAGES:
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/ops/login"), path
    # Nor may a consumer act: the POSTs go to the login page as well, nothing is replayed.
    page = browser.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', _text(page))
    assert token
    response = browser.client.post("/ops/dead-letters/replay",
                                   data={"all": "1", "csrf_token": token.group(1)})
    assert response.status_code == 302
    assert not [e for e in cabinet.audit_events() if e.event.startswith("ops_replay")]
    # And the consumer's password is not an operator's.
    refused = browser.submit("/ops/login", {"login": CONTRACT, "password": "Sonyachna-Bat4reya"})
    assert refused.status_code == 401


def test_operator_logs_in_and_out_and_it_is_audited(console: Console) -> None:
    browser = console.operator()
    assert "ops_session" in {c.key for c in browser.client._cookies.values()}
    assert browser.get("/ops").status_code == 200
    page = browser.get("/ops")
    assert "Консоль оператора" in _text(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', _text(page))
    assert token
    assert browser.client.post("/ops/logout", data={"csrf_token": token.group(1)}
                               ).status_code == 302
    assert browser.get("/ops").status_code == 302
    events = [(e.event, e.login) for e in console.audit_events()]
    assert ("ops_login", OPERATOR) in events and ("ops_logout", OPERATOR) in events


def test_a_copied_cookie_dies_with_logout(console: Console) -> None:
    browser = console.operator()
    cookie = browser.client.get_cookie("ops_session", path="/ops")
    assert cookie is not None
    thief = console.client("203.0.113.9")
    thief.client.set_cookie("ops_session", cookie.value, path="/ops")
    assert thief.get("/ops").status_code == 200
    page = browser.get("/ops")
    token = re.search(r'name="csrf_token" value="([^"]+)"', _text(page))
    assert token
    browser.client.post("/ops/logout", data={"csrf_token": token.group(1)})
    assert thief.get("/ops").status_code == 302


def test_login_without_csrf_token_is_refused(console: Console) -> None:
    response = console.client().client.post("/ops/login", data={
        "login": OPERATOR, "password": "Operator-Pass-2026"})
    assert response.status_code == 400
    assert "CSRF_INVALID" in _text(response)


def test_operator_login_is_rate_limited(console: Console) -> None:
    browser = console.client()
    for _ in range(5):
        wrong = browser.submit("/ops/login", {"login": OPERATOR, "password": "nope-nope-nope"})
        assert wrong.status_code == 401
        assert "AUTH_INVALID" in _text(wrong)
    blocked = browser.submit("/ops/login", {"login": OPERATOR, "password": "Operator-Pass-2026"})
    assert blocked.status_code == 429
    assert "RATE_LIMITED" in _text(blocked)
    console.clock.advance(minutes=16)
    assert browser.submit("/ops/login", {"login": OPERATOR, "password": "Operator-Pass-2026"}
                          ).status_code == 302


@pytest.mark.parametrize(("query", "found", "absent"), [
    ("kind=inbound&mrid=" + INBOUND_MRID, INBOUND_MRID, None),
    ("kind=inbound&contract=" + CONTRACT, INBOUND_MRID, None),
    ("kind=inbound&eic=" + SUPPLIER_EIC.lower(), INBOUND_MRID, None),
    ("kind=readings&contract=" + CONTRACT, READINGS_MRID, OTHER_MRID),
    ("kind=readings&eic=" + POINT_1, READINGS_MRID, OTHER_MRID),
    ("kind=readings&mrid=" + OTHER_MRID, OTHER_MRID, READINGS_MRID),
    ("kind=outbound&contract=" + CONTRACT, READINGS_MRID, None),
    ("kind=outbound&eic=" + SUPPLIER_EIC, READINGS_MRID, None),
    ("kind=readings&since=2026-03-02&until=2026-03-02", READINGS_MRID, None),
])
def test_search_finds_by_mrid_eic_contract_and_time(
        console: Console, seeded: Seeded, query: str, found: str, absent: str | None) -> None:
    page = _text(console.operator().get(f"/ops/messages?{query}"))
    assert f'data-mrid="{found}"' in page
    if absent:
        assert f'data-mrid="{absent}"' not in page


@pytest.mark.parametrize("query", [
    "kind=inbound&mrid=NOPE", "kind=readings&contract=270000009",
    "kind=outbound&contract=270000002", "kind=readings&since=2026-03-03",
    "kind=inbound&until=2026-03-01",
])
def test_search_misses_what_does_not_match(console: Console, seeded: Seeded,
                                           query: str) -> None:
    page = _text(console.operator().get(f"/ops/messages?{query}"))
    assert 'id="ops-no-results"' in page


def test_each_kind_shows_its_timeline(console: Console, seeded: Seeded) -> None:
    browser = console.operator()
    inbound = _text(browser.get(f"/ops/inbound/{seeded.inbound_id}"))
    assert INBOUND_MRID in inbound and "stored" in inbound
    readings = _text(browser.get(f"/ops/readings/{seeded.submission_id}"))
    assert "канал: cabinet" in readings and f"/ops/outbound/{seeded.dead_id}" in readings
    outbound = _text(browser.get(f"/ops/outbound/{seeded.dead_id}"))
    assert "enqueued" in outbound and 'data-status="dead"' in outbound
    assert browser.get("/ops/inbound/9999").status_code == 404


def test_replaying_a_dead_letter_makes_it_pending_and_is_audited(
        console: Console, seeded: Seeded) -> None:
    browser = console.operator()
    listing = _text(browser.get("/ops/dead-letters"))
    assert f'data-id="{seeded.dead_id}"' in listing
    response = browser.submit(f"/ops/dead-letters/{seeded.dead_id}/replay", {},
                              form_page="/ops/dead-letters")
    assert response.status_code == 200
    with console.container.uow() as unit:
        message = unit.session.get(OutboxMessageRecord, seeded.dead_id)
        assert message is not None and message.status == "pending" and message.attempts == 0
        events = unit.session.scalars(select(OutboxEventRecord.detail).where(
            OutboxEventRecord.message_id == seeded.dead_id,
            OutboxEventRecord.event == "replayed")).all()
        assert events and OPERATOR in events[0]
    audited = [e for e in console.audit_events() if e.event == "ops_replay"]
    assert len(audited) == 1 and audited[0].login == OPERATOR
    assert str(seeded.dead_id) in audited[0].detail
    again = browser.submit(f"/ops/dead-letters/{seeded.dead_id}/replay", {},
                           form_page="/ops/dead-letters")
    assert again.status_code == 409 and "OUTBOX_NOT_REPLAYABLE" in _text(again)


def test_bulk_replay_shows_a_summary(console: Console, seeded: Seeded) -> None:
    browser = console.operator()
    response = browser.submit("/ops/dead-letters/replay",
                              {"ids": [str(seeded.dead_id), str(seeded.delivered_id)]},
                              form_page="/ops/dead-letters")
    page = _text(response)
    assert re.search(r'id="replayed-count">1<', page)
    assert re.search(r'id="refused-count">1<', page) and "OUTBOX_NOT_REPLAYABLE" in page
    assert [e.event for e in console.audit_events()].count("ops_replay_many") == 1


def test_skip_needs_a_reason_and_is_audited(console: Console, seeded: Seeded) -> None:
    browser = console.operator()
    empty = browser.submit(f"/ops/dead-letters/{seeded.dead_id}/skip", {"reason": " "},
                           form_page="/ops/dead-letters")
    assert empty.status_code == 409 and "OPS_REASON_REQUIRED" in _text(empty)
    done = browser.submit(f"/ops/dead-letters/{seeded.dead_id}/skip",
                          {"reason": "виправлена редакція надіслана"},
                          form_page="/ops/dead-letters")
    assert done.status_code == 200
    skipped = _text(browser.get("/ops/dead-letters?status=skipped"))
    assert f'data-id="{seeded.dead_id}"' in skipped
    assert any(e.event == "ops_skip" and "виправлена" in e.detail
               for e in console.audit_events())
    assert "ops_skip" in _text(browser.get("/ops/audit"))


def test_trust_store_warns_of_an_expiring_certificate(console: Console) -> None:
    page = _text(console.operator().get("/ops/trust"))
    rows = re.findall(r'<tr class="trust-(\w+)" data-level="\w+">(.*?)</tr>', page, re.S)
    assert [level for level, row in rows if "roek-short" in row] == ["warning"]
    assert any(level == "ok" and "ROE Sandbox CA" in row for level, row in rows)
    assert any("список відкликаних" in row for _, row in rows)


def test_trust_store_shows_an_expired_certificate_as_an_error(console: Console) -> None:
    console.clock.advance(days=11)
    page = _text(console.operator().get("/ops/trust"))
    rows = re.findall(r'<tr class="trust-(\w+)" data-level="\w+">(.*?)</tr>', page, re.S)
    assert [level for level, row in rows if "roek-short" in row] == ["error"]


def test_rejected_documents_are_listed_with_their_codes(console: Console,
                                                        seeded: Seeded) -> None:
    browser = console.operator()
    page = _text(browser.get("/ops/rejections"))
    assert 'data-code="SIG_INVALID"' in page and "Підпис не сходиться." in page
    assert 'data-code="SIG_INVALID"' not in _text(browser.get("/ops/rejections?code=XML_BAD"))


def test_registry_feedback_and_summary_pages(console: Console, seeded: Seeded) -> None:
    browser = console.operator()
    registry = _text(browser.get("/ops/registry?q=" + CONTRACT))
    assert POINT_1 in registry and "270000002" not in registry
    assert "чинний" in registry and "знято з реєстру" not in registry
    with console.container.uow() as unit:
        unit.session.execute(update(ConsumerRecord).where(
            ConsumerRecord.contract_number == CONTRACT).values(withdrawn_at=console.clock.now))
        unit.commit()
    assert "знято з реєстру" in _text(browser.get("/ops/registry?q=" + CONTRACT))
    assert browser.get("/ops/feedback").status_code == 200
    summary = _text(browser.get("/ops"))
    assert 'data-status="dead">1<' in summary and "SIG_INVALID" in summary
