"""FileDropTransport: atomic writes, idempotent re-delivery, conflicts, transient I/O errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapter.delivery.transport import OutboundMessage, idempotency_key
from adapter.errors import PermanentRemoteError, TransientRemoteError
from adapter.exchange import FileDropTransport, drop_name
from adapter.exchange import atomic as atomic_module


def message(payload: bytes = b"<PaymentNotice/>", mrid: str = "PAY-1",
            kind: str = "PaymentNotice") -> OutboundMessage:
    return OutboundMessage(id=7, destination="billing", kind=kind, sender_eic="62X0000000000012",
                           mrid=mrid, revision=2, payload=payload, attempts=0,
                           idempotency_key=idempotency_key("62X0000000000012", mrid, 2))


def test_writes_the_payload_under_the_identity_name(tmp_path: Path):
    receipt = FileDropTransport(tmp_path).deliver(message(b"<a>1</a>"))

    target = tmp_path / "62X0000000000012_PAY-1_2_PaymentNotice.xml"
    assert receipt.ack_code == "A01"
    assert target.read_bytes() == b"<a>1</a>"
    assert sorted(os.listdir(tmp_path)) == [target.name]  # no temp file left behind


def test_same_file_again_is_already_delivered(tmp_path: Path):
    transport = FileDropTransport(tmp_path)
    transport.deliver(message(b"<a>1</a>"))
    mtime = (tmp_path / drop_name(message())).stat().st_mtime_ns

    receipt = transport.deliver(message(b"<a>1</a>"))

    assert receipt.ack_code == "A51"
    assert (tmp_path / drop_name(message())).stat().st_mtime_ns == mtime  # not rewritten


def test_other_bytes_under_the_same_name_are_a_conflict(tmp_path: Path):
    transport = FileDropTransport(tmp_path)
    transport.deliver(message(b"<a>1</a>"))

    with pytest.raises(PermanentRemoteError) as caught:
        transport.deliver(message(b"<a>2</a>"))

    assert caught.value.code == "DOC_CONFLICT"
    assert (tmp_path / drop_name(message())).read_bytes() == b"<a>1</a>"


def test_missing_folder_is_transient(tmp_path: Path):
    with pytest.raises(TransientRemoteError) as caught:
        FileDropTransport(tmp_path / "absent").deliver(message())
    assert caught.value.code == "FILE_WRITE_FAILED"


def test_a_failed_rename_leaves_neither_target_nor_temp(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    def broken_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_module.os, "replace", broken_replace)
    with pytest.raises(TransientRemoteError):
        FileDropTransport(tmp_path).deliver(message())
    assert os.listdir(tmp_path) == []


def test_reader_never_sees_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seen: list[list[str]] = []
    real_replace = os.replace

    def observing_replace(source: str, target: str) -> None:
        # Just before the rename the data is complete and fsynced, under a dotfile name only.
        names = os.listdir(tmp_path)
        seen.append(names)
        assert Path(source).read_bytes() == b"<big>" + b"x" * 100_000 + b"</big>"
        real_replace(source, target)

    monkeypatch.setattr(atomic_module.os, "replace", observing_replace)
    FileDropTransport(tmp_path).deliver(message(b"<big>" + b"x" * 100_000 + b"</big>"))

    [names] = seen
    assert len(names) == 1 and names[0].startswith(".") and names[0].endswith(".tmp")


@pytest.mark.parametrize("mrid", ["../etc", "a/b", "PAY_1", "", ".hidden"])
def test_names_that_could_escape_or_not_parse_back_are_refused(tmp_path: Path, mrid: str):
    with pytest.raises(PermanentRemoteError) as caught:
        FileDropTransport(tmp_path).deliver(message(mrid=mrid))
    assert caught.value.code == "FILE_BAD_NAME"
    assert os.listdir(tmp_path) == []
