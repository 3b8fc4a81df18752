"""Reading the parsed fields stored with a document (JSON: decimals and dates as strings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


def as_dict(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_date(value: object) -> date | None:
    """An ISO date string as a date; None for anything else."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def as_decimal(value: object) -> Decimal | None:
    """A decimal string as a Decimal (never through float); None for anything else."""
    try:
        return Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None
