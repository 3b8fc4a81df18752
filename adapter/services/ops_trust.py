"""The trust store as the console shows it: every configured certificate, CA and CRL.

Read from the files ``Settings`` names (``ADAPTER_*_CERTS``, ``*_CA_CERTS``, ``*_CRLS``, our own
``ADAPTER_SIGNING_CERT``), at the moment the page is opened: a certificate that expires within the
warning period is a ``warning``, an expired one (or a CRL past its next update) an ``error``, a
file that cannot be read an ``error`` too, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509

from adapter.settings import Settings
from adapter.signing.certs import readable_name

OK, WARNING, ERROR = "ok", "warning", "error"


@dataclass(frozen=True)
class TrustEntry:
    """One certificate or CRL file and how soon it runs out."""

    party: str
    role: str
    path: str
    subject: str = ""
    issuer: str = ""
    not_after: datetime | None = None
    days_left: int | None = None
    level: str = OK
    note: str = ""


def _sources(settings: Settings) -> Iterable[tuple[str, str, Path]]:
    if settings.signing_cert is not None:
        yield "dso", "own", settings.signing_cert
    for party in settings.parties:
        for path in party.pinned_certs:
            yield party.name, "pinned", path
        for path in party.ca_certs:
            yield party.name, "ca", path
        for path in party.crls:
            yield party.name, "crl", path


def trust_store(settings: Settings, *, now: datetime,
                warning: timedelta = timedelta(days=30)) -> list[TrustEntry]:
    """Every configured trust file, most urgent first."""
    entries: list[TrustEntry] = []
    for party, role, path in _sources(settings):
        try:
            data = path.read_bytes()
            if role == "crl":
                entries.append(_crl(party, path, data, now))
            else:
                entries.extend(_certs(party, role, path, data, now, warning))
        except (OSError, ValueError) as exc:
            entries.append(TrustEntry(party, role, str(path), level=ERROR,
                                      note=f"Не вдалося прочитати: {exc}"))
    order = {ERROR: 0, WARNING: 1, OK: 2}
    return sorted(entries, key=lambda e: (order[e.level], e.days_left if e.days_left is not None
                                          else 10**6, e.party))


def _certs(party: str, role: str, path: Path, data: bytes, now: datetime,
           warning: timedelta) -> list[TrustEntry]:
    certs = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [
        x509.load_der_x509_certificate(data)]
    out = []
    for cert in certs:
        left = cert.not_valid_after_utc - now
        level, note = OK, ""
        if left <= timedelta(0):
            level, note = ERROR, "Сертифікат прострочено."
        elif left < warning:
            level, note = WARNING, f"Сертифікат спливає менш ніж за {warning.days} днів."
        elif cert.not_valid_before_utc > now:
            level, note = WARNING, "Сертифікат ще не чинний."
        out.append(TrustEntry(party, role, str(path), readable_name(cert.subject),
                              readable_name(cert.issuer), cert.not_valid_after_utc,
                              left.days, level, note))
    return out


def _crl(party: str, path: Path, data: bytes, now: datetime) -> TrustEntry:
    crl = (x509.load_pem_x509_crl(data) if b"-----BEGIN" in data
           else x509.load_der_x509_crl(data))
    next_update = crl.next_update_utc
    level, note, days = OK, "", None
    if next_update is not None:
        days = (next_update - now).days
        if next_update <= now:
            level, note = ERROR, "Список відкликаних сертифікатів застарів: оновіть його."
    return TrustEntry(party, "crl", str(path), "", readable_name(crl.issuer), next_update,
                      days, level, note or f"Відкликано: {len(crl)}")
