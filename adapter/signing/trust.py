"""Which trusted party a signer certificate belongs to: pinned, or chaining to the party's CA.

Path validation (pyhanko-certvalidator, fully offline, with the party's CRLs) costs a few
milliseconds, more than the whole signature check, so successful results are cached per
(party, leaf, intermediates, anchors, CRLs) together with the time window in which they hold:
a hit is used only when the clock is inside that window, so an injected clock still sees expiry,
CRL staleness and revocation dates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from adapter.errors import TrustError
from adapter.signing.policy import TrustedParty, VerificationPolicy

T = TypeVar("T")

_MAX_CACHE = 1024
_CACHE: dict[tuple[object, ...], tuple[datetime, datetime]] = {}


def match_party(
    policy: VerificationPolicy,
    leaf: x509.Certificate,
    intermediates: tuple[x509.Certificate, ...],
    now: datetime,
    *,
    party_name: str | None = None,
) -> TrustedParty:
    """Return the first party that trusts ``leaf`` at ``now``, or raise :class:`TrustError`."""
    parties = (policy.party(party_name),) if party_name else policy.parties
    leaf_der = leaf.public_bytes(serialization.Encoding.DER)
    failures: list[TrustError] = []
    for party in parties:
        if leaf_der in party.pinned_der:
            return party
        if not _may_chain(party, leaf, intermediates):
            continue
        try:
            _validate_chain(party, leaf, intermediates, now)
        except TrustError as exc:
            failures.append(exc)
            continue
        return party
    if failures:
        # A specific reason (revoked, unknown revocation status) beats a generic one.
        failures.sort(key=lambda exc: exc.code != "SIG_REVOKED")
        raise failures[0]
    raise TrustError(
        "Сертифікат підписувача не належить жодній довіреній стороні.", code="SIG_UNTRUSTED"
    )


def clear_cache() -> None:
    """Forget cached path validations (tests; after a trust-store change in a long process)."""
    _CACHE.clear()


def _may_chain(
    party: TrustedParty, leaf: x509.Certificate, intermediates: Iterable[x509.Certificate]
) -> bool:
    anchors = {ca.subject for ca in party.ca_certs}
    return bool(anchors) and any(cert.issuer in anchors for cert in (leaf, *intermediates))


def _validate_chain(
    party: TrustedParty,
    leaf: x509.Certificate,
    intermediates: tuple[x509.Certificate, ...],
    now: datetime,
) -> None:
    key = (
        party.name,
        party.material_digest,
        leaf.fingerprint(hashes.SHA256()),
        tuple(cert.fingerprint(hashes.SHA256()) for cert in intermediates),
    )
    window = _CACHE.get(key)
    if window is not None and window[0] <= now <= window[1]:
        return
    path_certs = _run_validator(party, leaf, intermediates, now)
    if len(_CACHE) >= _MAX_CACHE:
        _CACHE.clear()
    _CACHE[key] = _window(party, path_certs)


def _run_validator(
    party: TrustedParty,
    leaf: x509.Certificate,
    intermediates: tuple[x509.Certificate, ...],
    now: datetime,
) -> list[asn1_x509.Certificate]:
    context = ValidationContext(
        trust_roots=[_asn1_cert(ca) for ca in party.ca_certs],
        crls=[
            asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))
            for crl in party.crls
        ],
        allow_fetching=False,
        # With CRLs configured, a certificate they cannot vouch for is refused; without any, the
        # party's trust rests on its CA alone (documented in docs/signing.md).
        revocation_mode="require" if party.crls else "soft-fail",
        # A CRL issued after the moment we judge at (re-verifying a stored document "as of" its
        # receipt) is still good evidence; only one whose nextUpdate passed before it is not.
        retroactive_revinfo=True,
        moment=now,
    )
    validator = CertificateValidator(
        _asn1_cert(leaf),
        intermediate_certs=[_asn1_cert(c) for c in intermediates],
        validation_context=context,
    )
    try:
        path = _run_coroutine(validator.async_validate_path)
    except cv_errors.RevokedError as exc:
        raise TrustError(f"Сертифікат підписувача відкликано: {exc}", code="SIG_REVOKED") from exc
    except cv_errors.InsufficientRevinfoError as exc:
        raise TrustError(
            f"Не вдалося перевірити відкликання сертифіката: {exc}", code="SIG_REVOCATION_UNKNOWN"
        ) from exc
    except cv_errors.ExpiredError as exc:
        raise TrustError(
            f"Строк дії сертифіката в ланцюжку минув: {exc}", code="SIG_CERT_EXPIRED"
        ) from exc
    except cv_errors.NotYetValidError as exc:
        raise TrustError(
            f"Сертифікат у ланцюжку ще не чинний: {exc}", code="SIG_CERT_NOT_YET_VALID"
        ) from exc
    except (
        cv_errors.PathBuildingError,
        cv_errors.PathValidationError,
        cv_errors.ValidationError,
    ) as exc:
        raise TrustError(
            f"Сертифікат не пов'язаний з довіреним CA: {exc}", code="SIG_UNTRUSTED"
        ) from exc
    return list(path.iter_certs(include_root=True))


def _window(
    party: TrustedParty, path_certs: list[asn1_x509.Certificate]
) -> tuple[datetime, datetime]:
    """The span of time in which this validation result stays true (conservatively)."""
    certs = [x509.load_der_x509_certificate(cert.dump()) for cert in path_certs]
    starts = [cert.not_valid_before_utc for cert in certs]
    ends = [cert.not_valid_after_utc for cert in certs]
    for crl in party.crls:
        if crl.next_update_utc is not None:
            ends.append(crl.next_update_utc)
        for cert in certs:
            revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if revoked is not None and crl.issuer == cert.issuer:
                ends.append(revoked.revocation_date_utc)
    return max(starts), min(ends)


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run pyhanko's async validation to completion from synchronous code.

    ``asyncio.run`` refuses to start inside a thread whose loop is already running (an async
    host, or Playwright's sync API in the browser tests), so then it runs on a helper thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
