"""Identifier rules of the domain: EIC, EDRPOU, contract numbers and organisation names.

The checksums come from python-stdnum (``stdnum.eu.eic``, ``stdnum.ua.edrpou``) rather than being
written again here. Every check is strict about the *form* too: stdnum's own ``is_valid`` first
compacts its input (strips spaces, upper-cases), which is right for a form field but wrong for a
value read from a signed document, where ``" 62z..."`` is not the same string as ``"62Z..."``.
"""

from __future__ import annotations

import re

from stdnum.eu import eic as _eic
from stdnum.ua import edrpou as _edrpou

_EIC_FORM = re.compile(r"[0-9A-Z\-]{16}")
_EDRPOU_FORM = re.compile(r"[0-9]{8}")
_CONTRACT_FORM = re.compile(r"27[0-9]{7}")
#: Quotes of every style people type, dots and commas: the seed asks for names without them.
_NAME_NOISE = re.compile("[\"'`\u00ab\u00bb\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b.,]")
_SPACES = re.compile(r"\s+")

#: The EIC object type (3rd character) of a metering point and of a market participant.
EIC_METERING_POINT = "Z"
EIC_PARTY = "X"


def is_valid_eic(code: str, *, object_type: str | None = None) -> bool:
    """Tell whether ``code`` is a well-formed EIC with a correct check character.

    ``object_type`` narrows the 3rd character, e.g. ``"Z"`` for a metering point or ``"X"`` for a
    party (supplier, DSO, billing).
    """
    if not isinstance(code, str) or not _EIC_FORM.fullmatch(code):
        return False
    if object_type is not None and code[2] != object_type:
        return False
    return bool(_eic.is_valid(code))


def is_valid_edrpou(code: str) -> bool:
    """Tell whether ``code`` is an 8-digit EDRPOU with a correct check digit."""
    return (
        isinstance(code, str)
        and bool(_EDRPOU_FORM.fullmatch(code))
        and bool(_edrpou.is_valid(code))
    )


def is_valid_contract_number(s: str) -> bool:
    """Tell whether ``s`` is a consumer contract number: 9 digits starting with ``27``."""
    return isinstance(s, str) and bool(_CONTRACT_FORM.fullmatch(s))


def normalise_org_name(s: str) -> str:
    """Write an organisation name the way the seed asks: no quotes, dots or commas, single spaces.

    ``'ТОВ "Джерело", м. Рівне'`` becomes ``'ТОВ Джерело м Рівне'``. Case is kept; compare two
    normalised names with ``str.casefold`` when matching a registration against the registry.
    """
    return _SPACES.sub(" ", _NAME_NOISE.sub(" ", s)).strip()
