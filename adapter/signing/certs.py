"""The signer certificate: parsing (cached), key strength, validity, key usage and EDRPOU."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from adapter.errors import SignatureError
from adapter.signing import constants as c
from adapter.signing.result import SignerInfo

_ORG_ID = re.compile(r"^NTRUA-(\d{8})$")
_SERIAL = re.compile(r"^(?:UA-|NTRUA-)?(\d{8})$")


@lru_cache(maxsize=512)
def load_signer(der: bytes) -> tuple[SignerInfo, xmlsec.Key]:
    """Parse a DER certificate once: its summary and an xmlsec key built from it."""
    try:
        cert = x509.load_der_x509_certificate(der)
        key = xmlsec.Key.from_memory(der, xmlsec.constants.KeyDataFormatCertDer, None)
    except (ValueError, xmlsec.Error) as exc:
        raise SignatureError("Некоректний сертифікат підписувача.", code="SIG_KEYINFO") from exc
    info = SignerInfo(
        subject=readable_name(cert.subject),
        issuer=readable_name(cert.issuer),
        serial_number=cert.serial_number,
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        edrpou=next(iter(edrpou_codes(cert)), None),
        certificate=cert,
    )
    return info, key


def pick_signer(ders: tuple[bytes, ...]) -> tuple[bytes, tuple[bytes, ...]]:
    """Split KeyInfo certificates into the signer's (the one issuing no other) and the rest."""
    if len(ders) == 1:
        return ders[0], ()
    infos = [load_signer(der)[0] for der in ders]
    issuers = {info.certificate.issuer for info in infos}
    leaves = [
        der
        for der, info in zip(ders, infos, strict=True)
        if info.certificate.subject not in issuers
    ]
    if len(leaves) != 1:
        raise SignatureError(
            "Не вдалося визначити сертифікат підписувача в KeyInfo.", code="SIG_KEYINFO"
        )
    return leaves[0], tuple(der for der in ders if der != leaves[0])


def check_key(cert: x509.Certificate, signature_method: str) -> None:
    """The key must match the signature method's family and be strong enough."""
    family = c.SIGNATURE_METHODS[signature_method]
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and family == "rsa":
        if key.key_size < c.MIN_RSA_BITS:
            raise SignatureError(
                f"RSA-ключ занадто слабкий: {key.key_size} біт.", code="SIG_WEAK_KEY"
            )
        return
    if isinstance(key, ec.EllipticCurvePublicKey) and family == "ec":
        if key.curve.name not in c.EC_CURVES:
            raise SignatureError(f"Недозволена крива: {key.curve.name}", code="SIG_ALGORITHM")
        return
    raise SignatureError("Ключ сертифіката не відповідає алгоритму підпису.", code="SIG_ALGORITHM")


def check_validity(info: SignerInfo, now: datetime) -> None:
    """The certificate must be valid at ``now``."""
    if now < info.not_before:
        raise SignatureError("Сертифікат підписувача ще не чинний.", code="SIG_CERT_NOT_YET_VALID")
    if now > info.not_after:
        raise SignatureError("Строк дії сертифіката підписувача минув.", code="SIG_CERT_EXPIRED")


def check_key_usage(cert: x509.Certificate) -> None:
    """KeyUsage must be present and allow digitalSignature or nonRepudiation."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise SignatureError(
            "Сертифікат не визначає призначення ключа.", code="SIG_KEY_USAGE"
        ) from exc
    if not (usage.digital_signature or usage.content_commitment):
        raise SignatureError("Сертифікат не призначений для підпису.", code="SIG_KEY_USAGE")


def edrpou_codes(cert: x509.Certificate) -> list[str]:
    """EDRPOU codes in the subject: organizationIdentifier ``NTRUA-…``, then serialNumber."""
    codes: list[str] = []
    for oid, pattern in (
        (NameOID.ORGANIZATION_IDENTIFIER, _ORG_ID),
        (NameOID.SERIAL_NUMBER, _SERIAL),
    ):
        for attr in cert.subject.get_attributes_for_oid(oid):
            match = pattern.match(str(attr.value).strip())
            if match and match.group(1) not in codes:
                codes.append(match.group(1))
    return codes


def check_edrpou(cert: x509.Certificate, required: list[str]) -> None:
    """Every required EDRPOU must be named by the certificate."""
    named = edrpou_codes(cert)
    missing = [code for code in required if code not in named]
    if missing:
        raise SignatureError(
            f"Сертифікат не належить організації з ЄДРПОУ {', '.join(missing)}.",
            code="SIG_EDRPOU_MISMATCH",
        )


#: Names for the attributes Ukrainian qualified certificates carry that RFC 4514 leaves as OIDs.
_ATTRIBUTE_NAMES = {
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
    NameOID.GIVEN_NAME: "givenName",
    NameOID.SURNAME: "surname",
    NameOID.TITLE: "title",
}


def readable_name(name: x509.Name) -> str:
    """An RFC 4514 string with names, not dotted OIDs, for the attributes people look for."""
    return name.rfc4514_string(_ATTRIBUTE_NAMES)
