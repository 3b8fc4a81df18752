"""Models of the consumer registry (``registry_*``) and submitted readings (``readings_*``).

The registry is our copy of billing's: consumers, their metering points, meters, counters and
supplier assignments (kept as a history, so a reading is routed to the supplier of its date).

A readings submission keeps the consumer-signed original byte for byte (``original``) with its
SHA-256: it is the legal record and exactly what is passed on to the supplier and billing. Its
identity is the document identity every party uses, (sender EIC, mRID, revision): the peers'
inboxes deduplicate by it, so two consumers may not share it (see docs/readings.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class SupplierRecord(Base):
    """An electricity supplier: EIC, name, whether we exchange documents with it automatically."""

    __tablename__ = "registry_suppliers"

    eic: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    has_integration: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConsumerRecord(Base):
    """A consumer's contract as billing knows it."""

    __tablename__ = "registry_consumers"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_number: Mapped[str] = mapped_column(String(9), unique=True)
    edrpou: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set when a complete sync no longer finds the contract in billing's registry (terminated);
    # cleared if it comes back. The row stays: documents and accounts refer to it.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    metering_points: Mapped[list[MeteringPointRecord]] = relationship(
        back_populates="consumer", order_by="MeteringPointRecord.eic"
    )
    assignments: Mapped[list[SupplierAssignmentRecord]] = relationship(
        back_populates="consumer", order_by="SupplierAssignmentRecord.valid_from",
        cascade="all, delete-orphan",
    )


class MeteringPointRecord(Base):
    """A metering point; it belongs to one consumer at a time (a move re-points the row)."""

    __tablename__ = "registry_metering_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    eic: Mapped[str] = mapped_column(String(16), unique=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("registry_consumers.id"), index=True)

    consumer: Mapped[ConsumerRecord] = relationship(back_populates="metering_points")
    meters: Mapped[list[MeterRecord]] = relationship(
        back_populates="metering_point", order_by="MeterRecord.serial",
        cascade="all, delete-orphan",
    )


class MeterRecord(Base):
    """A meter installed at a metering point."""

    __tablename__ = "registry_meters"
    __table_args__ = (UniqueConstraint("metering_point_id", "serial", name="uq_registry_meter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metering_point_id: Mapped[int] = mapped_column(ForeignKey("registry_metering_points.id"))
    serial: Mapped[str] = mapped_column(String(32))
    digit_capacity: Mapped[int] = mapped_column(Integer)
    transformation_coefficient: Mapped[int] = mapped_column(Integer)
    zone_count: Mapped[int] = mapped_column(Integer)

    metering_point: Mapped[MeteringPointRecord] = relationship(back_populates="meters")
    registers: Mapped[list[MeterRegisterRecord]] = relationship(
        back_populates="meter", order_by="MeterRegisterRecord.id",
        cascade="all, delete-orphan",
    )


class MeterRegisterRecord(Base):
    """One counter of a meter: a register (A+, A-, R+, R-) in one tariff zone."""

    __tablename__ = "registry_meter_registers"
    __table_args__ = (
        UniqueConstraint("meter_id", "register", "zone", name="uq_registry_meter_register"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("registry_meters.id"))
    register: Mapped[str] = mapped_column(String(2))
    zone: Mapped[int] = mapped_column(Integer)

    meter: Mapped[MeterRecord] = relationship(back_populates="registers")


class SupplierAssignmentRecord(Base):
    """From ``valid_from`` on, ``supplier_eic`` supplies the consumer (the latest one wins)."""

    __tablename__ = "registry_supplier_assignments"
    __table_args__ = (
        UniqueConstraint("consumer_id", "valid_from", name="uq_registry_assignment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("registry_consumers.id"), index=True)
    supplier_eic: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[date] = mapped_column(Date)

    consumer: Mapped[ConsumerRecord] = relationship(back_populates="assignments")


class ReadingSubmissionRecord(Base):
    """A consumer-signed readings document we accepted, with its original bytes and status.

    ``status``: ``queued`` (on its way to supplier and billing), ``awaiting_export`` (the supplier
    has no integration: an operator exports the signed file), ``exported``, ``delivered``.
    Rejected documents are not stored here (nothing is half-stored): see ``inbound_rejections``.
    """

    __tablename__ = "readings_submissions"
    __table_args__ = (
        UniqueConstraint("sender_eic", "mrid", "revision", name="uq_readings_identity"),
        Index("ix_readings_contract_date", "contract_number", "reading_date"),
        Index("ix_readings_status_supplier", "status", "supplier_eic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_eic: Mapped[str] = mapped_column(String(16))
    mrid: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    contract_number: Mapped[str] = mapped_column(String(9))
    consumer_edrpou: Mapped[str] = mapped_column(String(8))
    reading_date: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    supplier_eic: Mapped[str | None] = mapped_column(String(16), nullable=True)
    signer_subject: Mapped[str] = mapped_column(Text)
    signer_serial: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    values: Mapped[list[ReadingValueRecord]] = relationship(
        back_populates="submission", order_by="ReadingValueRecord.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[ReadingEventRecord]] = relationship(
        back_populates="submission", order_by="ReadingEventRecord.id", cascade="all, delete-orphan"
    )


class ReadingValueRecord(Base):
    """One counter's value in an accepted submission, with the volume it implied."""

    __tablename__ = "readings_values"
    __table_args__ = (
        Index("ix_readings_values_counter", "metering_point_eic", "meter_serial", "register",
              "zone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("readings_submissions.id"), index=True)
    metering_point_eic: Mapped[str] = mapped_column(String(16))
    meter_serial: Mapped[str] = mapped_column(String(32))
    register: Mapped[str] = mapped_column(String(2))
    zone: Mapped[int] = mapped_column(Integer)
    # Counters have up to 12 digits and volumes multiply them by up to 10**6: 64-bit integers.
    value: Mapped[int] = mapped_column(BigInteger)
    previous_value: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    volume: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    warning: Mapped[str | None] = mapped_column(Text, nullable=True)

    submission: Mapped[ReadingSubmissionRecord] = relationship(back_populates="values")


class ReadingEventRecord(Base):
    """One step of a submission's timeline: received, verified, stored, queued, delivered..."""

    __tablename__ = "readings_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("readings_submissions.id"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[ReadingSubmissionRecord] = relationship(back_populates="events")
