"""ConsumerRegistry <-> :class:`~adapter.domain.documents.ConsumerRegistry`."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import (
    ConsumerRegistry,
    DocumentHeader,
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)
from adapter.mappers._xml import children, integer, string_value, sub, text


def read(root: etree._Element, header: DocumentHeader) -> ConsumerRegistry:
    """Map the body of a ConsumerRegistry root."""
    return ConsumerRegistry(
        header=header, consumers=tuple(_read_consumer(c) for c in children(root, "Consumer"))
    )


def _read_consumer(consumer: etree._Element) -> RegistryConsumer:
    return RegistryConsumer(
        contract_number=text(consumer, "contractNumber"),
        edrpou=text(consumer, "edrpou"),
        name=text(consumer, "name"),
        supplier_eic=text(consumer, "supplierEic"),
        metering_points=tuple(
            RegistryMeteringPoint(
                eic=text(point, "eic"),
                meters=tuple(_read_meter(meter) for meter in children(point, "Meter")),
            )
            for point in children(consumer, "MeteringPoint")
        ),
    )


def _read_meter(meter: etree._Element) -> RegistryMeter:
    return RegistryMeter(
        serial_number=text(meter, "serialNumber"),
        registers=tuple(Register(string_value(r)) for r in children(meter, "register")),
        zone_count=integer(meter, "zoneCount"),
        digit_capacity=integer(meter, "digitCapacity"),
        transformation_coefficient=integer(meter, "transformationCoefficient"),
    )


def write(root: etree._Element, doc: ConsumerRegistry) -> None:
    """Append the body of ``doc`` to ``root``."""
    for consumer in doc.consumers:
        element = sub(root, "Consumer")
        sub(element, "contractNumber", consumer.contract_number)
        sub(element, "edrpou", consumer.edrpou)
        sub(element, "name", consumer.name)
        sub(element, "supplierEic", consumer.supplier_eic)
        for point in consumer.metering_points:
            point_element = sub(element, "MeteringPoint")
            sub(point_element, "eic", point.eic)
            for meter in point.meters:
                _write_meter(sub(point_element, "Meter"), meter)


def _write_meter(element: etree._Element, meter: RegistryMeter) -> None:
    sub(element, "serialNumber", meter.serial_number)
    for register in meter.registers:
        sub(element, "register", Register(register).value)
    sub(element, "zoneCount", str(meter.zone_count))
    sub(element, "digitCapacity", str(meter.digit_capacity))
    sub(element, "transformationCoefficient", str(meter.transformation_coefficient))
