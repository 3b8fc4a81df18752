"""The sandbox PKI: a CA and the signing identities of every party in the demo flow.

``generate_sandbox_pki`` writes, for each of ``ca``, ``dso``, ``supplier``, ``billing`` and
``consumer``, ``NAME.key.pem`` and ``NAME.cert.pem``, plus an empty CRL ``ca.crl.pem`` signed by the
CA. Keys are generated when called (``adapter pki init``, test fixtures): nothing private is ever
committed. :func:`issue_extra_cert`, :func:`create_other_ca` and :func:`revoke` make the odd
certificates tests need (expired, wrong key usage, revoked, from a foreign CA).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapter.pki import x509 as px

#: The EDRPOU the sandbox consumer's certificate names.
SANDBOX_CONSUMER_EDRPOU = "12345678"
PARTIES = ("dso", "supplier", "billing", "consumer")
_COMMON_NAMES = {
    "ca": "ROE Sandbox CA",
    "dso": "ПрАТ Рівнеобленерго (sandbox)",
    "supplier": "ТОВ РОЕК (sandbox)",
    "billing": "Білінг ОСР (sandbox)",
    "consumer": "ТОВ Джерело (sandbox)",
}


@dataclass(frozen=True)
class CaFiles:
    """A certificate authority on disk: its key, certificate and current CRL."""

    name: str
    key: Path
    cert: Path
    crl: Path


@dataclass(frozen=True)
class IssuedCert:
    """An end-entity key and certificate on disk."""

    name: str
    key: Path
    cert: Path


@dataclass(frozen=True)
class SandboxPki:
    """Paths of the sandbox PKI written by :func:`generate_sandbox_pki`."""

    directory: Path
    ca_key: Path
    ca_cert: Path
    ca_crl: Path
    dso_key: Path
    dso_cert: Path
    supplier_key: Path
    supplier_cert: Path
    billing_key: Path
    billing_cert: Path
    consumer_key: Path
    consumer_cert: Path
    consumer_edrpou: str = SANDBOX_CONSUMER_EDRPOU
    key_type: str = "rsa"

    @property
    def ca(self) -> CaFiles:
        """The sandbox CA as a :class:`CaFiles`."""
        return CaFiles("ca", self.ca_key, self.ca_cert, self.ca_crl)

    def party(self, name: str) -> IssuedCert:
        """The key and certificate of ``dso``, ``supplier``, ``billing`` or ``consumer``."""
        if name not in PARTIES:
            raise KeyError(name)
        return IssuedCert(name, getattr(self, f"{name}_key"), getattr(self, f"{name}_cert"))


def generate_sandbox_pki(
    directory: Path, *, now: datetime | None = None, key_type: str = "rsa"
) -> SandboxPki:
    """Create the sandbox CA, the four party identities and an empty CRL in ``directory``."""
    now = now or datetime.now(UTC)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = px.new_key(key_type)
    ca_cert = px.build_ca(ca_key, _COMMON_NAMES["ca"], now=now)
    paths: dict[str, Path] = {
        "ca_key": px.write_key(directory / "ca.key.pem", ca_key),
        "ca_cert": px.write_cert(directory / "ca.cert.pem", ca_cert),
        "ca_crl": px.write_crl(directory / "ca.crl.pem", px.build_crl(ca_key, ca_cert, now=now)),
    }
    for party in PARTIES:
        key = px.new_key(key_type)
        cert = px.build_end_entity(
            key,
            _COMMON_NAMES[party],
            issuer_key=ca_key,
            issuer_cert=ca_cert,
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=730),
            edrpou=SANDBOX_CONSUMER_EDRPOU if party == "consumer" else None,
        )
        paths[f"{party}_key"] = px.write_key(directory / f"{party}.key.pem", key)
        paths[f"{party}_cert"] = px.write_cert(directory / f"{party}.cert.pem", cert)
    return SandboxPki(directory=directory, key_type=key_type, **paths)  # type: ignore[arg-type]


def create_other_ca(
    directory: Path, name: str = "other-ca", *, now: datetime | None = None, key_type: str = "rsa"
) -> CaFiles:
    """A second, unrelated CA (for "signed by a CA we do not trust" cases)."""
    now = now or datetime.now(UTC)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = px.new_key(key_type)
    cert = px.build_ca(key, f"Other CA {name}", now=now)
    return CaFiles(
        name,
        px.write_key(directory / f"{name}.key.pem", key),
        px.write_cert(directory / f"{name}.cert.pem", cert),
        px.write_crl(directory / f"{name}.crl.pem", px.build_crl(key, cert, now=now)),
    )


def issue_extra_cert(
    ca: CaFiles | SandboxPki,
    name: str,
    *,
    directory: Path | None = None,
    now: datetime | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    usages: Iterable[str] | None = px.SIGNING_USAGES,
    edrpou: str | None = None,
    key_type: str = "rsa",
    rsa_bits: int = 2048,
) -> IssuedCert:
    """Issue ``NAME.key.pem``/``NAME.cert.pem`` from ``ca`` (dates, usages and key are up to you).

    ``usages=None`` leaves the KeyUsage extension out; ``rsa_bits=1024`` makes a weak key.
    """
    ca_files = ca.ca if isinstance(ca, SandboxPki) else ca
    now = now or datetime.now(UTC)
    directory = Path(directory or ca_files.cert.parent)
    ca_key, ca_cert = px.load_key(ca_files.key), px.load_cert(ca_files.cert)
    key = px.new_key(key_type, rsa_bits=rsa_bits)
    cert = px.build_end_entity(
        key,
        name,
        issuer_key=ca_key,
        issuer_cert=ca_cert,
        not_before=not_before or now - timedelta(days=1),
        not_after=not_after or now + timedelta(days=365),
        usages=usages,
        edrpou=edrpou,
    )
    return IssuedCert(
        name,
        px.write_key(directory / f"{name}.key.pem", key),
        px.write_cert(directory / f"{name}.cert.pem", cert),
    )


def revoke(
    ca: CaFiles | SandboxPki,
    certs: Iterable[Path],
    *,
    crl_path: Path | None = None,
    now: datetime | None = None,
    crl_number: int = 2,
) -> Path:
    """Write a CRL from ``ca`` listing ``certs`` (to ``crl_path``, by default the CA's own CRL)."""
    ca_files = ca.ca if isinstance(ca, SandboxPki) else ca
    now = now or datetime.now(UTC)
    serials = [px.load_cert(Path(path)).serial_number for path in certs]
    crl = px.build_crl(
        px.load_key(ca_files.key),
        px.load_cert(ca_files.cert),
        now=now,
        revoked_serials=serials,
        crl_number=crl_number,
    )
    return px.write_crl(Path(crl_path or ca_files.crl), crl)
