"""WS-Security (OASIS WSS 1.0, X.509 token profile) signatures for our SOAP traffic.

* :func:`verify_wsse` - our endpoint checks a signed request (pinned certificate, Body and
  Timestamp signed, SHA-256 only, fresh, not a replay).
* :class:`WsseSigner` - zeep's ``wsse=`` plugin: signs requests, verifies responses.
* :func:`sign_envelope` - our endpoint signs its own responses.

The policy and the codes are described in docs/wsse.md.
"""

from __future__ import annotations

from adapter.soap.wsse_client import WsseSigner
from adapter.soap.wsse_replay import MemoryReplayCache, ReplayCache
from adapter.soap.wsse_sign import PrivateKey, SigningIdentity, sign_envelope, sign_tree
from adapter.soap.wsse_verify import DEFAULT_MAX_AGE, DEFAULT_MAX_SKEW, WsseResult, verify_wsse

__all__ = [
    "DEFAULT_MAX_AGE",
    "DEFAULT_MAX_SKEW",
    "MemoryReplayCache",
    "PrivateKey",
    "ReplayCache",
    "SigningIdentity",
    "WsseResult",
    "WsseSigner",
    "sign_envelope",
    "sign_tree",
    "verify_wsse",
]
