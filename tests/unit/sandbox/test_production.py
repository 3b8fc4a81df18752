"""The sandbox peers bill what the meters measured: coefficient, rollover, the month before."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal

from adapter.domain import documents as d
from adapter.sandbox.ledger import Ledger
from adapter.sandbox.production import _period, consumption
from adapter.sandbox.registry_data import sandbox_meters

METERS = sandbox_meters()


def _doc(serial: str, value: int,
         reading_date: date = date(2026, 11, 1)) -> d.MeterReadingsDocument:
    header = d.DocumentHeader("M", 1, d.DocumentKind.METER_READINGS, "62X0000000000012",
                              "62X0000000000012", datetime(2026, 11, 1, tzinfo=UTC))
    point = d.MeteringPointReadings("62Z0000000000029", serial,
                                    (d.Reading(d.Register.ACTIVE_IMPORT, 1, value),))
    return d.MeterReadingsDocument(header, "270000001", "12345678", reading_date, (point,))


def _connection(tmp_path) -> sqlite3.Connection:  # noqa: ANN001
    Ledger(tmp_path / "ledger.sqlite3")  # creates the schema
    return sqlite3.connect(tmp_path / "ledger.sqlite3")


def test_volume_is_the_difference_times_the_transformation_coefficient(tmp_path):
    conn = _connection(tmp_path)
    # The first reading is a baseline.
    assert consumption(conn, _doc("NIK-200002", 1000), METERS) == []

    [volume] = consumption(conn, _doc("NIK-200002", 1400), METERS)

    assert volume.volume == Decimal(400 * 30)


def test_a_counter_that_rolled_over_at_its_capacity_is_billed_for_what_it_measured(tmp_path):
    conn = _connection(tmp_path)
    consumption(conn, _doc("NIK-800008", 999_900), METERS)  # 6 digits, coefficient 1

    [volume] = consumption(conn, _doc("NIK-800008", 100), METERS)

    assert volume.volume == Decimal(200)


def test_a_reading_on_the_first_bills_the_month_before():
    period = _period(_doc("NIK-800008", 1, reading_date=date(2026, 3, 1)))

    assert (period.start, period.end) == (date(2026, 2, 1), date(2026, 2, 28))


def test_the_invoice_and_the_act_of_the_same_consumption_agree_to_the_kopeck():
    from adapter.domain.documents import AcceptanceAct, SupplierInvoice
    from adapter.sandbox.production import Issuer, Volume, act, by_point, invoice

    doc = _doc("LZQJ-100001", 1)
    issuer = Issuer("62X0000000000020", "62X0000000000012", datetime(2026, 11, 1, tzinfo=UTC))
    tariff = Decimal("5.185680")
    # Zone volumes whose amounts round differently one by one than summed.
    volumes = [Volume("62Z000000000001B", "LZQJ-100001", d.Register.ACTIVE_IMPORT, zone,
                      Decimal(kwh)) for zone, kwh in ((1, 3), (2, 3), (3, 3))]

    bill = invoice(SupplierInvoice, issuer, doc, by_point(volumes, "Енергія"), unit="kWh",
                   tariff=tariff, iban="UA213223130000026007233566001")
    acceptance = act(AcceptanceAct, issuer, doc, volumes, tariff=tariff,
                     invoice_mrid=bill.header.mrid)

    assert bill.totals == acceptance.totals


def test_a_generated_consumers_meter_is_priced_from_the_generated_registry(tmp_path):
    conn = _connection(tmp_path)
    meters = sandbox_meters(2)
    consumption(conn, _doc("GEN-000002", 9_999_990), meters)  # 7 digits, coefficient 1

    [volume] = consumption(conn, _doc("GEN-000002", 15), meters)

    assert volume.volume == Decimal(25)
