"""Signed billing files dropped into an inbox folder, through the real intake pipeline."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from adapter.domain.documents import AcknowledgementDocument, AckReason
from adapter.exchange import FileInbox
from adapter.mappers import read_document
from adapter.pki import SandboxPki
from adapter.signing import TrustedParty, VerificationPolicy, verify
from tests.integration.exchange.conftest import (
    MakeContainer,
    distribution_invoice,
    rejection_codes,
    signed_by,
    stored,
)


def _ack(pki: SandboxPki, path: Path) -> AcknowledgementDocument:
    """The acknowledgement file, verified as the DSO's signature (as billing would)."""
    dso = TrustedParty("dso", pinned_certs=(pki.party("dso").cert,))
    policy = VerificationPolicy(parties=(dso,))
    verified = verify(path.read_bytes(), policy=policy, party="dso")
    document = read_document(verified.signed_root)
    assert isinstance(document, AcknowledgementDocument)
    return document


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path


def test_signed_file_is_stored_and_moved_with_a01(sandbox_pki: SandboxPki, inbox: Path,
                                                  make_container: MakeContainer):
    container = make_container()
    document = distribution_invoice()
    signed = signed_by(sandbox_pki, document)
    (inbox / "invoice-1.xml").write_bytes(signed)

    [result] = FileInbox(container.intake, inbox).run_once()

    assert result.code == AckReason.ACCEPTED
    assert not (inbox / "invoice-1.xml").exists()
    assert (inbox / "processed" / "invoice-1.xml").read_bytes() == signed
    ack = _ack(sandbox_pki, inbox / "processed" / "invoice-1.ack.xml")
    assert (ack.reason, ack.received_mrid) == (AckReason.ACCEPTED, document.header.mrid)
    assert stored(container) == [("DistributionInvoice", document.header.mrid, "file")]


def test_tampered_file_is_rejected_with_a02_and_nothing_stored(
    sandbox_pki: SandboxPki, inbox: Path, make_container: MakeContainer
):
    container = make_container()
    signed = signed_by(sandbox_pki, distribution_invoice())
    tampered = signed.replace(b"<quantity>500<", b"<quantity>900<", 1)
    assert tampered != signed
    (inbox / "bad.xml").write_bytes(tampered)

    [result] = FileInbox(container.intake, inbox).run_once()

    assert result.code == AckReason.REJECTED and result.error_code == "SIG_INVALID"
    assert (inbox / "rejected" / "bad.xml").exists()
    ack = _ack(sandbox_pki, inbox / "rejected" / "bad.ack.xml")
    assert (ack.reason, ack.error_code) == (AckReason.REJECTED, result.error_code)
    assert stored(container) == []
    assert rejection_codes(container) == [result.error_code]


def test_part_and_dot_files_wait_until_renamed(sandbox_pki: SandboxPki, inbox: Path,
                                               make_container: MakeContainer):
    container = make_container()
    signed = signed_by(sandbox_pki, distribution_invoice())
    (inbox / "invoice-2.xml.part").write_bytes(signed[: len(signed) // 2])
    (inbox / ".invoice-3.xml").write_bytes(signed)
    watcher = FileInbox(container.intake, inbox)

    assert watcher.run_once() == []
    assert stored(container) == []

    (inbox / "invoice-2.xml.part").write_bytes(signed)
    os.replace(inbox / "invoice-2.xml.part", inbox / "invoice-2.xml")
    [result] = watcher.run_once()
    assert result.name == "invoice-2.xml" and result.code == AckReason.ACCEPTED
    assert (inbox / ".invoice-3.xml").exists()  # dotfiles are never taken


def test_crash_after_ack_before_move_is_handled_once(sandbox_pki: SandboxPki, inbox: Path,
                                                     make_container: MakeContainer,
                                                     monkeypatch: pytest.MonkeyPatch):
    container = make_container()
    (inbox / "invoice-4.xml").write_bytes(signed_by(sandbox_pki, distribution_invoice()))

    def crash(source: Path, target: Path) -> None:
        raise RuntimeError("процес впав між квитанцією і переміщенням")

    with monkeypatch.context() as patch:
        patch.setattr("adapter.exchange.file_inbox.move_atomically", crash)
        with pytest.raises(RuntimeError):
            FileInbox(container.intake, inbox).run_once()
    first_ack = (inbox / "processed" / "invoice-4.ack.xml").read_bytes()
    assert (inbox / "invoice-4.xml").exists()

    [result] = FileInbox(container.intake, inbox).run_once()

    assert result.code == AckReason.ALREADY_RECEIVED
    assert len(stored(container)) == 1
    assert (inbox / "processed" / "invoice-4.ack.xml").read_bytes() == first_ack
    assert _ack(sandbox_pki, inbox / "processed" / "invoice-4.ack.xml").reason == (
        AckReason.ACCEPTED)
    assert not (inbox / "invoice-4.xml").exists()


def test_a_reused_name_does_not_overwrite_the_earlier_document(
    sandbox_pki: SandboxPki, inbox: Path, make_container: MakeContainer
):
    container = make_container()
    first, second = distribution_invoice(), distribution_invoice("RD-F2", value=1700)
    second = replace(second, header=replace(second.header, mrid="Z05-second"))
    watcher = FileInbox(container.intake, inbox)
    for document in (first, second):
        (inbox / "monthly.xml").write_bytes(signed_by(sandbox_pki, document))
        watcher.run_once()

    names = sorted(path.name for path in (inbox / "processed").iterdir())
    assert len(names) == 4 and "monthly.xml" in names and "monthly.ack.xml" in names
    assert len(stored(container)) == 2
