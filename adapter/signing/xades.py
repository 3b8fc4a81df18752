"""XAdES-BES qualifying properties: built when signing, read back when verifying."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from adapter.errors import SignatureError
from adapter.signing import constants as c

_X = f"{{{c.XADES_NS}}}"
_DS = f"{{{c.DS_NS}}}"


def build_qualifying_properties(
    signature_id: str, properties_id: str, cert_der: bytes, signing_time: datetime
) -> etree._Element:
    """``ds:Object/xades:QualifyingProperties`` with SigningTime and SigningCertificateV2."""
    obj = etree.Element(f"{_DS}Object", nsmap={"ds": c.DS_NS})
    qp = etree.SubElement(obj, f"{_X}QualifyingProperties", nsmap={"xades": c.XADES_NS})
    qp.set("Target", f"#{signature_id}")
    sp = etree.SubElement(qp, f"{_X}SignedProperties", Id=properties_id)
    ssp = etree.SubElement(sp, f"{_X}SignedSignatureProperties")
    etree.SubElement(ssp, f"{_X}SigningTime").text = signing_time.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    cert = etree.SubElement(etree.SubElement(ssp, f"{_X}SigningCertificateV2"), f"{_X}Cert")
    digest = etree.SubElement(cert, f"{_X}CertDigest")
    etree.SubElement(digest, f"{_DS}DigestMethod", Algorithm=c.SHA256)
    etree.SubElement(digest, f"{_DS}DigestValue").text = base64.b64encode(
        hashlib.sha256(cert_der).digest()
    ).decode("ascii")
    return obj


@dataclass(frozen=True)
class XadesProperties:
    """What a verified XAdES-BES signature says about itself."""

    signing_time: datetime | None


def find_signed_properties(signature: etree._Element, properties_id: str) -> etree._Element | None:
    """The ``xades:SignedProperties`` with ``Id=properties_id`` directly inside this signature."""
    signature_id = signature.get("Id")
    for obj in signature.iterchildren(f"{_DS}Object"):
        for qp in obj.iterchildren(f"{_X}QualifyingProperties"):
            if signature_id is None or qp.get("Target") != f"#{signature_id}":
                continue
            for sp in qp.iterchildren(f"{_X}SignedProperties"):
                if sp.get("Id") == properties_id:
                    return sp
    return None


def read_signed_properties(signed_properties: etree._Element, cert_der: bytes) -> XadesProperties:
    """Check SigningCertificate(V2) names ``cert_der`` and parse SigningTime."""
    ssp = signed_properties.find(f"{_X}SignedSignatureProperties")
    if ssp is None:
        raise SignatureError("У XAdES немає SignedSignatureProperties.", code="SIG_XADES_INVALID")
    _check_signing_certificate(ssp, cert_der)
    time_text = ssp.findtext(f"{_X}SigningTime")
    return XadesProperties(signing_time=_parse_time(time_text) if time_text else None)


def _check_signing_certificate(ssp: etree._Element, cert_der: bytes) -> None:
    certs = ssp.findall(f"{_X}SigningCertificateV2/{_X}Cert") + ssp.findall(
        f"{_X}SigningCertificate/{_X}Cert"
    )
    if not certs:
        raise SignatureError("XAdES не називає сертифікат підписувача.", code="SIG_XADES_INVALID")
    for cert in certs:
        method = cert.find(f"{_X}CertDigest/{_DS}DigestMethod")
        value = cert.findtext(f"{_X}CertDigest/{_DS}DigestValue") or ""
        algorithm = c.DIGEST_METHODS.get(method.get("Algorithm", "") if method is not None else "")
        if algorithm is None:
            raise SignatureError(
                "Недозволений алгоритм дайджесту сертифіката в XAdES.", code="SIG_ALGORITHM"
            )
        expected = base64.b64encode(hashlib.new(algorithm, cert_der).digest()).decode("ascii")
        if "".join(value.split()) == expected:
            return
    raise SignatureError(
        "XAdES SigningCertificate не збігається з сертифікатом підпису.",
        code="SIG_XADES_CERT_MISMATCH",
    )


def _parse_time(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise SignatureError("Некоректний SigningTime у XAdES.", code="SIG_XADES_INVALID") from exc
    if parsed.tzinfo is None:
        raise SignatureError("SigningTime у XAdES без часового поясу.", code="SIG_XADES_INVALID")
    return parsed.astimezone(UTC)
