"""``verify``: every policy check, with its stable code, on otherwise valid documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from adapter.errors import ConfigurationError, SignatureError
from adapter.pki import SandboxPki, create_other_ca, issue_extra_cert, revoke
from adapter.pki import x509 as px
from adapter.signing import (
    SigningKey,
    TrustedParty,
    VerificationPolicy,
    XmlDsigSigner,
    load_signing_key,
    sign,
    verify,
)
from adapter.signing import xades as xades_module
from tests.support import attacks
from tests.support.documents import EX_NS, invoice_xml
from tests.support.pki import sandbox_policy, signing_key


def _code(xml: bytes, policy: VerificationPolicy, **kwargs: object) -> str:
    with pytest.raises(SignatureError) as info:
        verify(xml, policy=policy, **kwargs)  # type: ignore[arg-type]
    return info.value.code


def _key(issued: object) -> SigningKey:
    return load_signing_key(issued.key.read_bytes(), issued.cert.read_bytes())  # type: ignore[attr-defined]


def _ca_policy(pki: SandboxPki, **party: object) -> VerificationPolicy:
    return VerificationPolicy(
        parties=(TrustedParty("consumer", ca_certs=(pki.ca_cert,), crls=(pki.ca_crl,), **party),)  # type: ignore[arg-type]
    )


# --- the happy path ---------------------------------------------------------------------------


def test_pinned_supplier(
    signed: bytes, policy: VerificationPolicy, supplier_key: SigningKey
) -> None:
    result = verify(signed, policy=policy)
    assert result.party == "supplier"
    assert result.signature_algorithm == "RSA-SHA256"
    assert result.signer.certificate == supplier_key.certificate
    assert result.signer.serial_number == supplier_key.certificate.serial_number
    assert result.signer.edrpou is None
    assert result.signing_time is None
    assert result.signed_root.tag == f"{{{EX_NS}}}SupplierInvoice"
    assert b"Signature" not in result.signed_xml


def test_signed_xml_is_canonical_root_without_signature(
    unsigned: bytes, signed: bytes, policy
) -> None:
    result = verify(signed, policy=policy)
    expected = etree.tostring(etree.fromstring(unsigned), method="c14n", exclusive=True)
    assert result.signed_xml == expected
    assert etree.tostring(result.signed_root, method="c14n", exclusive=True) == expected


def test_consumer_through_ca(consumer_signed: bytes, policy, sandbox_pki: SandboxPki) -> None:
    result = verify(consumer_signed, policy=policy)
    assert result.party == "consumer"
    assert result.signer.edrpou == sandbox_pki.consumer_edrpou == "12345678"


def test_ecdsa(sandbox_pki_ec: SandboxPki, unsigned: bytes) -> None:
    signed = sign(unsigned, key=signing_key(sandbox_pki_ec, "consumer"))
    result = verify(signed, policy=sandbox_policy(sandbox_pki_ec))
    assert result.signature_algorithm == "ECDSA-SHA256"
    assert result.party == "consumer"


def test_xades_round_trip(supplier_key: SigningKey, unsigned: bytes, policy) -> None:
    moment = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    signed = XmlDsigSigner(supplier_key, xades=True, clock=lambda: moment).sign(unsigned)
    assert verify(signed, policy=policy).signing_time == moment


def test_party_restriction(signed: bytes, policy) -> None:
    assert verify(signed, policy=policy, party="supplier").party == "supplier"
    assert _code(signed, policy, party="billing") == "SIG_UNTRUSTED"
    with pytest.raises(ConfigurationError):
        verify(signed, policy=policy, party="nobody")


# --- document kind and cryptography -------------------------------------------------------------


def test_document_kind(signed: bytes, sandbox_pki: SandboxPki) -> None:
    allowed = sandbox_policy(
        sandbox_pki, allowed_root_tags=frozenset({f"{{{EX_NS}}}PaymentNotice"})
    )
    assert _code(signed, allowed) == "SIG_DOCUMENT_KIND"
    ok = sandbox_policy(sandbox_pki, allowed_root_tags=frozenset({f"{{{EX_NS}}}SupplierInvoice"}))
    assert verify(signed, policy=ok).party == "supplier"


def test_tampered_content(signed: bytes, policy) -> None:
    assert _code(attacks.tamper_amount(signed, "1"), policy) == "SIG_INVALID"


def test_swapped_certificate(signed: bytes, policy, sandbox_pki: SandboxPki) -> None:
    billing_b64 = "".join(sandbox_pki.billing_cert.read_text().splitlines()[1:-1])
    assert _code(attacks.set_certificate(signed, billing_b64), policy) == "SIG_INVALID"


# --- trust --------------------------------------------------------------------------------------


def test_pin_compares_certificate_not_key(sandbox_pki: SandboxPki, unsigned: bytes, policy) -> None:
    """A second certificate for the pinned key (other dates) is not the pinned certificate."""
    now = datetime.now(UTC)
    key = px.load_key(sandbox_pki.supplier_key)
    twin = px.build_end_entity(
        key,
        "ТОВ РОЕК (sandbox)",
        issuer_key=px.load_key(sandbox_pki.ca_key),
        issuer_cert=px.load_cert(sandbox_pki.ca_cert),
        not_before=now - timedelta(days=2),
        not_after=now + timedelta(days=3650),
    )
    twin_path = px.write_cert(sandbox_pki.directory / "supplier-twin.cert.pem", twin)
    signing = load_signing_key(sandbox_pki.supplier_key.read_bytes(), twin_path.read_bytes())
    pinned_only = VerificationPolicy(parties=(policy.party("supplier"),))
    assert _code(sign(unsigned, key=signing), pinned_only) == "SIG_UNTRUSTED"


def test_other_ca(sandbox_pki: SandboxPki, tmp_path: Path, unsigned: bytes, policy) -> None:
    other = create_other_ca(tmp_path, key_type="ec")
    foreign = issue_extra_cert(
        other, "foreign", directory=tmp_path, key_type="ec", edrpou="12345678"
    )
    assert _code(sign(unsigned, key=_key(foreign)), policy) == "SIG_UNTRUSTED"


def test_other_ca_with_same_name_is_untrusted(sandbox_pki, tmp_path: Path, unsigned: bytes) -> None:
    """An impostor CA copying our CA's subject name still fails path validation."""
    now = datetime.now(UTC)
    impostor_key = px.new_key("ec")
    impostor = px.build_ca(impostor_key, "ROE Sandbox CA", now=now)
    leaf_key = px.new_key("ec")
    leaf = px.build_end_entity(
        leaf_key,
        "Impostor",
        issuer_key=impostor_key,
        issuer_cert=impostor,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        edrpou="12345678",
    )
    key_path = px.write_key(tmp_path / "imp.key.pem", leaf_key)
    cert_path = px.write_cert(tmp_path / "imp.cert.pem", leaf)
    signing = load_signing_key(key_path.read_bytes(), cert_path.read_bytes())
    assert _code(sign(unsigned, key=signing), sandbox_policy(sandbox_pki)) == "SIG_UNTRUSTED"


def test_revoked(sandbox_pki: SandboxPki, tmp_path: Path, unsigned: bytes) -> None:
    victim = issue_extra_cert(
        sandbox_pki, "victim", directory=tmp_path, edrpou="12345678", key_type="ec"
    )
    signed = sign(unsigned, key=_key(victim))
    assert verify(signed, policy=_ca_policy(sandbox_pki)).party == "consumer"
    crl = revoke(sandbox_pki, [victim.cert], crl_path=tmp_path / "revoked.crl.pem")
    revoked_policy = VerificationPolicy(
        parties=(TrustedParty("consumer", ca_certs=(sandbox_pki.ca_cert,), crls=(crl,)),)
    )
    assert _code(signed, revoked_policy) == "SIG_REVOKED"


def test_stale_crl_and_cache_respect_the_clock(consumer_signed: bytes, sandbox_pki) -> None:
    policy = _ca_policy(sandbox_pki)
    now = datetime.now(UTC)
    assert verify(consumer_signed, policy=policy, now=now).party == "consumer"  # cached now
    # The sandbox CRL's nextUpdate is 30 days out: 60 days later it cannot vouch any more.
    assert _code(consumer_signed, policy, now=now + timedelta(days=60)) == "SIG_REVOCATION_UNKNOWN"


def test_clock_from_policy(consumer_signed: bytes, sandbox_pki: SandboxPki) -> None:
    late = datetime.now(UTC) + timedelta(days=800)
    policy = sandbox_policy(sandbox_pki, clock=lambda: late)
    assert _code(consumer_signed, policy) == "SIG_CERT_EXPIRED"
    with pytest.raises(SignatureError) as info:
        verify(consumer_signed, policy=policy, now=datetime(2030, 1, 1))  # naive
    assert info.value.code == "SIG_CLOCK"


@pytest.mark.parametrize(
    ("shift", "code"),
    [(timedelta(days=-10), "SIG_CERT_EXPIRED"), (timedelta(days=10), "SIG_CERT_NOT_YET_VALID")],
)
def test_validity(
    sandbox_pki, tmp_path: Path, unsigned: bytes, shift: timedelta, code: str
) -> None:
    now = datetime.now(UTC)
    cert = issue_extra_cert(
        sandbox_pki,
        f"dated{shift.days}",
        directory=tmp_path,
        key_type="ec",
        edrpou="12345678",
        not_before=now + shift - timedelta(days=5),
        not_after=now + shift + timedelta(days=5),
    )
    signed = sign(unsigned, key=_key(cert))
    assert _code(signed, _ca_policy(sandbox_pki), now=now) == code
    # The same document verifies at a moment inside the validity period.
    assert verify(signed, policy=_ca_policy(sandbox_pki), now=now + shift).party == "consumer"


def test_pinned_expired_certificate(signed: bytes, policy) -> None:
    """Pinning does not exempt a certificate from its validity period (signxml's gap)."""
    assert _code(signed, policy, now=datetime.now(UTC) + timedelta(days=3000)) == "SIG_CERT_EXPIRED"


@pytest.mark.parametrize(
    ("usages", "ok"),
    [
        ({"key_encipherment"}, False),
        (None, False),
        ({"content_commitment"}, True),
        ({"digital_signature"}, True),
    ],
)
def test_key_usage(sandbox_pki, tmp_path: Path, unsigned: bytes, usages, ok: bool) -> None:
    name = "ku-" + "-".join(sorted(usages or {"none"}))
    cert = issue_extra_cert(sandbox_pki, name, directory=tmp_path, usages=usages, key_type="ec")
    signed = sign(unsigned, key=_key(cert))
    if ok:
        assert verify(signed, policy=_ca_policy(sandbox_pki)).party == "consumer"
    else:
        assert _code(signed, _ca_policy(sandbox_pki)) == "SIG_KEY_USAGE"


def test_party_edrpou(sandbox_pki, tmp_path: Path, unsigned: bytes, consumer_signed: bytes) -> None:
    policy = _ca_policy(sandbox_pki, require_edrpou="12345678")
    assert verify(consumer_signed, policy=policy).signer.edrpou == "12345678"
    other = issue_extra_cert(
        sandbox_pki, "other-org", directory=tmp_path, edrpou="87654321", key_type="ec"
    )
    assert _code(sign(unsigned, key=_key(other)), policy) == "SIG_EDRPOU_MISMATCH"
    nameless = issue_extra_cert(sandbox_pki, "nameless", directory=tmp_path, key_type="ec")
    assert _code(sign(unsigned, key=_key(nameless)), policy) == "SIG_EDRPOU_MISMATCH"


def test_expected_edrpou_per_call(consumer_signed: bytes, sandbox_pki: SandboxPki) -> None:
    policy = _ca_policy(sandbox_pki)
    assert verify(consumer_signed, policy=policy, expected_edrpou="12345678").party == "consumer"
    assert _code(consumer_signed, policy, expected_edrpou="87654321") == "SIG_EDRPOU_MISMATCH"


def test_xades_required(
    signed: bytes, sandbox_pki: SandboxPki, supplier_key: SigningKey, unsigned
) -> None:
    policy = VerificationPolicy(
        parties=(
            TrustedParty("supplier", pinned_certs=(sandbox_pki.supplier_cert,), require_xades=True),
        )
    )
    assert _code(signed, policy) == "SIG_XADES_REQUIRED"
    assert verify(sign(unsigned, key=supplier_key, xades=True), policy=policy).signing_time


def test_xades_names_another_certificate(
    supplier_key: SigningKey, sandbox_pki: SandboxPki, unsigned: bytes, policy, monkeypatch
) -> None:
    billing_der = signing_key(sandbox_pki, "billing").certificate_der
    real = xades_module.build_qualifying_properties

    def lying(signature_id, properties_id, cert_der, signing_time):
        return real(signature_id, properties_id, billing_der, signing_time)

    monkeypatch.setattr("adapter.signing.signer.build_qualifying_properties", lying)
    signed = sign(unsigned, key=supplier_key, xades=True)
    assert _code(signed, policy) == "SIG_XADES_CERT_MISMATCH"


def test_policy_needs_trust_material() -> None:
    with pytest.raises(ConfigurationError):
        TrustedParty("empty")


def test_big_invoice(supplier_key: SigningKey, policy) -> None:
    signed = sign(invoice_xml(40), key=supplier_key)
    root = verify(signed, policy=policy).signed_root
    assert len(root.findall(f"{{{EX_NS}}}Lines/{{{EX_NS}}}Line")) == 40


def test_chain_in_keyinfo(sandbox_pki: SandboxPki, unsigned: bytes) -> None:
    """With the CA certificate also in KeyInfo, the signer is still the end entity."""
    files = sandbox_pki.party("consumer")
    key = load_signing_key(
        files.key.read_bytes(), files.cert.read_bytes(), chain_pem=sandbox_pki.ca_cert.read_bytes()
    )
    result = verify(sign(unsigned, key=key), policy=_ca_policy(sandbox_pki))
    assert result.signer.certificate == key.certificate


def test_two_unrelated_certificates_in_keyinfo(
    signed: bytes, sandbox_pki: SandboxPki, policy
) -> None:
    billing_b64 = "".join(sandbox_pki.billing_cert.read_text().splitlines()[1:-1])
    root = etree.fromstring(signed)
    x509_data = root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Data")
    etree.SubElement(
        x509_data, "{http://www.w3.org/2000/09/xmldsig#}X509Certificate"
    ).text = billing_b64
    assert _code(etree.tostring(root), policy) == "SIG_KEYINFO"
