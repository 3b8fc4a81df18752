"""The replay cache and the replay key."""

from __future__ import annotations

import base64
import threading
from datetime import timedelta

import pytest

from adapter.errors import ReplayError
from adapter.soap.wsse import MemoryReplayCache, verify_wsse
from adapter.soap.wsse_ns import DS_NS

from .forge import find, signed, wire
from .pki import NOW

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def test_cache_remembers_until_expiry_then_forgets() -> None:
    clock = [NOW]
    cache = MemoryReplayCache(clock=lambda: clock[0])
    assert cache.remember("k", NOW + timedelta(minutes=1)) is True
    assert cache.remember("k", NOW + timedelta(minutes=1)) is False
    clock[0] = NOW + timedelta(minutes=1)  # the last instant: still remembered
    assert cache.remember("k", NOW + timedelta(minutes=2)) is False
    clock[0] = NOW + timedelta(minutes=1, seconds=1)
    assert len(cache) == 0
    assert cache.remember("k", NOW + timedelta(minutes=3)) is True


def test_cache_is_atomic_under_threads() -> None:
    cache = MemoryReplayCache(clock=lambda: NOW)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.extend(cache.remember(f"k{i}", NOW + timedelta(minutes=1)) for i in range(200))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 200
    assert len(results) == 8 * 200


def test_cache_refuses_when_full() -> None:
    cache = MemoryReplayCache(clock=lambda: NOW, max_entries=1)
    cache.remember("a", NOW + timedelta(minutes=1))
    with pytest.raises(ReplayError) as caught:
        cache.remember("b", NOW + timedelta(minutes=1))
    assert caught.value.code == "WSSE_REPLAY_CACHE_FULL"


def test_replay_retention_is_bounded_by_the_freshness_window(rsa_identity) -> None:
    seen: list = []

    class Spy:
        def remember(self, key, expires_at):
            seen.append(expires_at)
            return True

    root = signed(rsa_identity, NOW, ttl=timedelta(days=1))
    verify_wsse(root, trusted_certs=[rsa_identity.cert], now=NOW, replay_cache=Spy())
    assert seen == [NOW + timedelta(minutes=10)]  # Created + max_age + skew, not Expires + skew


def test_malleated_ecdsa_signature_is_still_a_replay(ec_identity, cache) -> None:
    root = signed(ec_identity, NOW)
    twin = wire(root)
    value = find(twin, DS_NS, "SignatureValue")
    raw = base64.b64decode(value.text)
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    value.text = base64.b64encode(r.to_bytes(32, "big") + (P256_ORDER - s).to_bytes(32, "big"))
    # The twin is a different, equally valid signature: prove it verifies on its own ...
    verify_wsse(
        wire(twin), trusted_certs=[ec_identity.cert], now=NOW, replay_cache=MemoryReplayCache()
    )
    # ... and that after the original it counts as the same message.
    verify_wsse(root, trusted_certs=[ec_identity.cert], now=NOW, replay_cache=cache)
    with pytest.raises(ReplayError):
        verify_wsse(twin, trusted_certs=[ec_identity.cert], now=NOW, replay_cache=cache)
