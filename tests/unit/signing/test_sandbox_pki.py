"""The sandbox PKI generator writes a usable CA, four identities and a CRL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from adapter.pki import (
    PARTIES,
    SandboxPki,
    create_other_ca,
    generate_sandbox_pki,
    issue_extra_cert,
    revoke,
)


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def test_writes_every_file(sandbox_pki: SandboxPki) -> None:
    names = sorted(p.name for p in sandbox_pki.directory.iterdir())
    for name in ("ca", *PARTIES):
        assert f"{name}.key.pem" in names
        assert f"{name}.cert.pem" in names
    assert "ca.crl.pem" in names
    assert oct(sandbox_pki.consumer_key.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("party", PARTIES)
def test_end_entities_issued_by_ca_for_signing(sandbox_pki: SandboxPki, party: str) -> None:
    ca = _cert(sandbox_pki.ca_cert)
    cert = _cert(sandbox_pki.party(party).cert)
    assert _issued_by(cert, ca)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign
    assert isinstance(cert.public_key(), rsa.RSAPublicKey)
    assert cert.public_key().key_size == 2048


def test_consumer_names_edrpou(sandbox_pki: SandboxPki) -> None:
    subject = _cert(sandbox_pki.consumer_cert).subject
    org_id = subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)
    serial = subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    assert [a.value for a in org_id] == ["NTRUA-12345678"]
    assert [a.value for a in serial] == ["12345678"]
    assert not _cert(sandbox_pki.supplier_cert).subject.get_attributes_for_oid(
        NameOID.ORGANIZATION_IDENTIFIER
    )


def test_crl_is_empty_and_signed_by_ca(sandbox_pki: SandboxPki) -> None:
    crl = x509.load_pem_x509_crl(sandbox_pki.ca_crl.read_bytes())
    assert len(crl) == 0
    assert crl.is_signature_valid(_cert(sandbox_pki.ca_cert).public_key())


def test_ca_is_a_ca(sandbox_pki: SandboxPki) -> None:
    ca = _cert(sandbox_pki.ca_cert)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    ca.public_key().verify(
        ca.signature, ca.tbs_certificate_bytes, padding.PKCS1v15(), ca.signature_hash_algorithm
    )


def test_ec_variant(sandbox_pki_ec: SandboxPki) -> None:
    key = _cert(sandbox_pki_ec.dso_cert).public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    assert key.curve.name == "secp256r1"
    assert _issued_by(_cert(sandbox_pki_ec.dso_cert), _cert(sandbox_pki_ec.ca_cert))


def test_now_is_honoured(tmp_path: Path) -> None:
    now = datetime(2020, 1, 15, tzinfo=UTC)
    pki = generate_sandbox_pki(tmp_path, now=now, key_type="ec")
    cert = _cert(pki.supplier_cert)
    assert cert.not_valid_before_utc == now - timedelta(days=1)
    assert cert.not_valid_after_utc == now + timedelta(days=730)


def test_extra_certs_and_revocation(sandbox_pki: SandboxPki, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    expired = issue_extra_cert(
        sandbox_pki,
        "expired",
        directory=tmp_path,
        not_before=now - timedelta(days=30),
        not_after=now - timedelta(days=1),
        key_type="ec",
    )
    assert _cert(expired.cert).not_valid_after_utc < now
    no_sign = issue_extra_cert(
        sandbox_pki, "enc-only", directory=tmp_path, usages={"key_encipherment"}, key_type="ec"
    )
    usage = _cert(no_sign.cert).extensions.get_extension_for_class(x509.KeyUsage).value
    assert not usage.digital_signature and not usage.content_commitment

    crl_path = revoke(sandbox_pki, [expired.cert], crl_path=tmp_path / "revoked.crl.pem")
    crl = x509.load_pem_x509_crl(crl_path.read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(_cert(expired.cert).serial_number)
    assert crl.is_signature_valid(_cert(sandbox_pki.ca_cert).public_key())
    # The CA's own CRL is untouched when another path is given.
    assert len(x509.load_pem_x509_crl(sandbox_pki.ca_crl.read_bytes())) == 0

    other = create_other_ca(tmp_path, key_type="ec")
    foreign = issue_extra_cert(other, "foreign", directory=tmp_path, key_type="ec")
    assert _issued_by(_cert(foreign.cert), _cert(other.cert))
    assert not _issued_by(_cert(foreign.cert), _cert(sandbox_pki.ca_cert))


def test_the_signer_is_named_with_attribute_names_people_recognise(sandbox_pki):  # noqa: ANN001
    from cryptography import x509

    from adapter.signing.certs import readable_name

    cert = x509.load_pem_x509_certificate(sandbox_pki.consumer_cert.read_bytes())

    name = readable_name(cert.subject)

    assert "serialNumber=12345678" in name and "organizationIdentifier=NTRUA-12345678" in name
    assert "2.5.4." not in name
