"""docs/examples/signed: each example verifies against its published certificate and reads back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509

from adapter.mappers import read_document
from adapter.safexml import parse_xml
from adapter.signing import TrustedParty, VerificationPolicy, verify
from scripts.make_examples import SIGNER_OF

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
SIGNED = sorted((EXAMPLES / "signed").glob("*.xml"))


def test_there_is_a_signed_example_of_every_kind():
    assert {path.stem for path in SIGNED} == set(SIGNER_OF)


@pytest.mark.parametrize("path", SIGNED, ids=[p.stem for p in SIGNED])
def test_each_signed_example_verifies_as_its_signer_and_equals_the_unsigned_one(path: Path):
    party = SIGNER_OF[path.stem]
    cert_path = EXAMPLES / "certs" / f"{party}.cert.pem"
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    policy = VerificationPolicy(parties=(TrustedParty(party, pinned_certs=(cert_path,)),))

    # Judge validity the day after issue, so the examples keep verifying after the certs expire.
    verified = verify(path.read_bytes(), policy=policy,
                      now=cert.not_valid_before_utc + timedelta(days=1))

    unsigned = (EXAMPLES / "unsigned" / path.name).read_bytes()
    assert read_document(verified.signed_root) == read_document(parse_xml(unsigned))
