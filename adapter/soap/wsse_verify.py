"""Server-side WS-Security verification: the policy first, then xmlsec, then time and replay."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from xmlsec import constants as xc

from adapter.errors import ConfigurationError, ReplayError, SignatureError
from adapter.soap.wsse_envelope import EnvelopeParts, locate
from adapter.soap.wsse_ns import RSA_SHA256, WSU_NS
from adapter.soap.wsse_policy import SignedInfoView, check_signed_info, id_index, resolve
from adapter.soap.wsse_replay import ReplayCache
from adapter.soap.wsse_time import Timestamp, accepted_until, check_fresh, read_timestamp
from adapter.soap.wsse_token import (
    check_trusted,
    key_matches_method,
    read_token,
    token_reference_id,
)

#: How old (by its Created) a message may be, whatever its own Expires says.
DEFAULT_MAX_AGE = timedelta(minutes=5)
DEFAULT_MAX_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class WsseResult:
    """What a successful verification established."""

    certificate: x509.Certificate
    created: datetime
    expires: datetime
    replay_key: str


def verify_wsse(
    envelope: etree._Element,
    *,
    trusted_certs: Sequence[x509.Certificate],
    now: datetime,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    max_age: timedelta = DEFAULT_MAX_AGE,
    replay_cache: ReplayCache,
) -> WsseResult:
    """Verify the WS-Security signature of a SOAP ``envelope`` (the root of a parsed document).

    Raises :class:`SignatureError` (or :class:`ReplayError`) with a ``WSSE_*`` code; see
    docs/wsse.md for the list. On success the envelope's own soap:Body and the Timestamp are
    exactly what the pinned certificate signed.
    """
    if now.tzinfo is None:
        raise ConfigurationError("verify_wsse: 'now' має бути з часовим поясом.")
    result = verify_signature(envelope, trusted_certs=trusted_certs, now=now)
    check_fresh(result.stamp, now=now, max_age=max_age, max_skew=max_skew)
    until = accepted_until(result.stamp, max_age=max_age, max_skew=max_skew)
    if not replay_cache.remember(result.replay_key, until):
        raise ReplayError("Це повідомлення вже було отримано.", code="WSSE_REPLAY")
    return WsseResult(
        result.certificate, result.stamp.created, result.stamp.expires, result.replay_key
    )


@dataclass(frozen=True)
class _Verified:
    certificate: x509.Certificate
    stamp: Timestamp
    replay_key: str


def verify_signature(
    envelope: etree._Element, *, trusted_certs: Sequence[x509.Certificate], now: datetime
) -> _Verified:
    """Everything but freshness and replay: structure, trust, policy, coverage and cryptography."""
    parts = locate(envelope)
    if parts.security is None or parts.signature is None:
        raise SignatureError("Немає підпису WS-Security.", code="WSSE_MISSING")
    if parts.timestamp is None:
        raise SignatureError("У заголовку wsse:Security немає wsu:Timestamp.", code="WSSE_MISSING")
    index = id_index(envelope)
    token = resolve(index, token_reference_id(parts.signature))
    certificate = read_token(token, parts.security)
    check_trusted(certificate, trusted_certs, now)
    view = check_signed_info(parts.signature)
    if not key_matches_method(certificate, view.signature_method == RSA_SHA256):
        raise SignatureError(
            "Алгоритм підпису не відповідає ключу сертифіката.", code="WSSE_ALGORITHM"
        )
    signed = _check_coverage(parts, view, index)
    _xmlsec_verify(parts.signature, signed, certificate)
    _reject_comments(parts)
    return _Verified(certificate, read_timestamp(parts.timestamp), replay_key(view))


def _check_coverage(
    parts: EnvelopeParts, view: SignedInfoView, index: dict
) -> list[etree._Element]:
    signed = [resolve(index, ref_id) for ref_id in view.reference_ids]
    if not any(element is parts.body for element in signed):
        raise SignatureError("soap:Body не підписано.", code="WSSE_BODY_NOT_SIGNED")
    if not any(element is parts.timestamp for element in signed):
        raise SignatureError("wsu:Timestamp не підписано.", code="WSSE_TIMESTAMP_NOT_SIGNED")
    if len(signed) != 2:
        # Anything else signed is either a repeat or a part we do not read: both are suspicious.
        raise SignatureError(
            "Підпис має охоплювати рівно soap:Body і wsu:Timestamp.", code="WSSE_REFERENCE"
        )
    return signed


def _xmlsec_verify(
    signature: etree._Element, signed: list[etree._Element], certificate: x509.Certificate
) -> None:
    ctx = xmlsec.SignatureContext()
    for element in signed:
        ctx.register_id(element, "Id", WSU_NS)
    # Defence in depth: even if the policy above missed something, xmlsec runs nothing else.
    for transform in (xc.TransformExclC14N, xc.TransformSha256):
        ctx.enable_reference_transform(transform)
    for transform in (
        xc.TransformExclC14N,
        xc.TransformRsaSha256,
        xc.TransformEcdsaSha256,
    ):
        ctx.enable_signature_transform(transform)
    try:
        ctx.key = xmlsec.Key.from_memory(
            certificate.public_bytes(Encoding.PEM), xc.KeyDataFormatCertPem, None
        )
        ctx.verify(signature)
    except xmlsec.Error as exc:
        raise SignatureError("Підпис WS-Security недійсний.", code="WSSE_INVALID") from exc


def _reject_comments(parts: EnvelopeParts) -> None:
    # Exclusive c14n drops comments, so "1<!---->000" verifies as "1000" while a naive .text
    # reads "1". Refusing comments in signed parts keeps what we read equal to what was signed.
    for element in (parts.body, parts.timestamp):
        if element is not None and any(True for _ in element.iter(etree.Comment)):
            raise SignatureError(
                "Коментарі в підписаних частинах повідомлення заборонені.", code="WSSE_COMMENT"
            )


def replay_key(view: SignedInfoView) -> str:
    """A key for the replay cache: the SHA-256 of the canonical SignedInfo.

    SignedInfo carries the digests of the Body and the Timestamp, so it is unique per message, and
    unlike the raw SignatureValue it cannot be varied: an ECDSA signature (r, s) has a twin
    (r, n - s) that verifies equally well, and base64 can be re-wrapped at will.
    """
    canonical = etree.tostring(view.signed_info, method="c14n", exclusive=True, with_comments=False)
    return hashlib.sha256(canonical).hexdigest()
