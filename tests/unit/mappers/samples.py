"""One known domain document per kind, built from the sandbox identities.

The golden files in ``golden/`` are exactly what ``write_document`` makes of these objects; the
unsigned examples in ``docs/examples/unsigned/`` are the same bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from adapter.domain import documents as d

DSO = "62X0000000000012"
SUPPLIER = "62X0000000000020"
BILLING = "62X000000000003Z"
CONTRACT = "270000001"
EDRPOU = "12345678"
POINT_1 = "62Z000000000001B"
POINT_2 = "62Z0000000000029"
IBAN = "UA213223130000026007233566001"
FEBRUARY = d.Period(date(2025, 2, 1), date(2025, 2, 28))
CONSUMER = d.ConsumerRef(CONTRACT, EDRPOU, (POINT_1, POINT_2))


def header(kind: d.DocumentKind, mrid: str, sender: str, receiver: str) -> d.DocumentHeader:
    """A header created at a fixed moment, revision 1."""
    return d.DocumentHeader(
        mrid=mrid,
        revision=1,
        kind=kind,
        sender_eic=sender,
        receiver_eic=receiver,
        created_at=datetime(2025, 3, 1, 8, 15, 0, tzinfo=UTC),
    )


def meter_readings() -> d.MeterReadingsDocument:
    """Readings of two metering points: a two-zone meter with a previous value, a reactive one."""
    return d.MeterReadingsDocument(
        header=header(d.DocumentKind.METER_READINGS, "MR-2025-03-000001", DSO, SUPPLIER),
        contract_number=CONTRACT,
        consumer_edrpou=EDRPOU,
        reading_date=date(2025, 3, 1),
        points=(
            d.MeteringPointReadings(
                POINT_1,
                "NIK2303-0114",
                (
                    d.Reading(d.Register.ACTIVE_IMPORT, 1, 48213, previous_value=40013),
                    d.Reading(d.Register.ACTIVE_IMPORT, 2, 21760, previous_value=17460),
                ),
            ),
            d.MeteringPointReadings(
                POINT_2,
                "GAMA300-77812",
                (
                    d.Reading(d.Register.ACTIVE_IMPORT, 1, 905),
                    d.Reading(d.Register.REACTIVE_IMPORT, 1, 311),
                    d.Reading(d.Register.REACTIVE_EXPORT, 1, 12),
                ),
            ),
        ),
    )


def _invoice_lines() -> tuple[d.InvoiceLine, ...]:
    return (
        d.InvoiceLine(
            "Активна електрична енергія, зона день", D("8200"), "kWh", D("5.185680"), D("42522.58")
        ),
        d.InvoiceLine(
            "Активна електрична енергія, зона ніч", D("4300"), "kWh", D("2.592840"), D("11149.21")
        ),
    )


def supplier_invoice() -> d.SupplierInvoice:
    """ROEK's invoice for February: two zone lines, totals and VAT that add up."""
    return d.SupplierInvoice(
        header=header(d.DocumentKind.SUPPLIER_INVOICE, "INV-ROEK-2025-02-0001", SUPPLIER, DSO),
        invoice_number="РЕ-0001/02-25",
        period=FEBRUARY,
        consumer=CONSUMER,
        lines=_invoice_lines(),
        totals=d.Totals(D("53671.79"), D("10734.36"), D("64406.15")),
        due_date=date(2025, 3, 20),
        payee_iban=IBAN,
    )


def distribution_invoice() -> d.DistributionInvoice:
    """The DSO's invoice for distribution services of February."""
    return d.DistributionInvoice(
        header=header(d.DocumentKind.DISTRIBUTION_INVOICE, "INV-DSO-2025-02-0001", BILLING, DSO),
        invoice_number="РОЕ-Р-0001/02-25",
        period=FEBRUARY,
        consumer=CONSUMER,
        lines=(
            d.InvoiceLine(
                "Послуги з розподілу електричної енергії",
                D("12500"),
                "kWh",
                D("1.481260"),
                D("18515.75"),
            ),
        ),
        totals=d.Totals(D("18515.75"), D("3703.15"), D("22218.90")),
        due_date=date(2025, 3, 20),
        payee_iban=IBAN,
    )


def reactive_energy_invoice() -> d.ReactiveEnergyInvoice:
    """The DSO's invoice for reactive energy flows of February."""
    return d.ReactiveEnergyInvoice(
        header=header(
            d.DocumentKind.REACTIVE_ENERGY_INVOICE, "INV-DSO-R-2025-02-0001", BILLING, DSO
        ),
        invoice_number="РОЕ-РЕ-0001/02-25",
        period=FEBRUARY,
        consumer=d.ConsumerRef(CONTRACT, EDRPOU, (POINT_2,)),
        lines=(
            d.InvoiceLine(
                "Споживання реактивної енергії", D("3100"), "kvarh", D("0.312450"), D("968.60")
            ),
            d.InvoiceLine(
                "Генерація реактивної енергії", D("1200"), "kvarh", D("0.312450"), D("374.94")
            ),
        ),
        totals=d.Totals(D("1343.54"), D("268.71"), D("1612.25")),
        due_date=date(2025, 3, 20),
        payee_iban=IBAN,
    )


def _act_lines() -> tuple[d.ActLine, ...]:
    return (
        d.ActLine(POINT_1, d.Register.ACTIVE_IMPORT, D("8200"), D("5.185680"), D("42522.58")),
        d.ActLine(POINT_2, d.Register.ACTIVE_IMPORT, D("4300"), D("2.592840"), D("11149.21")),
    )


def acceptance_act() -> d.AcceptanceAct:
    """ROEK's act of acceptance-transfer for February, tied to its invoice."""
    return d.AcceptanceAct(
        header=header(d.DocumentKind.ACCEPTANCE_ACT, "ACT-ROEK-2025-02-0001", SUPPLIER, DSO),
        act_number="АПП-0001/02-25",
        period=FEBRUARY,
        consumer=CONSUMER,
        lines=_act_lines(),
        totals=d.Totals(D("53671.79"), D("10734.36"), D("64406.15")),
        invoice_mrid="INV-ROEK-2025-02-0001",
    )


def distribution_act() -> d.DistributionAct:
    """The DSO's act for distribution services of February (no invoice reference)."""
    return d.DistributionAct(
        header=header(d.DocumentKind.DISTRIBUTION_ACT, "ACT-DSO-2025-02-0001", BILLING, DSO),
        act_number="РОЕ-А-0001/02-25",
        period=FEBRUARY,
        consumer=CONSUMER,
        lines=(
            d.ActLine(POINT_1, d.Register.ACTIVE_IMPORT, D("12500"), D("1.481260"), D("18515.75")),
        ),
        totals=d.Totals(D("18515.75"), D("3703.15"), D("22218.90")),
    )


def act_countersignature() -> d.ActCountersignature:
    """The consumer disputes ROEK's act, with a comment."""
    return d.ActCountersignature(
        header=header(d.DocumentKind.ACT_COUNTERSIGNATURE, "CS-2025-03-000001", DSO, SUPPLIER),
        act=d.DocumentRef(d.DocumentKind.ACCEPTANCE_ACT, SUPPLIER, "ACT-ROEK-2025-02-0001", 1),
        act_sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        decision=d.ActDecision.DISPUTED,
        comment="Обсяг за зоною ніч не відповідає показам лічильника.",
    )


def payment_notice() -> d.PaymentNotice:
    """A card payment of ROEK's invoice, reported to billing."""
    return d.PaymentNotice(
        header=header(d.DocumentKind.PAYMENT_NOTICE, "PAY-2025-03-000001", DSO, BILLING),
        invoice=d.DocumentRef(
            d.DocumentKind.SUPPLIER_INVOICE, SUPPLIER, "INV-ROEK-2025-02-0001", 1
        ),
        contract_number=CONTRACT,
        amount=D("64406.15"),
        paid_at=datetime(2025, 3, 5, 10, 42, 7, tzinfo=UTC),
        provider_reference="LIQPAY-2398471122",
    )


def consumer_registry() -> d.ConsumerRegistry:
    """One consumer with two metering points, one of them with a transformer-fed meter."""
    meter_1 = d.RegistryMeter("NIK2303-0114", (d.Register.ACTIVE_IMPORT,), 2, 6, 1)
    meter_2 = d.RegistryMeter(
        "GAMA300-77812",
        (d.Register.ACTIVE_IMPORT, d.Register.REACTIVE_IMPORT, d.Register.REACTIVE_EXPORT),
        1,
        7,
        40,
    )
    consumer = d.RegistryConsumer(
        CONTRACT,
        EDRPOU,
        "ТОВ Джерело",
        SUPPLIER,
        (
            d.RegistryMeteringPoint(POINT_1, (meter_1,)),
            d.RegistryMeteringPoint(POINT_2, (meter_2,)),
        ),
    )
    return d.ConsumerRegistry(
        header=header(d.DocumentKind.CONSUMER_REGISTRY, "REG-2025-03-01-0001", BILLING, DSO),
        consumers=(consumer,),
    )


def acknowledgement() -> d.AcknowledgementDocument:
    """A rejection of a supplier invoice whose totals did not add up."""
    return d.AcknowledgementDocument(
        header=header(d.DocumentKind.ACKNOWLEDGEMENT, "ACK-2025-03-000001", DSO, SUPPLIER),
        received_mrid="INV-ROEK-2025-02-0002",
        received_revision=1,
        reason=d.AckReason.REJECTED,
        reason_text="Сума рядків не дорівнює сумі без ПДВ.",
        error_code="MAPPING_TOTALS_MISMATCH",
    )


SAMPLES = {
    d.DocumentKind.METER_READINGS: meter_readings,
    d.DocumentKind.SUPPLIER_INVOICE: supplier_invoice,
    d.DocumentKind.ACCEPTANCE_ACT: acceptance_act,
    d.DocumentKind.ACT_COUNTERSIGNATURE: act_countersignature,
    d.DocumentKind.DISTRIBUTION_INVOICE: distribution_invoice,
    d.DocumentKind.DISTRIBUTION_ACT: distribution_act,
    d.DocumentKind.REACTIVE_ENERGY_INVOICE: reactive_energy_invoice,
    d.DocumentKind.PAYMENT_NOTICE: payment_notice,
    d.DocumentKind.CONSUMER_REGISTRY: consumer_registry,
    d.DocumentKind.ACKNOWLEDGEMENT: acknowledgement,
}
