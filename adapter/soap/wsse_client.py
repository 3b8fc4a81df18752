"""A zeep ``wsse=`` plugin: sign requests, verify responses with the same policy as our server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from lxml import etree

from adapter.errors import ConfigurationError
from adapter.soap.wsse_envelope import fault_of, locate
from adapter.soap.wsse_replay import MemoryReplayCache, ReplayCache
from adapter.soap.wsse_sign import PrivateKey, SigningIdentity, sign_tree
from adapter.soap.wsse_verify import DEFAULT_MAX_AGE, DEFAULT_MAX_SKEW, WsseResult, verify_wsse


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WsseSigner:
    """Signs every outgoing envelope and verifies every response; pass it as zeep's ``wsse=``.

    Unlike zeep's ``BinarySignature`` it signs with SHA-256, demands that the response's own
    Body and Timestamp are signed by a pinned peer certificate, and lets an unsigned
    soap:Fault through so that zeep raises it as the fault it is (see docs/wsse.md).
    """

    def __init__(
        self,
        key: PrivateKey | SigningIdentity,
        cert: x509.Certificate | None = None,
        *,
        peer_certs: Sequence[x509.Certificate],
        ttl: timedelta = timedelta(minutes=5),
        max_skew: timedelta = DEFAULT_MAX_SKEW,
        max_age: timedelta = DEFAULT_MAX_AGE,
        replay_cache: ReplayCache | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        if isinstance(key, SigningIdentity):
            self._identity = key
        elif cert is None:
            raise ConfigurationError("WsseSigner: потрібен сертифікат до ключа.")
        else:
            self._identity = SigningIdentity.from_key(key, cert)
        self._peer_certs = tuple(peer_certs)
        self._ttl = ttl
        self._max_skew = max_skew
        self._max_age = max_age
        self._clock = clock
        self._replay_cache = replay_cache or MemoryReplayCache(clock=clock)

    @classmethod
    def from_pem(
        cls, key_pem: bytes, cert_pem: bytes, *, password: bytes | None = None, **options: Any
    ) -> WsseSigner:
        """Build from PEM bytes; ``options`` are the keyword arguments of the constructor."""
        return cls(SigningIdentity.from_pem(key_pem, cert_pem, password=password), **options)

    def apply(
        self, envelope: etree._Element, headers: dict[str, str]
    ) -> tuple[etree._Element, dict[str, str]]:
        """zeep hook: sign the outgoing ``envelope`` in place."""
        sign_tree(envelope, self._identity, now=self._clock(), ttl=self._ttl)
        return envelope, headers

    def verify(self, envelope: etree._Element) -> etree._Element:
        """zeep hook: verify a response; an unsigned fault is returned for zeep to raise."""
        self.verify_response(envelope)
        return envelope

    def verify_response(self, envelope: etree._Element) -> WsseResult | None:
        """Verify a response; None means an unsigned soap:Fault (authenticated by nothing)."""
        parts = locate(envelope)
        if parts.signature is None and fault_of(parts) is not None:
            return None
        return verify_wsse(
            envelope,
            trusted_certs=self._peer_certs,
            now=self._clock(),
            max_skew=self._max_skew,
            max_age=self._max_age,
            replay_cache=self._replay_cache,
        )
