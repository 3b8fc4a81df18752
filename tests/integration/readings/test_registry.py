"""The registry copy: idempotent apply, lookups, supplier history, cursor sync, file import."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from stdnum.eu.eic import calc_check_digit

from adapter.domain.documents import ConsumerRegistry, DocumentHeader, DocumentKind, Register
from adapter.errors import AdapterError, RemoteError
from adapter.mappers import write_document
from adapter.persistence.registry_models import ConsumerRecord, MeterRegisterRecord
from adapter.pki import SandboxPki
from adapter.services.registry import (
    RegistryPage,
    apply_registry,
    find_consumer_by_contract,
    metering_point_belongs_to,
    meters_of,
    supplier_of,
    sync_registry,
)
from adapter.services.registry_import import import_registry_file
from adapter.signing import TrustedParty, VerificationPolicy, sign
from tests.integration.readings.conftest import (
    CONTRACT,
    OTHER_CONTRACT,
    OTHER_SUPPLIER,
    POINT_1,
    POINT_2,
    POINT_3,
    ROEK,
    registry_entries,
)
from tests.support.pki import signing_key

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _apply(uow: Any, entries: Any, now: datetime = NOW) -> Any:
    with uow() as unit:
        result = apply_registry(unit, entries, now=now)
        unit.commit()
    return result


def _count(uow: Any, model: Any) -> int:
    with uow() as unit:
        return unit.session.scalar(select(func.count()).select_from(model)) or 0


def test_apply_is_idempotent_and_lookups_answer(migrated_uow: Any) -> None:
    first = _apply(migrated_uow, registry_entries())
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    counters = _count(migrated_uow, MeterRegisterRecord)
    again = _apply(migrated_uow, registry_entries())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _count(migrated_uow, MeterRegisterRecord) == counters == 5  # A+ x2, R+, A+, A+
    with migrated_uow() as unit:
        consumer = find_consumer_by_contract(unit, CONTRACT)
        assert consumer is not None and consumer.edrpou == "12345678"
        assert consumer.supplier is not None and consumer.supplier.supplier_eic == ROEK
        assert metering_point_belongs_to(unit, CONTRACT, POINT_1)
        assert not metering_point_belongs_to(unit, CONTRACT, POINT_3)
        assert not metering_point_belongs_to(unit, "279999999", POINT_1)
        points = meters_of(unit, CONTRACT)
        assert [p.eic for p in points] == [POINT_1, POINT_2]
        meter = points[1].meters[0]
        assert (meter.serial, meter.transformation_coefficient, meter.capacity) == (
            "M-2002", 30, 10**5)
        assert meters_of(unit, "279999999") == ()
        assert supplier_of(unit, POINT_3) == OTHER_SUPPLIER
        assert supplier_of(unit, "62Z000000000009" + calc_check_digit("62Z000000000009")) is None


def test_supplier_change_is_kept_as_history(migrated_uow: Any) -> None:
    _apply(migrated_uow, registry_entries())
    changed = _apply(migrated_uow, registry_entries(supplier=OTHER_SUPPLIER),
                     now=NOW + timedelta(days=10))
    assert changed.updated == 1
    with migrated_uow() as unit:
        assert supplier_of(unit, POINT_1) == OTHER_SUPPLIER
        assert supplier_of(unit, POINT_1, on=NOW.date()) == ROEK
        assert supplier_of(unit, POINT_1, on=date(2020, 1, 1)) == ROEK  # before we knew: earliest


def test_meters_points_and_counters_follow_the_registry(migrated_uow: Any) -> None:
    _apply(migrated_uow, registry_entries())
    mine, other = registry_entries()
    point_1, point_2 = mine.metering_points
    three_zones = replace(point_1.meters[0], zone_count=3, registers=(Register.ACTIVE_IMPORT,))
    moved = replace(other, metering_points=(*other.metering_points, point_2))
    result = _apply(migrated_uow, [
        replace(mine, metering_points=(replace(point_1, meters=(three_zones,)),)), moved])
    assert result.updated == 2
    with migrated_uow() as unit:
        consumer = find_consumer_by_contract(unit, CONTRACT)
        assert consumer is not None
        assert [p.eic for p in consumer.metering_points] == [POINT_1]
        assert [str(c) for c in consumer.metering_points[0].meters[0].registers] == [
            "A+ зона 1", "A+ зона 2", "A+ зона 3"]
        assert metering_point_belongs_to(unit, OTHER_CONTRACT, POINT_2)


def _page(*entries: Any) -> ConsumerRegistry:
    header = DocumentHeader("REG-1", 1, DocumentKind.CONSUMER_REGISTRY, "62X000000000003Z",
                            "62X0000000000012", NOW)
    return ConsumerRegistry(header, tuple(entries))


def test_sync_pages_through_the_cursor_with_progress(migrated_uow: Any) -> None:
    mine, other = registry_entries()
    pages = {None: RegistryPage(_page(mine), "c1", total=2),
             "c1": RegistryPage(_page(), "c2", total=2),
             "c2": RegistryPage(_page(other), None, total=2)}
    asked: list[str | None] = []
    seen: list[tuple[int, int]] = []

    def fetch(cursor: str | None) -> RegistryPage:
        asked.append(cursor)
        return pages[cursor]

    state = sync_registry(migrated_uow, fetch, clock=lambda: NOW,
                          progress=lambda s: seen.append((s.pages, s.consumers)))
    assert asked == [None, "c1", "c2"]
    assert seen == [(1, 1), (2, 1), (3, 2)]
    assert (state.pages, state.result.created) == (3, 2)
    assert _count(migrated_uow, ConsumerRecord) == 2


def test_sync_keeps_committed_pages_and_refuses_a_cursor_loop(migrated_uow: Any) -> None:
    mine, _ = registry_entries()

    def failing(cursor: str | None) -> RegistryPage:
        if cursor is None:
            return RegistryPage([mine], "c1")
        raise RemoteError("billing down", code="REMOTE_UNAVAILABLE")

    with pytest.raises(RemoteError):
        sync_registry(migrated_uow, failing, clock=lambda: NOW)
    assert _count(migrated_uow, ConsumerRecord) == 1
    with pytest.raises(RemoteError) as exc:
        sync_registry(migrated_uow, lambda cursor: RegistryPage([mine], "same"), clock=lambda: NOW)
    assert exc.value.code == "REGISTRY_CURSOR_LOOP"


def _sync(uow: Any, *pages: list[Any], now: datetime = NOW) -> Any:
    """Sync from billing serving ``pages`` (lists of entries) by cursor."""
    by_cursor = {None if n == 0 else f"c{n}": RegistryPage(page, f"c{n + 1}"
                                                           if n + 1 < len(pages) else None)
                 for n, page in enumerate(pages)}
    return sync_registry(uow, lambda cursor: by_cursor[cursor], clock=lambda: now)


def _withdrawn(uow: Any) -> dict[str, datetime | None]:
    with uow() as unit:
        return dict(unit.session.execute(
            select(ConsumerRecord.contract_number, ConsumerRecord.withdrawn_at)).all())


def test_a_complete_sync_withdraws_the_contracts_billing_no_longer_lists(
        migrated_uow: Any) -> None:
    mine, other = registry_entries()
    _sync(migrated_uow, [mine], [other])
    later = NOW + timedelta(days=3)

    state = _sync(migrated_uow, [mine], [], now=later)

    assert state.result.withdrawn == 1
    assert _withdrawn(migrated_uow) == {CONTRACT: None, OTHER_CONTRACT: later}
    with migrated_uow() as unit:  # kept, with its points: documents and accounts refer to it
        consumer = find_consumer_by_contract(unit, OTHER_CONTRACT)
        assert consumer is not None and consumer.withdrawn_at == later
        assert [p.eic for p in consumer.metering_points] == [POINT_3]
    assert _sync(migrated_uow, [mine], now=later).result.withdrawn == 0  # already withdrawn


def test_a_contract_that_comes_back_is_reinstated(migrated_uow: Any) -> None:
    mine, other = registry_entries()
    _sync(migrated_uow, [mine, other])
    _sync(migrated_uow, [mine])

    state = _sync(migrated_uow, [mine, other], now=NOW + timedelta(days=1))

    assert (state.result.updated, state.result.withdrawn) == (1, 0)
    assert _withdrawn(migrated_uow) == {CONTRACT: None, OTHER_CONTRACT: None}


def test_an_interrupted_or_empty_sync_withdraws_nothing(migrated_uow: Any) -> None:
    mine, other = registry_entries()
    _sync(migrated_uow, [mine, other])

    def interrupted(cursor: str | None) -> RegistryPage:
        if cursor is None:
            return RegistryPage([mine], "c1")
        raise RemoteError("billing down", code="REMOTE_UNAVAILABLE")

    with pytest.raises(RemoteError):
        sync_registry(migrated_uow, interrupted, clock=lambda: NOW)
    with pytest.raises(RemoteError) as exc:
        _sync(migrated_uow, [], [])
    assert exc.value.code == "REGISTRY_EMPTY"
    assert _withdrawn(migrated_uow) == {CONTRACT: None, OTHER_CONTRACT: None}


def _billing_policy(pki: SandboxPki) -> VerificationPolicy:
    return VerificationPolicy(parties=(TrustedParty("billing", pinned_certs=(pki.billing_cert,)),))


def test_import_signed_registry_from_billing(migrated_uow: Any, sandbox_pki: SandboxPki,
                                              tmp_path: Path) -> None:
    unsigned = write_document(_page(*registry_entries()))
    path = tmp_path / "registry.xml"
    path.write_bytes(sign(unsigned, key=signing_key(sandbox_pki, "billing")))
    now = datetime.now(UTC)
    result = import_registry_file(migrated_uow, path, policy=_billing_policy(sandbox_pki),
                                  now=now, billing_eic="62X000000000003Z")
    assert result.created == 2
    forged = tmp_path / "forged.xml"
    forged.write_bytes(sign(unsigned, key=signing_key(sandbox_pki, "supplier")))
    with pytest.raises(AdapterError) as exc:
        import_registry_file(migrated_uow, forged, policy=_billing_policy(sandbox_pki), now=now)
    assert exc.value.code == "SIG_UNTRUSTED"
    plain = tmp_path / "plain.xml"
    plain.write_bytes(unsigned)
    with pytest.raises(AdapterError) as exc:
        import_registry_file(migrated_uow, plain, policy=None, now=now)
    assert exc.value.code == "REGISTRY_UNSIGNED"
    assert import_registry_file(migrated_uow, plain, policy=None, now=now,
                                allow_unsigned=True).unchanged == 2


CSV = (
    "contract_number,edrpou,name,supplier_eic,metering_point_eic,meter_serial,registers,"
    "zone_count,digit_capacity,transformation_coefficient\n"
    f"{CONTRACT},12345678,ТОВ Джерело,{ROEK},{POINT_1},M-1001,A+;R+,2,6,1\n"
    f"{CONTRACT},12345678,ТОВ Джерело,{ROEK},{POINT_2},M-2002,A+,1,5,30\n"
)


def test_import_bootstrap_csv(migrated_uow: Any, tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(AdapterError) as exc:
        import_registry_file(migrated_uow, path, policy=None, now=NOW)
    assert exc.value.code == "REGISTRY_UNSIGNED"
    result = import_registry_file(migrated_uow, path, policy=None, now=NOW, allow_unsigned=True)
    assert result.created == 1
    with migrated_uow() as unit:
        assert [p.eic for p in meters_of(unit, CONTRACT)] == [POINT_1, POINT_2]
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("M-2002,A+,1,5,30", "M-2002,A+,1,5,0"), encoding="utf-8")
    with pytest.raises(AdapterError) as exc:
        import_registry_file(migrated_uow, bad, policy=None, now=NOW, allow_unsigned=True)
    assert exc.value.code == "REGISTRY_CSV_INVALID" and "рядок 3" in exc.value.message
