"""Verify a document against a policy and describe it (the CLI and the cabinet's report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adapter.errors import TrustError
from adapter.mappers import read_header
from adapter.signing import VerificationPolicy, verify
from adapter.xml_schemas import validate


@dataclass(frozen=True)
class VerifiedSummary:
    """Who signed what: read from the signed content only."""

    kind: str
    mrid: str
    revision: int
    party: str
    signer: str

    def __str__(self) -> str:
        return (f"{self.kind} mRID={self.mrid} rev={self.revision} "
                f"signer=\"{self.signer}\" party={self.party}")


def describe_verified(data: bytes, *, policy: VerificationPolicy, now: datetime) -> VerifiedSummary:
    """Verify ``data`` (signature, trust, schema) and summarise it; raises AdapterError."""
    verified = verify(data, policy=policy, now=now)
    if verified.party == "consumer" and verified.signer.edrpou is None:
        raise TrustError("Сертифікат споживача не містить коду ЄДРПОУ.", code="SIG_EDRPOU_MISSING")
    validate(verified.signed_root)
    header = read_header(verified.signed_root)
    return VerifiedSummary(str(header.kind), header.mrid, header.revision, verified.party,
                           verified.signer.subject)
