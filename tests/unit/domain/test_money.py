"""Money on Decimal: kopecks, half-up rounding, VAT 20 %, no floats."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from adapter.domain.money import gross_of, is_money, line_amount, to_money, vat_in_gross, vat_of


@pytest.mark.parametrize(
    ("value", "money"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"), (7, "7.00")],
)
def test_to_money_rounds_half_up_to_kopecks(value: str | int, money: str) -> None:
    assert to_money(value) == D(money)
    assert str(to_money(value)) == money


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_money(2.675)
    with pytest.raises(TypeError):
        line_amount(1.5, D("2"))


def test_vat_helpers() -> None:
    assert vat_of(D("53671.79")) == D("10734.36")
    assert gross_of(D("53671.79")) == D("64406.15")
    assert vat_of(D("0.02")) == D("0.00") and vat_of(D("0.03")) == D("0.01")
    assert vat_in_gross(D("120.00")) == D("20.00")
    assert vat_in_gross(gross_of(D("1343.54"))) == vat_of(D("1343.54"))


def test_line_amount_and_is_money() -> None:
    assert line_amount(D("8200"), D("5.185680")) == D("42522.58")
    assert is_money(D("1.10")) and is_money(D("3"))
    assert not is_money(D("1.005")) and not is_money(D("NaN"))
