"""Test PKI for the WS-Security tests: generated at test time, never committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from adapter.soap.wsse import PrivateKey, WsseSigner

#: A fixed "now" inside the test certificates' validity, with whole milliseconds (the wire form).
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Identity:
    """A key pair with a self-signed certificate, as a pinned counterparty would have."""

    key: PrivateKey
    cert: x509.Certificate


def make_identity(name: str, key: PrivateKey, *, not_after: datetime | None = None) -> Identity:
    """A self-signed certificate for ``key`` (digitalSignature usage), valid around NOW."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(not_after or NOW + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Identity(key, cert)


def signer_for(me: Identity, peer: Identity, **options: object) -> WsseSigner:
    """A WsseSigner signing as ``me`` and trusting ``peer``, on the tests' clock."""
    options.setdefault("clock", lambda: NOW)
    return WsseSigner(me.key, me.cert, peer_certs=[peer.cert], **options)  # type: ignore[arg-type]
