"""Two-phase signing in the consumer's browser, kept as single-use drafts.

``create_draft`` prepares the signature of an unsigned document for the holder of a certificate
(:func:`adapter.signing.prepare_remote_signature`) and keeps it as a draft; the browser signs the
returned ``SignedInfo`` bytes with WebCrypto from the consumer's own key file and sends back only
the signature value; ``complete_draft`` puts it in place and returns the signed document, which
then goes through the full verification policy like any uploaded document. The private key never
reaches us. A draft belongs to one organisation and one purpose, works once and expires.

Both functions work in the caller's unit of work; the caller commits (so a used draft stays used
together with whatever the signed document led to).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from sqlalchemy import update
from sqlalchemy.orm import Session

from adapter.errors import SignatureError, ValidationError
from adapter.persistence.cabinet_models import OrganisationRecord
from adapter.persistence.signing_models import SigningDraftRecord
from adapter.persistence.uow import UnitOfWork
from adapter.signing import complete_remote_signature, prepare_remote_signature
from adapter.signing.certs import edrpou_codes
from adapter.signing.remote import RemoteSigningRequest

#: Certificates larger than this are not certificates a consumer's CA issues.
MAX_CERTIFICATE_BYTES = 32 * 1024
DEFAULT_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class DraftView:
    """What the browser needs to sign: the draft id, the bytes to sign and the algorithm."""

    id: str
    signed_info_b64: str
    algorithm: str
    hash: str = "SHA-256"


def _session(target: Session | UnitOfWork) -> Session:
    return target.session if isinstance(target, UnitOfWork) else target


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes, refused with a plain message when it is not one."""
    if not data or len(data) > MAX_CERTIFICATE_BYTES:
        raise SignatureError("Файл сертифіката порожній або завеликий.",
                             code="SIG_CERT_UNREADABLE")
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise SignatureError("Файл сертифіката не вдалося прочитати: потрібен сертифікат X.509 "
                             "у форматі PEM або DER (.pem, .crt, .cer).",
                             code="SIG_CERT_UNREADABLE") from exc


def _check_certificate(cert: x509.Certificate, edrpou: str, now: datetime) -> None:
    # An early, friendly check; the full policy (CA chain, CRL, key usage) runs on the result.
    if edrpou not in edrpou_codes(cert):
        raise SignatureError(
            f"Цей сертифікат не належить Вашій організації (ЄДРПОУ {edrpou}): оберіть "
            "сертифікат ключа, виданий на організацію.", code="SIG_EDRPOU_MISMATCH")
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SignatureError(
            f"Сертифікат чинний з {cert.not_valid_before_utc:%d.%m.%Y} по "
            f"{cert.not_valid_after_utc:%d.%m.%Y}: зараз ним підписати не можна.",
            code="SIG_CERT_EXPIRED")


def create_draft(
    uow: Session | UnitOfWork,
    *,
    organisation_id: int,
    purpose: str,
    unsigned_xml: bytes,
    certificate_pem: bytes,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    edrpou: str | None = None,
) -> DraftView:
    """Prepare a signature of ``unsigned_xml`` for the key of ``certificate_pem`` (PEM or DER).

    ``edrpou`` defaults to the organisation's own; a certificate that does not name it is refused
    at once (``SIG_EDRPOU_MISMATCH``) rather than after the user has signed.
    """
    session = _session(uow)
    if edrpou is None:
        org = session.get(OrganisationRecord, organisation_id)
        if org is None:
            raise ValidationError("Організацію не знайдено.", code="SIGN_NO_ORGANISATION")
        edrpou = org.edrpou
    cert = load_certificate(certificate_pem)
    _check_certificate(cert, edrpou, now)
    request = prepare_remote_signature(unsigned_xml, cert)
    draft = SigningDraftRecord(
        id=secrets.token_urlsafe(24), organisation_id=organisation_id, purpose=purpose,
        document=request.document, signature_xml=request.signature_xml,
        signed_info=request.signed_info, signature_method=request.signature_method,
        created_at=now, expires_at=now + ttl,
    )
    session.add(draft)
    session.flush()
    return DraftView(draft.id, base64.b64encode(request.signed_info).decode("ascii"),
                     request.webcrypto_algorithm)


def complete_draft(
    uow: Session | UnitOfWork,
    *,
    organisation_id: int,
    draft_id: str,
    purpose: str,
    signature_value_b64: str,
    now: datetime,
) -> bytes:
    """The signed document: the draft's signature with the browser's value filled in.

    Another organisation's draft, another purpose's or an unknown id is ``SIGN_DRAFT_UNKNOWN``;
    a used one ``SIGN_DRAFT_USED``; an expired one ``SIGN_DRAFT_EXPIRED``. The draft is marked
    used with a conditional update, so two racing completions use it once.
    """
    session = _session(uow)
    draft = session.get(SigningDraftRecord, draft_id) if draft_id else None
    if draft is None or draft.organisation_id != organisation_id or draft.purpose != purpose:
        raise ValidationError("Чернетку підпису не знайдено. Почніть підписання спочатку.",
                              code="SIGN_DRAFT_UNKNOWN")
    if draft.used_at is not None:
        raise ValidationError("Цю чернетку вже підписано. Почніть підписання спочатку.",
                              code="SIGN_DRAFT_USED")
    if now >= draft.expires_at:
        raise ValidationError("Час на підписання минув. Почніть підписання спочатку.",
                              code="SIGN_DRAFT_EXPIRED")
    value = _signature_value(signature_value_b64)
    used = session.execute(
        update(SigningDraftRecord)
        .where(SigningDraftRecord.id == draft_id, SigningDraftRecord.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise ValidationError("Цю чернетку вже підписано. Почніть підписання спочатку.",
                              code="SIGN_DRAFT_USED")
    request = RemoteSigningRequest(draft.document, draft.signature_xml, draft.signed_info,
                                   draft.signature_method)
    return complete_remote_signature(request, value)


def _signature_value(text: str) -> bytes:
    try:
        value = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("Браузер повернув пошкоджене значення підпису.",
                             code="SIG_INVALID") from exc
    if not value or len(value) > 1024:
        raise SignatureError("Значення підпису відсутнє або завелике.", code="SIG_INVALID")
    return value


__all__ = ["DEFAULT_TTL", "DraftView", "complete_draft", "create_draft", "load_certificate"]
