"""Chain validation works from code that runs inside an asyncio loop (async hosts, Playwright)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from adapter.pki import SandboxPki
from adapter.signing import clear_trust_cache, load_signing_key, sign, verify
from tests.support.exchange import supplier_invoice_xml
from tests.support.pki import sandbox_pki, sandbox_policy  # noqa: F401


def test_a_ca_chained_signature_verifies_while_a_loop_runs_on_this_thread(
    sandbox_pki: SandboxPki,  # noqa: F811
):
    key = load_signing_key(sandbox_pki.consumer_key.read_bytes(),
                           sandbox_pki.consumer_cert.read_bytes())
    signed = sign(supplier_invoice_xml("LOOP-1"), key=key)
    clear_trust_cache()  # force the path validation, which is the async part

    async def inside_a_loop() -> str:
        return verify(signed, policy=sandbox_policy(sandbox_pki),
                      expected_edrpou="12345678").party

    # On a thread of its own, so the test holds wherever the suite's main thread stands.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result() == "consumer"
