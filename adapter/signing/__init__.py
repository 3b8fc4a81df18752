"""XML signatures: ``sign`` and ``verify`` (XMLDSig enveloped, XAdES-BES), the verification policy.

Signing sits behind the :class:`Signer` protocol (python-xmlsec today; a DSTU 4145 provider can be
added later). Verification is a policy (:class:`VerificationPolicy`), and its result
(:class:`VerifiedDocument`) carries the only content the rest of the adapter may read.
"""

from __future__ import annotations

from adapter.signing.keys import SigningKey, load_signing_key
from adapter.signing.policy import TrustedParty, VerificationPolicy
from adapter.signing.remote import (
    RemoteSigningRequest,
    complete_remote_signature,
    prepare_remote_signature,
)
from adapter.signing.result import SignerInfo, VerifiedDocument
from adapter.signing.signer import Signer, XmlDsigSigner, sign
from adapter.signing.trust import clear_cache as clear_trust_cache
from adapter.signing.verifier import verify

__all__ = [
    "RemoteSigningRequest",
    "Signer",
    "SignerInfo",
    "SigningKey",
    "TrustedParty",
    "VerificationPolicy",
    "VerifiedDocument",
    "XmlDsigSigner",
    "clear_trust_cache",
    "complete_remote_signature",
    "load_signing_key",
    "prepare_remote_signature",
    "sign",
    "verify",
]
