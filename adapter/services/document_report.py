"""A verification report of a stored document: who signed it, when, issued by whom, valid or not.

The stored original is verified again, byte for byte, under the policy that trusts the party
which sent it (supplier or billing), twice: as of the moment it was received (was it valid when we
accepted it?) and as of now (is the certificate still valid, not revoked?). A failure is reported
with its stable code and the Ukrainian reason, never raised: the report is what a person reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from adapter.errors import AdapterError
from adapter.persistence.models import InboundDocumentRecord
from adapter.safexml import parse_xml
from adapter.signing import SignerInfo, VerificationPolicy, VerifiedDocument, verify
from adapter.signing.certs import load_signer

_X509 = "{http://www.w3.org/2000/09/xmldsig#}X509Certificate"


@dataclass(frozen=True)
class CheckResult:
    """One verification: at which moment, and its outcome."""

    label: str
    at: datetime
    valid: bool
    code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class VerificationReport:
    """What the report page shows."""

    document_id: int
    party: str
    signer: SignerInfo | None
    #: True when ``signer`` comes from a successful verification, False when it was only read
    #: from the document's KeyInfo (not trusted: shown so a person can see whose it claims to be).
    signer_verified: bool
    algorithm: str
    signing_time: datetime | None
    stored_sha256: str
    actual_sha256: str
    at_receipt: CheckResult
    now: CheckResult

    @property
    def digest_matches(self) -> bool:
        return self.stored_sha256 == self.actual_sha256

    @property
    def valid(self) -> bool:
        """Valid when received, and the stored bytes are those received."""
        return self.at_receipt.valid and self.digest_matches

    @property
    def serial_hex(self) -> str:
        return format(self.signer.serial_number, "X") if self.signer else ""


def verification_report(record: InboundDocumentRecord, *,
                        policy_for: Callable[[str], VerificationPolicy],
                        now: datetime) -> VerificationReport:
    """Verify ``record.original`` as of its receipt and as of ``now`` under its sender's policy."""
    original = bytes(record.original)
    receipt_check, verified = _check(original, record.party, policy_for,
                                     record.received_at, "на момент отримання")
    now_check, verified_now = _check(original, record.party, policy_for, now, "на сьогодні")
    verified = verified or verified_now
    signer = verified.signer if verified else _claimed_signer(original)
    return VerificationReport(
        document_id=record.id, party=record.party, signer=signer,
        signer_verified=verified is not None,
        algorithm=verified.signature_algorithm if verified else "",
        signing_time=verified.signing_time if verified else None,
        stored_sha256=record.sha256, actual_sha256=hashlib.sha256(original).hexdigest(),
        at_receipt=receipt_check, now=now_check,
    )


def _check(original: bytes, party: str, policy_for: Callable[[str], VerificationPolicy],
           at: datetime, label: str) -> tuple[CheckResult, VerifiedDocument | None]:
    try:
        verified = verify(original, policy=policy_for(party), now=at, party=party)
    except AdapterError as error:
        return CheckResult(label, at, False, error.code, error.message), None
    return CheckResult(label, at, True), verified


def _claimed_signer(original: bytes) -> SignerInfo | None:
    """The certificate the document carries, read without trusting it (for an invalid report)."""
    try:
        root = parse_xml(original)
        element = next(root.iter(_X509), None)
        if element is None or not element.text:
            return None
        return load_signer(base64.b64decode("".join(element.text.split())))[0]
    except (AdapterError, binascii.Error, ValueError):
        return None


__all__ = ["CheckResult", "VerificationReport", "verification_report"]
