"""Signing a SOAP envelope: a Timestamp, a BinarySecurityToken and a signature over both parts."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from lxml import etree
from xmlsec import constants as xc

from adapter.errors import ConfigurationError
from adapter.safexml import parse_xml
from adapter.soap.wsse_envelope import locate, soap_namespace
from adapter.soap.wsse_ns import BASE64_BINARY, WSSE_NS, WSU_ID, WSU_NS, X509V3, q

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningIdentity:
    """A private key and its certificate, prepared once for xmlsec (loading keys is slow)."""

    xmlsec_key: xmlsec.Key
    certificate: x509.Certificate
    signature_method: Any  # an xmlsec transform constant (the stubs name no public type)

    @classmethod
    def from_key(cls, key: PrivateKey, cert: x509.Certificate) -> SigningIdentity:
        """Build from a loaded RSA or EC private key and its certificate."""
        if isinstance(key, rsa.RSAPrivateKey):
            method = xc.TransformRsaSha256
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            method = xc.TransformEcdsaSha256
        else:
            raise ConfigurationError("Для WS-Security підтримуються лише ключі RSA та EC.")
        if _spki(key.public_key()) != _spki(cert.public_key()):
            raise ConfigurationError("Приватний ключ не відповідає сертифікату WS-Security.")
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        return cls(xmlsec.Key.from_memory(pem, xc.KeyDataFormatPem, None), cert, method)

    @classmethod
    def from_pem(
        cls, key_pem: bytes, cert_pem: bytes, *, password: bytes | None = None
    ) -> SigningIdentity:
        """Build from PEM bytes of the private key and the certificate."""
        try:
            key = load_pem_private_key(key_pem, password)
            cert = x509.load_pem_x509_certificate(cert_pem)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError("Не вдалося завантажити ключ або сертифікат.") from exc
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            raise ConfigurationError("Для WS-Security підтримуються лише ключі RSA та EC.")
        return cls.from_key(key, cert)


def _spki(public_key: Any) -> bytes:
    return public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"


def _security_header(envelope: etree._Element) -> etree._Element:
    parts = locate(envelope)
    if parts.signature is not None or parts.timestamp is not None:
        raise ConfigurationError("Повідомлення вже містить підпис або wsu:Timestamp.")
    if parts.security is not None:
        return parts.security
    soap_ns = parts.soap_ns
    header = envelope.find(q(soap_ns, "Header"))
    if header is None:
        header = etree.Element(q(soap_ns, "Header"))
        envelope.insert(0, header)
    security = etree.SubElement(
        header, q(WSSE_NS, "Security"), nsmap={"wsse": WSSE_NS, "wsu": WSU_NS}
    )
    security.set(q(soap_ns, "mustUnderstand"), "1")
    return security


def _declare_wsu(envelope: etree._Element) -> None:
    # Declare wsu once at the top so the Body's wsu:Id reads "wsu:Id" rather than "ns0:Id".
    # Every existing prefix is kept: one used only inside a value (xsi:type="ex:T") looks unused.
    prefixes = {p for el in envelope.iter(etree.Element) for p in el.nsmap if p}
    etree.cleanup_namespaces(envelope, top_nsmap={"wsu": WSU_NS}, keep_ns_prefixes=prefixes)


def _timestamp(security: etree._Element, now: datetime, ttl: timedelta) -> etree._Element:
    stamp = etree.SubElement(security, q(WSU_NS, "Timestamp"), {WSU_ID: _new_id("TS")})
    etree.SubElement(stamp, q(WSU_NS, "Created")).text = _utc(now)
    etree.SubElement(stamp, q(WSU_NS, "Expires")).text = _utc(now + ttl)
    return stamp


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ConfigurationError("Час підпису має бути з часовим поясом.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _token(security: etree._Element, cert: x509.Certificate) -> str:
    token_id = _new_id("X509")
    token = etree.SubElement(
        security,
        q(WSSE_NS, "BinarySecurityToken"),
        {"EncodingType": BASE64_BINARY, "ValueType": X509V3, WSU_ID: token_id},
    )
    token.text = base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")
    return token_id


def sign_tree(
    envelope: etree._Element, identity: SigningIdentity, *, now: datetime, ttl: timedelta
) -> etree._Element:
    """Sign ``envelope`` in place (Body and a fresh Timestamp) and return it."""
    soap_ns = soap_namespace(envelope)
    _declare_wsu(envelope)
    security = _security_header(envelope)
    stamp = _timestamp(security, now, ttl)
    token_id = _token(security, identity.certificate)
    body = envelope.find(q(soap_ns, "Body"))
    if body.get(WSU_ID) is None:
        body.set(WSU_ID, _new_id("Body"))
    signature = _template(envelope, identity, [body, stamp], token_id)
    security.append(signature)
    ctx = xmlsec.SignatureContext()
    for element in (body, stamp):
        ctx.register_id(element, "Id", WSU_NS)
    ctx.key = identity.xmlsec_key
    ctx.sign(signature)
    return envelope


def _template(
    envelope: etree._Element,
    identity: SigningIdentity,
    targets: list[etree._Element],
    token_id: str,
) -> etree._Element:
    """A ds:Signature template: exc-c14n, SHA-256 references, KeyInfo pointing at the token."""
    signature = xmlsec.template.create(
        envelope, xc.TransformExclC14N, identity.signature_method, ns="ds"
    )
    for element in targets:
        ref = xmlsec.template.add_reference(
            signature, xc.TransformSha256, uri="#" + element.get(WSU_ID)
        )
        xmlsec.template.add_transform(ref, xc.TransformExclC14N)
    key_info = xmlsec.template.ensure_key_info(signature)
    etree.SubElement(
        etree.SubElement(key_info, q(WSSE_NS, "SecurityTokenReference")),
        q(WSSE_NS, "Reference"),
        {"URI": "#" + token_id, "ValueType": X509V3},
    )
    return signature


def sign_envelope(
    envelope_bytes: bytes,
    *,
    key: PrivateKey | SigningIdentity,
    cert: x509.Certificate | None = None,
    now: datetime,
    ttl: timedelta = timedelta(minutes=5),
) -> bytes:
    """Sign a serialized SOAP envelope (e.g. our endpoint's response) and return the bytes.

    Pass a prepared :class:`SigningIdentity` as ``key`` to skip key preparation on every call.
    """
    identity = key if isinstance(key, SigningIdentity) else _identity(key, cert)
    envelope = parse_xml(envelope_bytes)
    sign_tree(envelope, identity, now=now, ttl=ttl)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _identity(key: PrivateKey, cert: x509.Certificate | None) -> SigningIdentity:
    if cert is None:
        raise ConfigurationError("sign_envelope: потрібен сертифікат до ключа.")
    return SigningIdentity.from_key(key, cert)
