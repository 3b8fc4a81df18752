"""Who is calling: WS-Security at our endpoint, mapped to a configured counterparty.

A request without a Security header is allowed through with no transport identity (the intake
pipeline then refuses documents from counterparties configured to require WS-Security). A request
with one must verify against a pinned certificate; the certificate tells which party sent it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from cryptography import x509

from adapter.soap.envelope import SoapRequest
from adapter.soap.wsse import ReplayCache, SigningIdentity, sign_envelope, verify_wsse


class WsseGate:
    """Verifies signed requests and signs responses to them."""

    def __init__(
        self,
        *,
        party_certs: Mapping[str, Sequence[x509.Certificate]],
        replay_cache: ReplayCache,
        clock: Callable[[], datetime],
        max_skew: timedelta,
        identity: SigningIdentity | None,
    ) -> None:
        self._party_certs = party_certs
        self._trusted = [cert for certs in party_certs.values() for cert in certs]
        self._replay_cache = replay_cache
        self._clock = clock
        self._max_skew = max_skew
        self._identity = identity

    def identify(self, soap: SoapRequest) -> str | None:
        """The party whose pinned certificate signed the request, or None if it is unsigned."""
        if not soap.has_security_header:
            return None
        result = verify_wsse(
            soap.envelope,
            trusted_certs=self._trusted,
            now=self._clock(),
            max_skew=self._max_skew,
            replay_cache=self._replay_cache,
        )
        for party, certs in self._party_certs.items():
            if result.certificate in certs:
                return party
        return None  # pragma: no cover - verify_wsse accepts only certificates listed above

    def sign_response(self, response: bytes, *, signed_request: bool) -> bytes:
        """Sign our answer when the caller signed its request and we have a key to sign with."""
        if not signed_request or self._identity is None:
            return response
        return sign_envelope(response, key=self._identity, now=self._clock())
