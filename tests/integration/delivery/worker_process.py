"""A delivery worker in its own process, for kill and signal tests.

``python -m tests.integration.delivery.worker_process DB_URL PEER_URL WORKER_ID LEASE_SECONDS``
runs the same code path as ``adapter worker`` (run_worker, with its SIGTERM handling) against
the loopback peer.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from adapter.bootstrap import build_container
from adapter.cli.worker import run_worker
from adapter.delivery.config import DeliveryConfig
from adapter.settings import Settings
from tests.integration.delivery.peer import HttpTransport


def main(argv: list[str]) -> int:
    database_url, peer_url, worker_id, lease = argv
    container = build_container(Settings(database_url=database_url))
    # The lead's container will carry a DeliveryConfig built from Settings; here we set it.
    container.delivery_config = DeliveryConfig(  # type: ignore[attr-defined]
        lease=timedelta(seconds=float(lease)), retry_base=timedelta(milliseconds=50),
        retry_cap=timedelta(milliseconds=200))
    transport = HttpTransport(peer_url)
    try:
        worker = run_worker(container, poll=0.05, worker_id=worker_id,
                            transports=lambda _destination: transport)
    finally:
        transport.close()
    print(f"processed {worker.processed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
