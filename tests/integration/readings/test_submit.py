"""submit_readings end to end on SQLite and PostgreSQL: stored and queued in one transaction."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from adapter.errors import TransientRemoteError
from adapter.persistence.models import InboundRejectionRecord
from adapter.persistence.registry_models import (
    ConsumerRecord,
    ReadingSubmissionRecord,
    ReadingValueRecord,
)
from adapter.pki.sandbox import issue_extra_cert
from adapter.services.readings import SubmissionStatus
from adapter.services.readings_timeline import record_delivery, timeline
from adapter.services.registry import apply_registry
from adapter.services.routing import SupplierRoute, export_awaiting
from adapter.signing import load_signing_key
from tests.integration.readings.conftest import (
    CONTRACT,
    OTHER_CONTRACT,
    OTHER_EDRPOU,
    OTHER_SUPPLIER,
    ROEK,
    ReadingsEnv,
    registry_entries,
)


def _submission(env: ReadingsEnv, submission_id: int) -> ReadingSubmissionRecord:
    with env.uow() as unit:
        record = unit.session.get(ReadingSubmissionRecord, submission_id)
        assert record is not None
        _ = record.values, record.events
        unit.session.expunge_all()  # keep the loaded state past the unit's rollback
        return record


def _rejections(env: ReadingsEnv) -> list[str]:
    with env.uow() as unit:
        return [r.code for r in unit.session.scalars(select(InboundRejectionRecord)).all()]


def test_accepted_readings_are_stored_verbatim_and_queued_for_supplier_and_billing(
    env: ReadingsEnv,
) -> None:
    signed = env.signed(env.document())
    outcome = env.submit(signed, channel="cabinet", expected_contract=CONTRACT)
    assert outcome.status == SubmissionStatus.ACCEPTED, outcome
    assert outcome.state == "queued"
    record = _submission(env, outcome.submission_id or 0)
    assert record.original == signed
    assert record.sha256 == hashlib.sha256(signed).hexdigest()
    assert record.supplier_eic == ROEK and record.consumer_edrpou == "12345678"
    assert "ТОВ Джерело" in record.signer_subject
    assert [e.event for e in record.events] == ["received", "verified", "stored", "queued"]
    assert {(v.metering_point_eic, v.register, v.zone, v.value) for v in record.values} == {
        ("62Z000000000001B", "A+", 1, 10500), ("62Z000000000001B", "A+", 2, 4200),
        ("62Z000000000001B", "R+", 1, 900), ("62Z0000000000029", "A+", 1, 3000),
    }
    outbox = env.outbox()
    assert sorted(m.destination for m in outbox) == ["billing", f"supplier:{ROEK}"]
    for message in outbox:
        assert message.payload == signed  # the consumer-signed original, byte for byte
        assert (message.sender_eic, message.mrid, message.revision) == ("62X0000000000012",
                                                                        outcome.mrid, 1)
        assert message.ordering_key == f"readings:{CONTRACT}"
        assert message.correlation_id == f"readings:{outcome.submission_id}"


def test_resubmission_is_already_received_with_nothing_added(env: ReadingsEnv) -> None:
    signed = env.signed(env.document(mrid="MR-SAME"))
    first = env.submit(signed)
    again = env.submit(signed)
    assert again.status == SubmissionStatus.ALREADY_RECEIVED
    assert again.submission_id == first.submission_id
    assert env.submissions() == 1 and len(env.outbox()) == 2
    # Signed again (new signature bytes, same signed content): still the same document.
    resigned = env.signed(env.document(mrid="MR-SAME"))
    assert env.submit(resigned).status == SubmissionStatus.ALREADY_RECEIVED
    assert env.submissions() == 1 and len(env.outbox()) == 2


def test_same_identity_other_content_is_a_conflict(env: ReadingsEnv) -> None:
    env.submit(env.signed(env.document(mrid="MR-X")))
    outcome = env.submit(env.signed(env.document(mrid="MR-X", point2=3001)))
    assert (outcome.status, outcome.code) == (SubmissionStatus.REJECTED, "DOC_CONFLICT")
    assert env.submissions() == 1 and len(env.outbox()) == 2


def _accept_previous_month(env: ReadingsEnv, **values: Any) -> None:
    earlier = (env.reading_date - timedelta(days=1)).replace(day=1)
    lax = env.with_ctx(rules=type(env.ctx.rules)(enforce_window=False))
    outcome = lax.submit(lax.signed(lax.document(reading_date=earlier, **values)))
    assert outcome.status == SubmissionStatus.ACCEPTED, outcome


def test_volumes_come_from_the_last_accepted_reading(env: ReadingsEnv) -> None:
    _accept_previous_month(env, point1=(10000, 4000, 850), point2=2990)
    outcome = env.submit(env.signed(env.document()))
    assert outcome.status == SubmissionStatus.ACCEPTED, outcome
    with env.uow() as unit:
        rows = unit.session.scalars(select(ReadingValueRecord).where(
            ReadingValueRecord.submission_id == outcome.submission_id)).all()
        volumes = {(r.metering_point_eic, r.register, r.zone): (r.previous_value, r.volume)
                   for r in rows}
    assert volumes == {
        ("62Z000000000001B", "A+", 1): (10000, 500), ("62Z000000000001B", "A+", 2): (4000, 200),
        ("62Z000000000001B", "R+", 1): (850, 50),
        ("62Z0000000000029", "A+", 1): (2990, 300),  # 10 x transformation coefficient 30
    }


def test_implausible_volume_is_accepted_with_a_warning(env: ReadingsEnv) -> None:
    _accept_previous_month(env, point1=(10000, 4000, 850), point2=2990)
    env.submit(env.signed(env.document(point1=(10010, 4010, 860), point2=2991)))
    later = env.with_ctx(rules=type(env.ctx.rules)(enforce_window=False, implausible_factor=2))
    next_month = (env.reading_date + timedelta(days=32)).replace(day=1)
    outcome = later.submit(later.signed(later.document(reading_date=next_month,
                                                       point1=(10100, 4011, 861), point2=2992)))
    assert outcome.status == SubmissionStatus.ACCEPTED
    assert [w.code for w in outcome.warnings] == ["READING_IMPLAUSIBLE_VOLUME"]


def test_backwards_reading_is_rejected_and_nothing_is_stored(env: ReadingsEnv) -> None:
    _accept_previous_month(env, point1=(10000, 4000, 850), point2=2990)
    before = (env.submissions(), len(env.outbox()))
    outcome = env.submit(env.signed(env.document(point1=(9990, 4000, 850))))
    assert (outcome.status, outcome.code) == (SubmissionStatus.REJECTED, "READING_BACKWARDS")
    assert (env.submissions(), len(env.outbox())) == before
    assert _rejections(env) == ["READING_BACKWARDS"]


def test_a_key_naming_another_edrpou_is_rejected(env: ReadingsEnv, tmp_path: Any) -> None:
    other = issue_extra_cert(env.pki, "other-consumer", directory=tmp_path, edrpou=OTHER_EDRPOU)
    key = load_signing_key(other.key.read_bytes(), other.cert.read_bytes())
    outcome = env.submit(env.signed(env.document(), key=key))
    assert outcome.status == SubmissionStatus.REJECTED
    assert outcome.code is not None and outcome.code.startswith("SIG_")
    assert env.submissions() == 0 and env.outbox() == []
    # The same key is the right one for its own contract: the EDRPOU comes from the registry.
    mine = env.document(contract=OTHER_CONTRACT, edrpou=OTHER_EDRPOU)
    outcome = env.submit(env.signed(mine, key=key))
    assert outcome.code == "READING_UNKNOWN_METERING_POINT"  # got past the signature check


def test_edrpou_in_the_document_must_match_the_registry(env: ReadingsEnv) -> None:
    outcome = env.submit(env.signed(env.document(edrpou=OTHER_EDRPOU)))
    assert outcome.code == "READING_EDRPOU_MISMATCH"


def test_cabinet_contract_must_match_the_document(env: ReadingsEnv) -> None:
    outcome = env.submit(env.signed(env.document()), expected_contract=OTHER_CONTRACT)
    assert outcome.status == SubmissionStatus.REJECTED
    assert outcome.code in {"READING_CONTRACT_MISMATCH", "SIG_EDRPOU_MISMATCH"}
    assert env.submissions() == 0


@pytest.mark.parametrize(("change", "code"), [
    ({"contract": "279999999"}, "READING_UNKNOWN_CONTRACT"),
    ({"receiver": "62X000000000003Z"}, "DOC_WRONG_RECEIVER"),
])
def test_registry_and_header_checks(env: ReadingsEnv, change: dict[str, str], code: str) -> None:
    assert env.submit(env.signed(env.document(**change))).code == code


def _withdraw(env: ReadingsEnv, contract: str, at: datetime) -> None:
    with env.uow() as unit:
        unit.session.execute(update(ConsumerRecord).where(
            ConsumerRecord.contract_number == contract).values(withdrawn_at=at))
        unit.commit()


def test_a_withdrawn_contract_takes_only_readings_dated_up_to_its_withdrawal(
        env: ReadingsEnv) -> None:
    zone = ZoneInfo(env.ctx.timezone)
    day_before = env.reading_date - timedelta(days=1)
    _withdraw(env, CONTRACT, datetime(day_before.year, day_before.month, day_before.day, 12,
                                      tzinfo=zone))

    refused = env.submit(env.signed(env.document()))

    assert (refused.status, refused.code) == (SubmissionStatus.REJECTED,
                                              "READING_CONTRACT_WITHDRAWN")
    assert day_before.strftime("%d.%m.%Y") in refused.message
    assert env.submissions() == 0 and env.outbox() == []
    assert _rejections(env) == ["READING_CONTRACT_WITHDRAWN"]
    # Withdrawn at 00:30 local time on the reading date, still the day before in UTC: the local
    # day counts, so these are the closing readings of its last day.
    _withdraw(env, CONTRACT, datetime(env.reading_date.year, env.reading_date.month,
                                      env.reading_date.day, 0, 30, tzinfo=zone))
    closing = env.submit(env.signed(env.document()))
    assert closing.status == SubmissionStatus.ACCEPTED


def _outside_window(env: ReadingsEnv) -> datetime:
    # Close to the real now: the sandbox certificates and CRL are current for weeks, not months.
    zone = ZoneInfo(env.ctx.timezone)
    before = env.clock.now - timedelta(days=1)
    if before >= datetime.now(UTC) and not env.ctx.window.contains(before.astimezone(zone).date()):
        return before
    moment = env.clock.now
    while env.ctx.window.contains(moment.astimezone(zone).date()):
        moment += timedelta(days=1)
    return moment


def test_reading_date_must_match_the_window(env: ReadingsEnv) -> None:
    wrong = (env.reading_date - timedelta(days=1)).replace(day=1)
    assert env.submit(env.signed(env.document(reading_date=wrong))).code == "READING_DATE_MISMATCH"
    env.clock.now = _outside_window(env)
    assert env.submit(env.signed(env.document())).code == "READING_OUTSIDE_WINDOW"


def test_tampered_document_is_rejected(env: ReadingsEnv) -> None:
    signed = env.signed(env.document())
    tampered = signed.replace(b"<value>3000</value>", b"<value>3900</value>")
    assert tampered != signed
    assert env.submit(tampered).code == "SIG_INVALID"
    assert env.submit(b"<not-xml").code == "XML_MALFORMED"
    assert env.submissions() == 0


def test_failure_while_queueing_leaves_nothing_half_stored(env: ReadingsEnv) -> None:
    calls: list[str] = []

    def failing_enqueue(session: Any, **kwargs: Any) -> int:
        calls.append(kwargs["destination"])
        if kwargs["destination"] == "billing":
            raise TransientRemoteError("outbox unavailable", code="TEST_OUTBOX_DOWN")
        return env.ctx.enqueue(session, **kwargs)

    broken = env.with_ctx(enqueue=failing_enqueue)
    outcome = broken.submit(broken.signed(broken.document()))
    assert calls == [f"supplier:{ROEK}", "billing"]
    assert outcome.code == "TEST_OUTBOX_DOWN"
    assert env.submissions() == 0 and env.outbox() == []


def test_readings_go_to_the_supplier_of_their_own_date(env: ReadingsEnv) -> None:
    # The consumer moves to another supplier a month on; readings dated before the move are
    # still addressed to, checked against and routed to the supplier of their date.
    with env.uow() as unit:
        apply_registry(unit, registry_entries(supplier=OTHER_SUPPLIER),
                       now=env.clock.now + timedelta(days=30))
        unit.commit()

    outcome = env.submit(env.signed(env.document(receiver=ROEK)))
    wrong = env.submit(env.signed(env.document(receiver=OTHER_SUPPLIER)))

    assert outcome.status == SubmissionStatus.ACCEPTED, outcome
    assert sorted(m.destination for m in env.outbox()) == ["billing", f"supplier:{ROEK}"]
    assert wrong.code == "DOC_WRONG_RECEIVER"


def test_supplier_without_integration_holds_readings_for_export(env: ReadingsEnv) -> None:
    held = env.with_ctx(routes={ROEK: SupplierRoute(ROEK, "ТОВ РОЕК", has_integration=False)})
    signed = held.signed(held.document())
    outcome = held.submit(signed)
    assert (outcome.status, outcome.state) == (SubmissionStatus.ACCEPTED, "awaiting_export")
    assert [m.destination for m in env.outbox()] == ["billing"]
    written: dict[str, bytes] = {}
    items = export_awaiting(env.uow, ROEK,
                            lambda item: written.update({item.filename: item.original}),
                            now=env.clock.now)
    assert [item.submission_id for item in items] == [outcome.submission_id]
    assert list(written.values()) == [signed]
    assert export_awaiting(env.uow, ROEK, lambda item: None, now=env.clock.now) == []
    record = _submission(env, outcome.submission_id or 0)
    assert record.status == "exported" and record.exported_at == env.clock.now
    assert [e.event for e in record.events][-2:] == ["awaiting_export", "exported"]


def test_failed_export_keeps_submissions_awaiting(env: ReadingsEnv) -> None:
    held = env.with_ctx(routes={})
    held.submit(held.signed(held.document()))

    def broken_write(item: Any) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        export_awaiting(env.uow, ROEK, broken_write, now=env.clock.now)
    assert len(export_awaiting(env.uow, ROEK, lambda item: None, now=env.clock.now)) == 1


def test_delivery_is_recorded_on_the_timeline(env: ReadingsEnv) -> None:
    outcome = env.submit(env.signed(env.document()))
    message = next(m for m in env.outbox() if m.destination.startswith("supplier:"))
    with env.uow() as unit:
        assert record_delivery(unit.session, message.correlation_id, message.destination,
                               at=env.clock.now, detail="A01")
        assert not record_delivery(unit.session, "other:1", "billing", at=env.clock.now)
        unit.commit()
    with env.uow() as unit:
        events = timeline(unit.session, outcome.submission_id or 0)
    assert events[-1][0] == "delivered" and "A01" in events[-1][2]
    assert _submission(env, outcome.submission_id or 0).status == "delivered"
