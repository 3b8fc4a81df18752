"""build_acknowledgement: an AcknowledgementDocument addressed back to a received document."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapter.domain.documents import AcknowledgementDocument, AckReason, DocumentKind
from adapter.errors import MappingError
from adapter.mappers import acknowledgement_for, build_acknowledgement, read_document
from adapter.safexml import parse_xml
from adapter.xml_schemas import validate

from .samples import DSO, SUPPLIER, supplier_invoice

NOW = datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)


def test_rejection_goes_back_to_the_sender() -> None:
    received = supplier_invoice().header
    data = build_acknowledgement(
        received,
        reason=AckReason.REJECTED,
        text="Не сходиться",
        error_code="MAPPING_VAT_MISMATCH",
        mrid="ACK-1",
        created_at=NOW,
    )
    root = parse_xml(data)
    assert validate(root) is DocumentKind.ACKNOWLEDGEMENT
    ack = read_document(root)
    assert isinstance(ack, AcknowledgementDocument)
    assert (ack.header.sender_eic, ack.header.receiver_eic) == (DSO, SUPPLIER)
    assert (ack.received_mrid, ack.received_revision) == (received.mrid, received.revision)
    assert (ack.reason, ack.reason_text, ack.error_code) == (
        AckReason.REJECTED,
        "Не сходиться",
        "MAPPING_VAT_MISMATCH",
    )
    assert ack.header.created_at == NOW.replace(microsecond=0)
    assert root.get("Id") == "doc-ACK-1"


@pytest.mark.parametrize("reason", ["A01", "A51"])
def test_default_text_and_fresh_mrid(reason: str) -> None:
    received = supplier_invoice().header
    first = acknowledgement_for(received, reason=reason)
    second = acknowledgement_for(received, reason=reason)
    assert first.reason == AckReason(reason)
    assert first.reason_text
    assert first.header.mrid != second.header.mrid
    assert first.header.created_at.tzinfo is not None


def test_unreadable_document_needs_explicit_parties() -> None:
    with pytest.raises(MappingError) as caught:
        acknowledgement_for(None, reason="A02", error_code="XML_MALFORMED")
    assert caught.value.code == "MAPPING_ACK_PARTY_UNKNOWN"
    data = build_acknowledgement(
        None, reason="A02", error_code="XML_MALFORMED", sender_eic=DSO, receiver_eic=SUPPLIER
    )
    ack = read_document(parse_xml(data))
    assert ack.received_mrid is None and ack.received_revision is None
    assert b"received_MarketDocument" not in data


def test_long_reason_text_is_cut_to_the_schema_limit() -> None:
    ack = acknowledgement_for(
        supplier_invoice().header, reason="A02", text="x" * 5000, error_code="SIG_INVALID"
    )
    assert len(ack.reason_text) == 1000
    validate(
        parse_xml(
            build_acknowledgement(
                supplier_invoice().header, reason="A02", text="x" * 5000, error_code="SIG_INVALID"
            )
        )
    )
