"""Document kinds, type codes, identity, and the domain's purity."""

from __future__ import annotations

import ast
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

import adapter.domain as domain
from adapter.domain.documents import DocumentHeader, DocumentKind, Register

DOMAIN_DIR = Path(domain.__file__).resolve().parent
FORBIDDEN = {"lxml", "zeep", "sqlalchemy", "flask", "xmlsec", "signxml", "requests"}


def test_kind_values_are_root_element_names() -> None:
    assert [k.value for k in DocumentKind] == [
        "MeterReadingsDocument",
        "SupplierInvoice",
        "AcceptanceAct",
        "ActCountersignature",
        "DistributionInvoice",
        "DistributionAct",
        "ReactiveEnergyInvoice",
        "PaymentNotice",
        "ConsumerRegistry",
        "AcknowledgementDocument",
    ]


def test_type_codes_are_unique_and_reversible() -> None:
    codes = [k.type_code for k in DocumentKind]
    assert len(set(codes)) == len(codes)
    assert all(DocumentKind.from_type_code(k.type_code) is k for k in DocumentKind)
    with pytest.raises(ValueError):
        DocumentKind.from_type_code("A01")


def test_every_kind_has_one_frozen_class_named_after_it() -> None:
    for kind in DocumentKind:
        cls = getattr(domain, kind.value)
        assert cls.KIND is kind
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


def test_identity_is_sender_mrid_revision() -> None:
    header = DocumentHeader(
        "m-1",
        2,
        DocumentKind.PAYMENT_NOTICE,
        "62X0000000000012",
        "62X000000000003Z",
        datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert header.identity == ("62X0000000000012", "m-1", 2)


def test_register_units() -> None:
    assert [r.unit for r in Register] == ["kWh", "kWh", "kvarh", "kvarh"]


def test_domain_imports_no_infrastructure() -> None:
    for path in DOMAIN_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
