"""What a successful verification returns: the signed content and who signed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from lxml import etree


@dataclass(frozen=True)
class SignerInfo:
    """The signer's certificate, summarised."""

    subject: str
    issuer: str
    serial_number: int
    fingerprint_sha256: str
    not_before: datetime
    not_after: datetime
    edrpou: str | None
    certificate: x509.Certificate


@dataclass(frozen=True)
class VerifiedDocument:
    """A verified document. Downstream code reads ``signed_root``/``signed_xml`` and nothing else.

    ``signed_xml`` is exactly the canonical octets the document reference digests (root minus the
    signature, exclusive c14n without comments); ``signed_root`` is that, re-parsed safely.
    """

    signed_root: etree._Element
    signed_xml: bytes
    party: str
    signer: SignerInfo
    signature_algorithm: str
    signing_time: datetime | None
