"""The sandbox PKI generator (``adapter pki init``) and its certificate helpers."""

from __future__ import annotations

from adapter.pki.sandbox import (
    PARTIES,
    SANDBOX_CONSUMER_EDRPOU,
    CaFiles,
    IssuedCert,
    SandboxPki,
    create_other_ca,
    generate_sandbox_pki,
    issue_extra_cert,
    revoke,
)

__all__ = [
    "PARTIES",
    "SANDBOX_CONSUMER_EDRPOU",
    "CaFiles",
    "IssuedCert",
    "SandboxPki",
    "create_other_ca",
    "generate_sandbox_pki",
    "issue_extra_cert",
    "revoke",
]
