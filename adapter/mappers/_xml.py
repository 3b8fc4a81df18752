"""Small helpers the mappers share: qualified names, typed reads of children, typed writes.

Reads take the XPath string value of an element (all its text nodes, comments excluded), never
``.text``: a comment inside signed text (``1<!---->000``) must read as ``1000``, not ``1``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from adapter.domain.money import is_money
from adapter.errors import MappingError
from adapter.xml_schemas import EXCHANGE_NS

_UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def q(name: str) -> str:
    """The Clark name of ``name`` in the exchange namespace."""
    return f"{{{EXCHANGE_NS}}}{name}"


def opt_child(parent: etree._Element, name: str) -> etree._Element | None:
    """The first child called ``name``, or ``None``."""
    return parent.find(q(name))


def child(parent: etree._Element, name: str) -> etree._Element:
    """The first child called ``name``; :class:`MappingError` when it is missing."""
    found = opt_child(parent, name)
    if found is None:
        raise MappingError(
            f"Відсутній елемент {name} у {etree.QName(parent).localname}.",
            code="MAPPING_MISSING_ELEMENT",
            element=name,
        )
    return found


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    """All children called ``name``, in document order."""
    return parent.findall(q(name))


def string_value(element: etree._Element) -> str:
    """The element's text content (all text nodes, no comments), stripped of outer whitespace."""
    return str(element.xpath("string()")).strip()


def text(parent: etree._Element, name: str) -> str:
    """The text of the required child ``name``."""
    return string_value(child(parent, name))


def opt_text(parent: etree._Element, name: str) -> str | None:
    """The text of the optional child ``name``, or ``None``."""
    found = opt_child(parent, name)
    return None if found is None else string_value(found)


def _bad_value(name: str, value: str, exc: Exception) -> MappingError:
    return MappingError(
        f"Некоректне значення елемента {name}: {value!r}.", code="MAPPING_BAD_VALUE", element=name
    )


def integer(parent: etree._Element, name: str) -> int:
    """The required child ``name`` as an int."""
    value = text(parent, name)
    try:
        return int(value)
    except ValueError as exc:
        raise _bad_value(name, value, exc) from exc


def decimal(parent: etree._Element, name: str) -> Decimal:
    """The required child ``name`` as a Decimal (exactly as written, never through float)."""
    value = text(parent, name)
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise _bad_value(name, value, exc) from exc
    if not result.is_finite():
        raise _bad_value(name, value, ValueError(value))
    return result


def day(parent: etree._Element, name: str) -> date:
    """The required child ``name`` as a date (``YYYY-MM-DD``)."""
    value = text(parent, name)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _bad_value(name, value, exc) from exc


def utc(parent: etree._Element, name: str) -> datetime:
    """The required child ``name`` as an aware UTC datetime (``YYYY-MM-DDThh:mm:ssZ``)."""
    value = text(parent, name)
    try:
        return datetime.strptime(value, _UTC_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise _bad_value(name, value, exc) from exc


def sub(
    parent: etree._Element, name: str, value: str | None = None, **attrib: str
) -> etree._Element:
    """Append a child ``name`` with optional text and attributes; return it."""
    element = etree.SubElement(parent, q(name), attrib)
    if value is not None:
        element.text = value
    return element


def fmt_money(value: Decimal, name: str) -> str:
    """An amount as written in XML: exactly two fraction digits; refuses sub-kopeck values."""
    if not is_money(value):
        raise MappingError(
            f"Сума {name} має бути в гривнях з копійками (до двох знаків після коми): {value!r}.",
            code="MAPPING_AMOUNT_PRECISION",
            element=name,
        )
    return f"{value:.2f}"


def fmt_decimal(value: Decimal) -> str:
    """A quantity or price as written in XML: plain notation, never an exponent."""
    if isinstance(value, float):
        raise TypeError("кількість не можна передавати як float")
    return format(Decimal(value), "f")


def fmt_utc(value: datetime, name: str) -> str:
    """An aware datetime as ``YYYY-MM-DDThh:mm:ssZ``; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise MappingError(
            f"Час {name} має містити часовий пояс.", code="MAPPING_NAIVE_DATETIME", element=name
        )
    return value.astimezone(UTC).strftime(_UTC_FORMAT)
