"""The signer's certificate: read from the token the signature points at, then pinned."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from adapter.errors import SignatureError
from adapter.soap.wsse_ns import BASE64_BINARY, DS_NS, WSSE_NS, WSU_ID, X509V3, q


def _token_error(message: str) -> SignatureError:
    return SignatureError(message, code="WSSE_TOKEN")


def token_reference_id(signature: etree._Element) -> str:
    """The wsu:Id the signature's KeyInfo names through a SecurityTokenReference."""
    key_infos = signature.findall(q(DS_NS, "KeyInfo"))
    strs = key_infos[0].findall(q(WSSE_NS, "SecurityTokenReference")) if len(key_infos) == 1 else []
    refs = strs[0].findall(q(WSSE_NS, "Reference")) if len(strs) == 1 else []
    if len(key_infos) != 1 or len(strs) != 1 or len(refs) != 1 or len(key_infos[0]) != 1:
        raise _token_error("KeyInfo має містити одне посилання на wsse:BinarySecurityToken.")
    uri = refs[0].get("URI") or ""
    if not uri.startswith("#") or len(uri) < 2:
        raise _token_error("Посилання на токен має вигляд '#id'.")
    value_type = refs[0].get("ValueType")
    if value_type not in (None, X509V3):
        raise _token_error("Підтримується лише токен X.509v3.")
    return uri[1:]


def read_token(token: etree._Element, security: etree._Element) -> x509.Certificate:
    """Decode the X.509v3 certificate in ``token``, which must sit in ``security`` itself."""
    if token.tag != q(WSSE_NS, "BinarySecurityToken") or token.getparent() is not security:
        raise _token_error("Токен має бути wsse:BinarySecurityToken у заголовку wsse:Security.")
    if (
        token.get("ValueType") != X509V3
        or token.get("EncodingType", BASE64_BINARY) != BASE64_BINARY
    ):
        raise _token_error("Токен має бути сертифікатом X.509v3 у Base64.")
    if len(token):
        raise _token_error("Токен не може містити вкладених елементів.")
    try:
        der = base64.b64decode("".join((token.text or "").split()), validate=True)
        return x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as exc:
        raise _token_error("Не вдалося прочитати сертифікат з токена.") from exc


def check_trusted(
    cert: x509.Certificate, trusted: Sequence[x509.Certificate], now: datetime
) -> None:
    """Raise WSSE_UNTRUSTED unless ``cert`` is one of the pinned certificates and usable ``now``."""
    if not any(cert == pinned for pinned in trusted):
        raise SignatureError(
            "Сертифікат підписувача не входить до довірених.", code="WSSE_UNTRUSTED"
        )
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SignatureError(
            "Сертифікат підписувача недійсний на цей момент.", code="WSSE_UNTRUSTED"
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.digital_signature:
        raise SignatureError(
            "Сертифікат підписувача не призначений для підпису.", code="WSSE_UNTRUSTED"
        )


def key_matches_method(cert: x509.Certificate, rsa_method: bool) -> bool:
    """Whether the certificate's key type is the one the SignatureMethod names."""
    key = cert.public_key()
    return (
        isinstance(key, rsa.RSAPublicKey)
        if rsa_method
        else isinstance(key, ec.EllipticCurvePublicKey)
    )


def id_of(element: etree._Element) -> str | None:
    """The element's wsu:Id."""
    return element.get(WSU_ID)
