"""Pure rules of the exchange: which files are complete drops, ack names, poll backoff."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from adapter.exchange import Backoff, ack_name, is_complete_drop


@pytest.mark.parametrize(
    ("name", "taken"),
    [("INV-1.xml", True), ("INV-1.xml.part", False), (".INV-1.xml", False),
     ("INV-1.XML.tmp", False), ("notes.txt", False), ("INV-1.xmlx", False)],
)
def test_only_complete_xml_drops_are_taken(tmp_path: Path, name: str, taken: bool):
    path = tmp_path / name
    path.write_bytes(b"<x/>")
    assert is_complete_drop(path) is taken


def test_links_and_folders_are_not_taken(tmp_path: Path):
    (tmp_path / "real.txt").write_bytes(b"<x/>")
    (tmp_path / "link.xml").symlink_to(tmp_path / "real.txt")
    (tmp_path / "folder.xml").mkdir()
    assert not is_complete_drop(tmp_path / "link.xml")
    assert not is_complete_drop(tmp_path / "folder.xml")


def test_ack_name_sits_beside_the_document():
    assert ack_name("INV-1.xml") == "INV-1.ack.xml"
    assert ack_name("a.b.xml") == "a.b.ack.xml"


def test_backoff_doubles_up_to_the_cap():
    backoff = Backoff(base=timedelta(seconds=10), cap=timedelta(seconds=60), jitter=lambda: 1.0)
    assert [backoff.delay(n).total_seconds() for n in range(1, 6)] == [10, 20, 40, 60, 60]


def test_backoff_jitter_has_a_floor():
    backoff = Backoff(base=timedelta(seconds=10), jitter=lambda: 0.0)
    assert backoff.delay(3) == timedelta(seconds=1)
