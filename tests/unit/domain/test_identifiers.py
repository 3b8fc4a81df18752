"""EIC, EDRPOU, contract numbers and organisation names."""

from __future__ import annotations

import pytest

from adapter.domain.identifiers import (
    is_valid_contract_number,
    is_valid_edrpou,
    is_valid_eic,
    normalise_org_name,
)


@pytest.mark.parametrize(
    "code",
    [
        "10Y1001C--00003F",
        "10YUA-WEPS-----0",
        "21X000000001397P",
        "62Z000000000001B",
        "62X000000000003Z",
    ],
)
def test_valid_eics(code: str) -> None:
    assert is_valid_eic(code)


@pytest.mark.parametrize(
    "code",
    [
        "62Z000000000001C",  # wrong check character
        "62z000000000001B",  # lower case: stdnum would compact it, a signed value must not be
        " 62Z000000000001B",
        "62Z000000000001",  # 15 characters
        "62Z00000000000-",
        "",
    ],
)
def test_invalid_eics(code: str) -> None:
    assert not is_valid_eic(code)


def test_dash_check_character_is_never_valid() -> None:
    # Find a 15-character prefix whose computed check character is '-' and prove it is refused.
    from stdnum.eu.eic import calc_check_digit

    prefix = next(p for p in (f"62X{n:012d}" for n in range(2000)) if calc_check_digit(p) == "-")
    assert not is_valid_eic(prefix + "-")


def test_object_type_narrows_the_third_character() -> None:
    assert is_valid_eic("62Z000000000001B", object_type="Z")
    assert not is_valid_eic("62Z000000000001B", object_type="X")
    assert is_valid_eic("62X0000000000012", object_type="X")


@pytest.mark.parametrize(
    ("code", "valid"),
    [("12345678", True), ("12345679", False), ("1234567", False), ("1234567８", False)],
)
def test_edrpou(code: str, valid: bool) -> None:
    assert is_valid_edrpou(code) is valid


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("270000001", True),
        ("279999999", True),
        ("280000001", False),
        ("27000001", False),
        ("2700000010", False),
        ("27000000a", False),
    ],
)
def test_contract_number(number: str, valid: bool) -> None:
    assert is_valid_contract_number(number) is valid


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ('ТОВ "Джерело"', "ТОВ Джерело"),
        ("ТОВ «Джерело»", "ТОВ Джерело"),
        ("  ПП  „Агро-Світ“, м. Рівне ", "ПП Агро-Світ м Рівне"),
        ("ТОВ Джерело", "ТОВ Джерело"),
        ("Школа №5", "Школа №5"),
    ],
)
def test_normalise_org_name(raw: str, normal: str) -> None:
    assert normalise_org_name(raw) == normal
