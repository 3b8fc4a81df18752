"""Small builders for keys, certificates and CRLs (the sandbox PKI and the tests use them).

Kept apart from :mod:`adapter.pki.sandbox` so that the file layout of the sandbox and the X.509
details can change independently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

#: Key usages an end-entity signing certificate carries by default.
SIGNING_USAGES = frozenset({"digital_signature", "content_commitment"})
_ALL_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


def new_key(key_type: str = "rsa", *, rsa_bits: int = 2048) -> PrivateKey:
    """Generate an RSA (``rsa``, 2048 bits by default) or EC P-256 (``ec``) private key."""
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key type {key_type!r} (expected 'rsa' or 'ec')")


def make_name(common_name: str, *, edrpou: str | None = None) -> x509.Name:
    """A subject name; with ``edrpou`` it names the organisation the Ukrainian way."""
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "UA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if edrpou is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"NTRUA-{edrpou}"))
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, edrpou))
    return x509.Name(attrs)


def key_usage(usages: Iterable[str]) -> x509.KeyUsage:
    """Build a KeyUsage extension from attribute names such as ``digital_signature``."""
    chosen = set(usages)
    unknown = chosen - set(_ALL_USAGES)
    if unknown:
        raise ValueError(f"unknown key usages: {sorted(unknown)}")
    flags = {name: name in chosen for name in _ALL_USAGES}
    return x509.KeyUsage(encipher_only=False, decipher_only=False, **flags)


def build_ca(
    key: PrivateKey, common_name: str, *, now: datetime, days: int = 3650
) -> x509.Certificate:
    """A self-signed root CA certificate valid from a day before ``now`` for ``days`` days."""
    name = make_name(common_name)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(key_usage({"key_cert_sign", "crl_sign", "digital_signature"}), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    )
    return builder.sign(key, hashes.SHA256())


def build_end_entity(
    key: PrivateKey,
    common_name: str,
    *,
    issuer_key: PrivateKey,
    issuer_cert: x509.Certificate,
    not_before: datetime,
    not_after: datetime,
    usages: Iterable[str] | None = SIGNING_USAGES,
    edrpou: str | None = None,
    serial_number: int | None = None,
) -> x509.Certificate:
    """An end-entity certificate issued by ``issuer_cert``; ``usages=None`` omits KeyUsage."""
    issuer_ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(make_name(common_name, edrpou=edrpou))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(serial_number or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
            critical=False,
        )
    )
    if usages is not None:
        builder = builder.add_extension(key_usage(usages), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def build_crl(
    issuer_key: PrivateKey,
    issuer_cert: x509.Certificate,
    *,
    now: datetime,
    revoked_serials: Sequence[int] = (),
    days: int = 30,
    crl_number: int = 1,
) -> x509.CertificateRevocationList:
    """A CRL signed by the issuer, current from a day before ``now``, listing the serials."""
    issuer_ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(now - timedelta(days=1))
        .next_update(now + timedelta(days=days))
        .add_extension(x509.CRLNumber(crl_number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
            critical=False,
        )
    )
    for serial in revoked_serials:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - timedelta(hours=1))
            .build()
        )
        builder = builder.add_revoked_certificate(revoked)
    return builder.sign(issuer_key, hashes.SHA256())


def write_key(path: Path, key: PrivateKey) -> Path:
    """Write an unencrypted PKCS#8 PEM key readable by its owner only."""
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def write_cert(path: Path, cert: x509.Certificate) -> Path:
    """Write a certificate as PEM."""
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def write_crl(path: Path, crl: x509.CertificateRevocationList) -> Path:
    """Write a CRL as PEM."""
    path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    return path


def load_key(path: Path) -> PrivateKey:
    """Load a PEM private key written by :func:`write_key`."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise TypeError(f"{path}: unsupported key type {type(key).__name__}")
    return key


def load_cert(path: Path) -> x509.Certificate:
    """Load a PEM certificate."""
    return x509.load_pem_x509_certificate(path.read_bytes())
