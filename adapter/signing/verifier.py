"""``verify``: the full verification policy over one received document.

Order: safe parse, document kind, structure (placement, reference, IDs, transforms, algorithms),
key strength, the cryptographic check (python-xmlsec), the signed octets (re-derived and checked
against the reference digest), certificate validity and key usage, trust (pinned or CA + CRLs),
EDRPOU, XAdES. Each failure raises :class:`SignatureError`/:class:`TrustError` with a stable code.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import xmlsec
from lxml import etree

from adapter.errors import SignatureError
from adapter.safexml import parse_xml
from adapter.signing import certs
from adapter.signing import constants as c
from adapter.signing.policy import VerificationPolicy
from adapter.signing.result import VerifiedDocument
from adapter.signing.structure import SignatureLayout, inspect_signature
from adapter.signing.trust import match_party
from adapter.signing.xades import read_signed_properties

_REFERENCE_TRANSFORMS = (
    xmlsec.constants.TransformEnveloped,
    xmlsec.constants.TransformExclC14N,
    xmlsec.constants.TransformSha256,
    xmlsec.constants.TransformSha384,
    xmlsec.constants.TransformSha512,
)


def verify(
    xml: bytes,
    *,
    policy: VerificationPolicy,
    now: datetime | None = None,
    expected_edrpou: str | None = None,
    party: str | None = None,
) -> VerifiedDocument:
    """Verify an enveloped-signed document under ``policy``; return its signed content.

    ``now`` (else ``policy.clock()``, else the system clock) is the moment certificates and CRLs
    are judged at. ``expected_edrpou`` adds a per-call EDRPOU requirement (e.g. the consumer whose
    cabinet received the document); ``party`` restricts trust to one named party.
    """
    root = parse_xml(xml)
    if policy.allowed_root_tags is not None and root.tag not in policy.allowed_root_tags:
        raise SignatureError(f"Недозволений тип документа: {root.tag}", code="SIG_DOCUMENT_KIND")
    layout = inspect_signature(root, id_attribute=policy.id_attribute)
    signer_der, chain_der = certs.pick_signer(layout.certificates)
    signer, xmlsec_key = certs.load_signer(signer_der)
    certs.check_key(signer.certificate, layout.signature_method)
    _check_cryptography(root, layout, xmlsec_key, policy.id_attribute)
    signed_xml = _signed_octets(root, layout)
    moment = _moment(now, policy)
    certs.check_validity(signer, moment)
    certs.check_key_usage(signer.certificate)
    intermediates = tuple(certs.load_signer(der)[0].certificate for der in chain_der)
    trusted = match_party(policy, signer.certificate, intermediates, moment, party_name=party)
    required = [code for code in (trusted.require_edrpou, expected_edrpou) if code]
    if required:
        certs.check_edrpou(signer.certificate, required)
    signing_time = None
    if layout.signed_properties is not None:
        signing_time = read_signed_properties(layout.signed_properties, signer_der).signing_time
    elif trusted.require_xades:
        raise SignatureError("Сторона вимагає підпис XAdES.", code="SIG_XADES_REQUIRED")
    return VerifiedDocument(
        signed_root=parse_xml(signed_xml),
        signed_xml=signed_xml,
        party=trusted.name,
        signer=signer,
        signature_algorithm=c.SIGNATURE_METHOD_NAMES[layout.signature_method],
        signing_time=signing_time,
    )


def _moment(now: datetime | None, policy: VerificationPolicy) -> datetime:
    moment = now or (policy.clock() if policy.clock else datetime.now(UTC))
    if moment.tzinfo is None:
        raise SignatureError("Час перевірки має містити часовий пояс.", code="SIG_CLOCK")
    return moment


def _check_cryptography(
    root: etree._Element, layout: SignatureLayout, key: xmlsec.Key, id_attribute: str
) -> None:
    ctx = xmlsec.SignatureContext()
    ctx.key = key
    ctx.register_id(root, id_attribute)
    if layout.signed_properties is not None:
        ctx.register_id(layout.signed_properties, "Id")
    # Defence in depth: the structure check already allowed only these transforms.
    for transform in _REFERENCE_TRANSFORMS:
        ctx.enable_reference_transform(transform)
    try:
        ctx.verify(layout.signature)
    except xmlsec.Error as exc:
        raise SignatureError("Підпис не відповідає вмісту документа.", code="SIG_INVALID") from exc


def _signed_octets(root: etree._Element, layout: SignatureLayout) -> bytes:
    """Remove the signature (keeping the text after it) and canonicalize the root like the digest.

    The result is then digested again and compared with the reference: so ``signed_xml`` is
    provably the exact octets the signature covers, not our guess at them.
    """
    signature = layout.signature
    if signature.tail:
        previous = signature.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + signature.tail
        else:
            root.text = (root.text or "") + signature.tail
    root.remove(signature)
    reference = layout.document
    octets = etree.tostring(
        root,
        method="c14n",
        exclusive=True,
        with_comments=False,
        inclusive_ns_prefixes=list(reference.inclusive_prefixes) or None,
    )
    digest = hashlib.new(c.DIGEST_METHODS[reference.digest_method], octets).digest()
    if not hmac.compare_digest(digest, reference.digest_value):
        raise SignatureError("Підписаний вміст не вдалося відтворити.", code="SIG_INVALID")
    return octets
