"""The documents cabinet with LiqPay sandbox keys, served over real HTTP on loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from adapter.pki import SandboxPki
from tests.support.database import database_url  # noqa: F401
from tests.support.pki import sandbox_pki  # noqa: F401
from tests.support.servers import serve_in_thread
from tests.web.documents.conftest import Docs, build_docs

PUBLIC_KEY, PRIVATE_KEY = "sandbox_i000000042", "sandbox_private_key_for_cabinet_tests"


@pytest.fixture
def live(database_url: str, sandbox_pki: SandboxPki) -> Iterator[tuple[Docs, str]]:  # noqa: F811
    """The cabinet with payment on (sandbox), and its base URL; the callback goes to it."""
    docs = build_docs(database_url, sandbox_pki, ADAPTER_LIQPAY_PUBLIC_KEY=PUBLIC_KEY,
                      ADAPTER_LIQPAY_PRIVATE_KEY=PRIVATE_KEY, ADAPTER_LIQPAY_SANDBOX="1")
    with serve_in_thread(docs.cabinet.app) as base:
        # What ADAPTER_PUBLIC_URL gives in production, pointed at this test server's port.
        container = docs.container
        container.payments = dataclasses.replace(  # type: ignore[misc]
            container.payments, checkout_url=f"{base}/payments/sandbox",
            result_url=f"{base}/payments/result", server_url=f"{base}/payments/liqpay/callback")
        yield docs, base
    docs.container.engine.dispose()
