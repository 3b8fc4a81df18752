"""Generated consumers for load runs: valid identifiers, none shared, the same every time."""

from __future__ import annotations

import pytest
from stdnum.eu import eic
from stdnum.ua import edrpou

from adapter.sandbox.registry_data import (
    DEMO_CONSUMERS,
    SANDBOX_SUPPLIER_EIC,
    generated_consumers,
    sandbox_meters,
    sandbox_registry,
)


def test_generated_consumers_carry_valid_and_distinct_identifiers():
    registry = sandbox_registry(500)

    points = [p for c in registry for p in c.metering_points]
    serials = [m.serial_number for p in points for m in p.meters]
    for values in ([c.contract_number for c in registry], [c.edrpou for c in registry],
                   [p.eic for p in points], serials):
        assert len(set(values)) == len(values)  # nothing collides, demo consumers included
    generated = registry[len(DEMO_CONSUMERS):]
    assert len(generated) == 500
    assert all(edrpou.is_valid(c.edrpou) for c in generated)
    assert all(eic.is_valid(p.eic) for c in generated for p in c.metering_points)
    assert {c.supplier_eic for c in generated} == {SANDBOX_SUPPLIER_EIC}


def test_generated_consumers_are_the_same_in_every_process():
    assert generated_consumers(3) == generated_consumers(3)
    assert generated_consumers(3) == generated_consumers(10)[:3]


def test_the_demo_registry_is_unchanged_without_generated_consumers():
    assert sandbox_registry() == DEMO_CONSUMERS
    assert "GEN-000001" not in sandbox_meters()
    assert sandbox_meters(1)["GEN-000001"] == (7, 1)


@pytest.mark.parametrize("count", [-1, 1_000_000])
def test_a_count_outside_the_identifier_space_is_refused(count):
    with pytest.raises(ValueError, match="згенерованих споживачів"):
        generated_consumers(count)
