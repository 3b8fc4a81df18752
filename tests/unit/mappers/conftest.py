"""Fixtures of the mapper tests: the golden files and a way to edit them before reading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from adapter.safexml import parse_xml

GOLDEN = Path(__file__).resolve().parent / "golden"
NS = "urn:roe:exchange:1"


def golden_bytes(name: str) -> bytes:
    """The bytes of ``golden/<name>.xml``."""
    return (GOLDEN / f"{name}.xml").read_bytes()


def set_text(root: etree._Element, path: str, value: str) -> None:
    """Set the text of the element at ``path`` (ElementTree path with prefix ``ex``)."""
    element = root.find(path, {"ex": NS})
    assert element is not None, path
    element.text = value


@pytest.fixture
def golden_root() -> Callable[[str], etree._Element]:
    """Parse a golden file into a fresh tree that the test may edit."""
    return lambda name: parse_xml(golden_bytes(name))
