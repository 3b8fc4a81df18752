"""Money on :class:`~decimal.Decimal`: UAH with kopecks, VAT 20 %, never float.

Rounding is commercial (``ROUND_HALF_UP``) to the kopeck, as Ukrainian invoices are rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: One kopeck: the quantum every amount is rounded to.
KOPECK = Decimal("0.01")
#: The standard VAT rate in Ukraine.
VAT_RATE = Decimal("0.20")


def to_money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal amount rounded to kopecks; floats are refused."""
    if isinstance(value, (float, bool)):
        # A float has already lost the kopecks we are asked to keep; refuse it loudly.
        raise TypeError("гроші не можна передавати як float")
    return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


def is_money(value: Decimal) -> bool:
    """Tell whether ``value`` is a finite Decimal with at most two fraction digits."""
    return isinstance(value, Decimal) and value.is_finite() and value == value.quantize(KOPECK)


def vat_of(net: Decimal) -> Decimal:
    """VAT (20 %) on a net amount, rounded to kopecks."""
    return to_money(net * VAT_RATE)


def gross_of(net: Decimal) -> Decimal:
    """Amount with VAT for a net amount: ``net + vat_of(net)``."""
    return to_money(net) + vat_of(net)


def vat_in_gross(gross: Decimal) -> Decimal:
    """The VAT contained in an amount that already includes 20 % VAT (one sixth of it)."""
    return to_money(gross * VAT_RATE / (1 + VAT_RATE))


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Amount of an invoice line: quantity times unit price, rounded to kopecks."""
    if isinstance(quantity, float) or isinstance(unit_price, float):
        raise TypeError("кількість і ціну не можна передавати як float")
    return to_money(quantity * unit_price)
