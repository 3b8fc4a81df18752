"""Test documents in the exchange namespace (until the contracts helper lands real XSDs).

TEST-ONLY examples: a SupplierInvoice-like root with a header and N invoice lines, shaped like the
documents of docs/architecture.md (root ``Id``, ENTSO-E style header).
"""

from __future__ import annotations

from decimal import Decimal

EX_NS = "urn:roe:exchange:1"
_SENDER = "sender_MarketParticipant.mRID"
_RECEIVER = "receiver_MarketParticipant.mRID"


def invoice_xml(
    lines: int = 40, *, doc_id: str = "doc-INV-2024-000123", amount: str = "1000"
) -> bytes:
    """A realistic supplier invoice with ``lines`` lines; its first line's Amount is ``amount``."""
    rows = []
    total = Decimal(0)
    for n in range(1, lines + 1):
        value = Decimal(amount) if n == 1 else Decimal(n * 137) / 10
        total += value
        rows.append(
            f'    <ex:Line number="{n}">\n'
            f'      <ex:MeteringPoint codingScheme="A01">62Z0000000{n:05d}X</ex:MeteringPoint>\n'
            f"      <ex:Description>Електрична енергія, зона {1 + n % 3}</ex:Description>\n"
            f'      <ex:Quantity unit="KWH">{n * 1000}</ex:Quantity>\n'
            f"      <ex:Price>4.32</ex:Price>\n"
            f"      <ex:Amount>{value}</ex:Amount>\n"
            f"    </ex:Line>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ex:SupplierInvoice xmlns:ex="{EX_NS}" Id="{doc_id}">\n'
        "  <ex:mRID>INV-2024-000123</ex:mRID>\n"
        "  <ex:revisionNumber>1</ex:revisionNumber>\n"
        "  <ex:type>A01</ex:type>\n"
        f'  <ex:{_SENDER} codingScheme="A01">21X000000001397P</ex:{_SENDER}>\n'
        f'  <ex:{_RECEIVER} codingScheme="A01">10Y1001C--00003F</ex:{_RECEIVER}>\n'
        "  <ex:createdDateTime>2024-05-01T08:00:00Z</ex:createdDateTime>\n"
        '  <ex:Consumer edrpou="12345678">ТОВ Джерело</ex:Consumer>\n'
        "  <ex:Lines>\n" + "".join(rows) + "  </ex:Lines>\n"
        f'  <ex:Total currency="UAH">{total}</ex:Total>\n'
        "</ex:SupplierInvoice>\n"
    ).encode("utf-8")


def small_xml(*, doc_id: str = "doc-1", amount: str = "1000") -> bytes:
    """A two-line document for quick tests."""
    return invoice_xml(2, doc_id=doc_id, amount=amount)
