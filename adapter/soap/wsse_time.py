"""The wsu:Timestamp: reading it and judging its freshness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml import etree

from adapter.errors import SignatureError
from adapter.soap.wsse_ns import WSU_NS, q


@dataclass(frozen=True)
class Timestamp:
    """Created and Expires of a wsu:Timestamp, timezone-aware."""

    created: datetime
    expires: datetime


def _timestamp_error(message: str) -> SignatureError:
    return SignatureError(message, code="WSSE_TIMESTAMP")


def parse_instant(text: str | None) -> datetime:
    """Parse an xsd:dateTime that must carry a zone (``Z`` or an offset)."""
    value = (text or "").strip()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _timestamp_error(f"Некоректна дата у wsu:Timestamp: {value!r}.") from exc
    if instant.tzinfo is None or "T" not in value:
        raise _timestamp_error(f"Дата у wsu:Timestamp має містити час і часовий пояс: {value!r}.")
    return instant


def read_timestamp(element: etree._Element) -> Timestamp:
    """Read Created and Expires, each exactly once."""
    created = element.findall(q(WSU_NS, "Created"))
    expires = element.findall(q(WSU_NS, "Expires"))
    if len(created) != 1 or len(expires) != 1:
        raise _timestamp_error("wsu:Timestamp має містити один Created і один Expires.")
    stamp = Timestamp(parse_instant(created[0].text), parse_instant(expires[0].text))
    if stamp.expires <= stamp.created:
        raise _timestamp_error("У wsu:Timestamp Expires не пізніше за Created.")
    return stamp


def accepted_until(stamp: Timestamp, *, max_age: timedelta, max_skew: timedelta) -> datetime:
    """The last instant at which a message with ``stamp`` is still accepted.

    A message is fresh while neither its own Expires nor our freshness window (Created +
    ``max_age``) has passed, each allowing ``max_skew`` for the two clocks' disagreement.
    """
    return min(stamp.expires, stamp.created + max_age) + max_skew


def check_fresh(
    stamp: Timestamp, *, now: datetime, max_age: timedelta, max_skew: timedelta
) -> None:
    """Raise WSSE_NOT_YET_VALID or WSSE_EXPIRED unless ``stamp`` is acceptable at ``now``."""
    if stamp.created > now + max_skew:
        raise SignatureError(
            "Час створення повідомлення ще не настав (розбіжність годинників?).",
            code="WSSE_NOT_YET_VALID",
            created=stamp.created.isoformat(),
        )
    if now > stamp.expires + max_skew:
        raise SignatureError(
            "Термін дії повідомлення минув.", code="WSSE_EXPIRED", expires=stamp.expires.isoformat()
        )
    if now > stamp.created + max_age + max_skew:
        raise SignatureError(
            "Повідомлення застаріле: створене раніше, ніж дозволяє вікно свіжості.",
            code="WSSE_EXPIRED",
            created=stamp.created.isoformat(),
        )
