"""Signing keys, loaded once and kept (cryptography validates an RSA key on load, ~50 ms)."""

from __future__ import annotations

from dataclasses import dataclass

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from adapter.errors import ConfigurationError
from adapter.signing import constants as c


@dataclass(frozen=True)
class SigningKey:
    """A private key with its certificate (and optional chain), ready for repeated signing."""

    xmlsec_key: xmlsec.Key
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    key_type: str
    signature_method: str

    @property
    def certificate_der(self) -> bytes:
        """The signer certificate in DER."""
        return self.certificate.public_bytes(serialization.Encoding.DER)


def load_signing_key(key_pem: bytes, cert_pem: bytes, *, chain_pem: bytes = b"") -> SigningKey:
    """Load a PEM private key and its PEM certificate; check that they belong together.

    ``chain_pem`` may hold intermediate CA certificates to include in ``KeyInfo``.
    """
    try:
        private = serialization.load_pem_private_key(key_pem, password=None)
        cert = x509.load_pem_x509_certificate(cert_pem)
        chain = tuple(x509.load_pem_x509_certificates(chain_pem)) if chain_pem.strip() else ()
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            f"Не вдалося прочитати ключ або сертифікат: {exc}", code="SIGNING_KEY_INVALID"
        ) from exc
    key_type, method = _key_family(private)
    if private.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
        raise ConfigurationError(
            "Сертифікат не відповідає закритому ключу.", code="SIGNING_KEY_MISMATCH"
        )
    try:
        key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem, None)
        key.load_cert_from_memory(cert_pem, xmlsec.constants.KeyDataFormatCertPem)
        for extra in chain:
            key.load_cert_from_memory(
                extra.public_bytes(serialization.Encoding.PEM),
                xmlsec.constants.KeyDataFormatCertPem,
            )
    except xmlsec.Error as exc:
        raise ConfigurationError(
            f"xmlsec не прийняв ключ: {exc}", code="SIGNING_KEY_INVALID"
        ) from exc
    return SigningKey(key, cert, chain, key_type, method)


def _key_family(private: object) -> tuple[str, str]:
    if isinstance(private, rsa.RSAPrivateKey):
        if private.key_size < c.MIN_RSA_BITS:
            raise ConfigurationError("RSA-ключ коротший за 2048 біт.", code="SIGNING_KEY_WEAK")
        return "rsa", c.RSA_SHA256
    if isinstance(private, ec.EllipticCurvePrivateKey) and private.curve.name in c.EC_CURVES:
        return "ec", c.ECDSA_SHA384 if private.curve.name == "secp384r1" else c.ECDSA_SHA256
    raise ConfigurationError(
        "Підтримуються лише ключі RSA (від 2048 біт) та ECDSA P-256/P-384; "
        "ключі ДСТУ 4145 потребують окремого постачальника підпису.",
        code="SIGNING_KEY_UNSUPPORTED",
    )
