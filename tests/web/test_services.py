"""The services under the views: password rules, one-time links under a race, registry lookup."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapter.services.accounts import (
    FormInvalid,
    issue_token,
    password_problem,
    peek_token,
    use_token,
)
from adapter.services.audit import audit, audit_trail, count_recent
from adapter.services.registration import DbRegistryLookup
from tests.web.conftest import CONTRACT, OTHER_POINT, POINT_1, POINT_2, Cabinet


@pytest.mark.parametrize(("password", "weak"), [
    ("Short1!", True),
    ("onlylowercase1", True),  # two kinds, under 16
    ("Zhovta-Hvylia-7", False),
    ("довга фраза з пробілами", False),  # a passphrase of 16+ characters
    ("Пароль-Київ-2026", True),  # a common word
    ("aaaaaaaaaaaaaaaaaaaa", True),  # repetition
    ("Xq7!Xq7!Xq7!", True),  # only four distinct characters
    ("Mytnytsia-270000001", True),  # the contract number
    ("x" * 120 + "Aa1!zzzzzz", True),  # too long
])
def test_password_rules(password: str, weak: bool) -> None:
    assert (password_problem(password, avoid=(CONTRACT,)) is not None) is weak


def test_a_link_used_by_a_racing_request_is_used_once(cabinet: Cabinet) -> None:
    now = cabinet.clock()
    with cabinet.ctx.uow() as unit:
        token = issue_token(unit.session, "invite", now=now, ttl=timedelta(hours=1),
                            email="x@y.test")
        unit.commit()
    with cabinet.ctx.uow() as slow, cabinet.ctx.uow() as fast:
        # The slow request has loaded the row and seen it unused (it keeps it loaded).
        seen = peek_token(slow.session, token, "invite", now=now)
        slow.commit()  # (SQLite: let the fast one write)
        use_token(fast.session, token, "invite", now=now)
        fast.commit()
        with pytest.raises(FormInvalid) as caught:  # its conditional UPDATE finds it used
            use_token(slow.session, token, "invite", now=now)
        assert seen.used_at is None  # it really went by its stale view, up to the UPDATE
    assert caught.value.codes == {"TOKEN_USED"}


def test_registry_lookup_pairs_contract_and_point(cabinet: Cabinet) -> None:
    lookup = DbRegistryLookup(cabinet.ctx.uow)
    consumer = lookup.consumer_for(CONTRACT, POINT_2)
    assert consumer is not None and consumer.edrpou == "12345678"
    assert {p.eic for p in consumer.metering_points} == {POINT_1, POINT_2}
    assert lookup.consumer_for(CONTRACT, OTHER_POINT) is None
    assert lookup.consumer_for("279999999", POINT_1) is None


def test_audit_counts_by_ip_and_login_within_the_window(cabinet: Cabinet) -> None:
    now = cabinet.clock()
    with cabinet.ctx.uow() as unit:
        for minutes, ip, login in [(0, "a", "x"), (5, "a", "y"), (20, "b", "x")]:
            audit(unit, "login_failed", at=now - timedelta(minutes=minutes), ip=ip, login=login)
        audit(unit, "document_signed", at=now, organisation_id=7, detail={"mrid": "R-1"})
        unit.commit()
    with cabinet.ctx.uow() as unit:
        since = now - timedelta(minutes=15)
        assert count_recent(unit, "login_failed", since=since, ip="a") == 2
        assert count_recent(unit, "login_failed", since=since, login="x") == 1
        assert count_recent(unit, "login_failed", since=now - timedelta(hours=1), login="x") == 2
        (signed,) = audit_trail(unit, organisation_id=7)
        assert signed.detail == '{"mrid": "R-1"}'
