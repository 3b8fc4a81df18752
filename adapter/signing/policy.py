"""The verification policy: who we trust, for what, and which document kinds we accept.

Verification is a policy, not a library default: every party is named, pinned to its own
certificates or CAs (with that CA's CRLs), and can require an EDRPOU and XAdES.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from adapter.errors import ConfigurationError

CertInput = x509.Certificate | bytes | Path
CrlInput = x509.CertificateRevocationList | bytes | Path


@dataclass(frozen=True)
class TrustedParty:
    """A counterparty whose signatures we accept.

    ``pinned_certs``: the exact certificates it signs with (compared whole, not just the key).
    ``ca_certs``: trust anchors its certificates must chain to (offline, with ``crls``).
    Certificates and CRLs may be given as cryptography objects, PEM/DER bytes or file paths; a PEM
    bundle may hold several.
    """

    name: str
    pinned_certs: tuple[x509.Certificate, ...] = ()
    ca_certs: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()
    require_edrpou: str | None = None
    require_xades: bool = False
    pinned_der: frozenset[bytes] = field(init=False, repr=False, compare=False)
    #: SHA-256 over the anchors and CRLs: part of the path-validation cache key.
    material_digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise inputs once, here
        set_(self, "pinned_certs", _certs(self.pinned_certs))
        set_(self, "ca_certs", _certs(self.ca_certs))
        set_(self, "crls", _crls(self.crls))
        set_(self, "pinned_der", frozenset(_der(cert) for cert in self.pinned_certs))
        material = hashlib.sha256()
        items: tuple[x509.Certificate | x509.CertificateRevocationList, ...] = (
            *self.ca_certs,
            *self.crls,
        )
        for item in items:
            material.update(hashlib.sha256(item.public_bytes(serialization.Encoding.DER)).digest())
        set_(self, "material_digest", material.digest())
        if not self.pinned_certs and not self.ca_certs:
            raise ConfigurationError(
                f"Для сторони {self.name!r} не задано ні сертифікатів, ні CA.", code="TRUST_EMPTY"
            )


@dataclass(frozen=True)
class VerificationPolicy:
    """What :func:`adapter.signing.verify` accepts.

    ``allowed_root_tags``: Clark names (``{urn:roe:exchange:1}SupplierInvoice``) of acceptable
    document roots, or ``None`` for any. ``clock`` returns the current aware datetime (injectable
    for tests and for re-verifying stored documents "as of" a moment).
    """

    parties: tuple[TrustedParty, ...]
    allowed_root_tags: frozenset[str] | None = None
    clock: Callable[[], datetime] | None = None
    id_attribute: str = "Id"

    def __post_init__(self) -> None:
        names = [party.name for party in self.parties]
        if len(set(names)) != len(names):
            raise ConfigurationError(
                "Імена довірених сторін повторюються.", code="TRUST_DUPLICATE_PARTY"
            )
        if self.allowed_root_tags is not None:
            object.__setattr__(self, "allowed_root_tags", frozenset(self.allowed_root_tags))

    def party(self, name: str) -> TrustedParty:
        """The party called ``name``."""
        for party in self.parties:
            if party.name == name:
                return party
        raise ConfigurationError(f"Невідома довірена сторона {name!r}.", code="TRUST_UNKNOWN_PARTY")


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _read(item: bytes | Path) -> bytes:
    return Path(item).read_bytes() if isinstance(item, Path) else bytes(item)


def _certs(items: Iterable[CertInput]) -> tuple[x509.Certificate, ...]:
    out: list[x509.Certificate] = []
    for item in items:
        if isinstance(item, x509.Certificate):
            out.append(item)
            continue
        data = _read(item)
        try:
            if b"-----BEGIN" in data:
                out.extend(x509.load_pem_x509_certificates(data))
            else:
                out.append(x509.load_der_x509_certificate(data))
        except ValueError as exc:
            raise ConfigurationError(
                f"Некоректний сертифікат у політиці: {exc}", code="TRUST_BAD_CERT"
            ) from exc
    return tuple(out)


def _crls(items: Iterable[CrlInput]) -> tuple[x509.CertificateRevocationList, ...]:
    out: list[x509.CertificateRevocationList] = []
    for item in items:
        if isinstance(item, x509.CertificateRevocationList):
            out.append(item)
            continue
        data = _read(item)
        try:
            loader = x509.load_pem_x509_crl if b"-----BEGIN" in data else x509.load_der_x509_crl
            out.append(loader(data))
        except ValueError as exc:
            raise ConfigurationError(
                f"Некоректний CRL у політиці: {exc}", code="TRUST_BAD_CRL"
            ) from exc
    return tuple(out)
