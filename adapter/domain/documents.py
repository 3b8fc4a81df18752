"""The documents we exchange, as plain frozen dataclasses.

One class per document kind; the class name equals the XML root element name (and the value of
its :class:`DocumentKind`). Amounts are :class:`~decimal.Decimal`, dates are :class:`datetime.date`,
``created_at`` and ``paid_at`` are timezone-aware UTC datetimes. Sequences are tuples so that every
document is hashable and immutable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar


class DocumentKind(StrEnum):
    """A kind of exchanged document; the value is its XML root element name."""

    METER_READINGS = "MeterReadingsDocument"
    SUPPLIER_INVOICE = "SupplierInvoice"
    ACCEPTANCE_ACT = "AcceptanceAct"
    ACT_COUNTERSIGNATURE = "ActCountersignature"
    DISTRIBUTION_INVOICE = "DistributionInvoice"
    DISTRIBUTION_ACT = "DistributionAct"
    REACTIVE_ENERGY_INVOICE = "ReactiveEnergyInvoice"
    PAYMENT_NOTICE = "PaymentNotice"
    CONSUMER_REGISTRY = "ConsumerRegistry"
    ACKNOWLEDGEMENT = "AcknowledgementDocument"

    @property
    def type_code(self) -> str:
        """The header ``type`` code of this kind (our own ``Z..`` codes, ENTSO-E style)."""
        return _TYPE_CODES[self]

    @classmethod
    def from_type_code(cls, code: str) -> DocumentKind:
        """The kind whose header ``type`` code is ``code``; ``ValueError`` if none."""
        for kind, known in _TYPE_CODES.items():
            if known == code:
                return kind
        raise ValueError(f"unknown document type code {code!r}")


# ENTSO-E reserves A.. and B.. codes; Z.. codes are for bilateral use, which this exchange is.
_TYPE_CODES = {kind: f"Z{index:02d}" for index, kind in enumerate(DocumentKind, start=1)}

INVOICE_KINDS = frozenset(
    {
        DocumentKind.SUPPLIER_INVOICE,
        DocumentKind.DISTRIBUTION_INVOICE,
        DocumentKind.REACTIVE_ENERGY_INVOICE,
    }
)
ACT_KINDS = frozenset({DocumentKind.ACCEPTANCE_ACT, DocumentKind.DISTRIBUTION_ACT})


class Register(StrEnum):
    """A meter register: active/reactive energy, import (+) or export (-)."""

    ACTIVE_IMPORT = "A+"
    ACTIVE_EXPORT = "A-"
    REACTIVE_IMPORT = "R+"
    REACTIVE_EXPORT = "R-"

    @property
    def unit(self) -> str:
        """The unit the register counts in: ``kWh`` or ``kvarh``."""
        return "kWh" if self.value.startswith("A") else "kvarh"


class AckReason(StrEnum):
    """ENTSO-E acknowledgement reason codes we use."""

    ACCEPTED = "A01"
    REJECTED = "A02"
    ALREADY_RECEIVED = "A51"


class ActDecision(StrEnum):
    """What the consumer says about an act when countersigning it."""

    ACCEPTED = "accepted"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class DocumentHeader:
    """The ENTSO-E style header every document carries."""

    mrid: str
    revision: int
    kind: DocumentKind
    sender_eic: str
    receiver_eic: str
    created_at: datetime

    @property
    def identity(self) -> tuple[str, str, int]:
        """A document's identity: (sender EIC, mRID, revisionNumber)."""
        return (self.sender_eic, self.mrid, self.revision)


@dataclass(frozen=True)
class Period:
    """A closed interval of days, e.g. a billing month."""

    start: date
    end: date


@dataclass(frozen=True)
class ConsumerRef:
    """Which consumer a document is about."""

    contract_number: str
    edrpou: str
    metering_point_eics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Totals:
    """Net total, VAT and total with VAT of an invoice or act."""

    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class Reading:
    """One register and tariff zone of a meter: a whole-number counter value."""

    register: Register
    zone: int
    value: int
    previous_value: int | None = None


@dataclass(frozen=True)
class MeteringPointReadings:
    """The readings of one meter at one metering point."""

    eic: str
    meter_serial: str
    readings: tuple[Reading, ...]


@dataclass(frozen=True)
class MeterReadingsDocument:
    """A consumer's meter readings, passed on to the supplier and billing."""

    KIND: ClassVar[DocumentKind] = DocumentKind.METER_READINGS
    header: DocumentHeader
    contract_number: str
    consumer_edrpou: str
    reading_date: date
    points: tuple[MeteringPointReadings, ...]


@dataclass(frozen=True)
class InvoiceLine:
    """A line of an invoice: quantity x unit price = amount (net of VAT)."""

    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Invoice:
    """What every invoice carries; use one of the concrete kinds below."""

    KIND: ClassVar[DocumentKind]
    header: DocumentHeader
    invoice_number: str
    period: Period
    consumer: ConsumerRef
    lines: tuple[InvoiceLine, ...]
    totals: Totals
    due_date: date
    payee_iban: str


@dataclass(frozen=True)
class SupplierInvoice(Invoice):
    """An invoice for electric energy from the consumer's supplier."""

    KIND: ClassVar[DocumentKind] = DocumentKind.SUPPLIER_INVOICE


@dataclass(frozen=True)
class DistributionInvoice(Invoice):
    """An invoice for distribution services from the DSO (via billing)."""

    KIND: ClassVar[DocumentKind] = DocumentKind.DISTRIBUTION_INVOICE


@dataclass(frozen=True)
class ReactiveEnergyInvoice(Invoice):
    """An invoice for reactive energy flows from the DSO (via billing)."""

    KIND: ClassVar[DocumentKind] = DocumentKind.REACTIVE_ENERGY_INVOICE


@dataclass(frozen=True)
class ActLine:
    """Energy volume of one metering point and register, priced (net of VAT)."""

    metering_point_eic: str
    register: Register
    volume: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Act:
    """What every act of acceptance-transfer carries; use a concrete kind below."""

    KIND: ClassVar[DocumentKind]
    header: DocumentHeader
    act_number: str
    period: Period
    consumer: ConsumerRef
    lines: tuple[ActLine, ...]
    totals: Totals
    invoice_mrid: str | None = None


@dataclass(frozen=True)
class AcceptanceAct(Act):
    """The supplier's act of acceptance-transfer of energy; the consumer countersigns it."""

    KIND: ClassVar[DocumentKind] = DocumentKind.ACCEPTANCE_ACT


@dataclass(frozen=True)
class DistributionAct(Act):
    """The DSO's act for distribution services."""

    KIND: ClassVar[DocumentKind] = DocumentKind.DISTRIBUTION_ACT


@dataclass(frozen=True)
class DocumentRef:
    """A pointer to another document by its identity (and kind)."""

    kind: DocumentKind
    sender_eic: str
    mrid: str
    revision: int


@dataclass(frozen=True)
class ActCountersignature:
    """The consumer's countersignature of an act, bound to the act's original bytes."""

    KIND: ClassVar[DocumentKind] = DocumentKind.ACT_COUNTERSIGNATURE
    header: DocumentHeader
    act: DocumentRef
    act_sha256: str
    decision: ActDecision
    comment: str | None = None


@dataclass(frozen=True)
class PaymentNotice:
    """A payment of an invoice, reported by the payment provider through the cabinet."""

    KIND: ClassVar[DocumentKind] = DocumentKind.PAYMENT_NOTICE
    header: DocumentHeader
    invoice: DocumentRef
    contract_number: str
    amount: Decimal
    paid_at: datetime
    provider_reference: str


@dataclass(frozen=True)
class RegistryMeter:
    """A meter as billing knows it."""

    serial_number: str
    registers: tuple[Register, ...]
    zone_count: int
    digit_capacity: int
    transformation_coefficient: int


@dataclass(frozen=True)
class RegistryMeteringPoint:
    """A metering point and its meters."""

    eic: str
    meters: tuple[RegistryMeter, ...]


@dataclass(frozen=True)
class RegistryConsumer:
    """A consumer of the DSO's registry: contract, organisation, supplier, metering points."""

    contract_number: str
    edrpou: str
    name: str
    supplier_eic: str
    metering_points: tuple[RegistryMeteringPoint, ...]


@dataclass(frozen=True)
class ConsumerRegistry:
    """One page of billing's consumer registry."""

    KIND: ClassVar[DocumentKind] = DocumentKind.CONSUMER_REGISTRY
    header: DocumentHeader
    consumers: tuple[RegistryConsumer, ...]


@dataclass(frozen=True)
class AcknowledgementDocument:
    """An ENTSO-E style acknowledgement of a received document."""

    KIND: ClassVar[DocumentKind] = DocumentKind.ACKNOWLEDGEMENT
    header: DocumentHeader
    #: None only when the received document could not be read at all.
    received_mrid: str | None
    received_revision: int | None
    reason: AckReason
    reason_text: str
    error_code: str | None = None


Document = (
    MeterReadingsDocument
    | SupplierInvoice
    | DistributionInvoice
    | ReactiveEnergyInvoice
    | AcceptanceAct
    | DistributionAct
    | ActCountersignature
    | PaymentNotice
    | ConsumerRegistry
    | AcknowledgementDocument
)
