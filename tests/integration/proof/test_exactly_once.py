"""The proof: exactly one effect per message at the real sandbox peers, whatever goes wrong.

Real processes on loopback: the sandbox supplier and billing (``adapter sandbox ...``) inject
errors, resets, timeouts after they committed, latency and duplicate pushes; the registry comes
from the billing peer; consumer-signed readings go through ``submit_readings`` (with the
container's clock inside the readings window, which stays enforced) into the outbox for both
peers; ``adapter worker`` processes deliver them, one of them SIGKILLed in the middle of a call.
The verdict is read from outside with ``adapter sandbox ledger --json``.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from adapter.pki import SandboxPki
from adapter.sandbox import Ledger
from adapter.sandbox.config import BILLING_EIC, SUPPLIER_EIC
from tests.integration.proof import harness as h

DOCUMENTS = 30  # x 2 destinations = 60 outbox messages per run


def faults(seed: int) -> h.PeerFaults:
    """The brief's fault mix; latency keeps calls long enough to catch one in flight."""
    return h.PeerFaults(error_rate=0.2, timeout_after_commit_rate=0.1, reset_rate=0.1,
                        duplicate_push_rate=0.2, latency=0.05, hang_seconds=1.5, seed=seed)


def run_proof(pki: SandboxPki, database_url: str, tmp_path: Path, *, workers: int,
              seed: int, kill_first: bool) -> None:
    with h.intake_server(h.adapter_env(pki, database_url)) as (intake_url, intake):
        run_with_intake(pki, database_url, tmp_path, intake_url, workers=workers, seed=seed,
                        kill_first=kill_first)
        # Back towards us: every document the peers issued was stored once by our intake, even
        # those pushed twice (the duplicate push was answered A51).
        for peer_ledger, sender in ((tmp_path / "supplier.sqlite3", SUPPLIER_EIC),
                                    (tmp_path / "billing.sqlite3", BILLING_EIC)):
            issued = Ledger(peer_ledger).issued_after(0, 10_000)
            stored = h.inbound_identities(intake, sender)
            assert issued and {(d.mrid, 1) for d in issued} == set(stored)
            assert set(stored.values()) == {1}
            assert {d.push_result for d in issued} <= {"A01", "A51"}
            assert any(d.pushes == 2 and d.push_result == "A51" for d in issued)
            print(f"pushes from {sender}: {len(issued)} issued, "
                  f"{sum(d.pushes for d in issued)} pushed, {len(stored)} stored once each")


def run_with_intake(pki: SandboxPki, database_url: str, tmp_path: Path, intake_url: str, *,
                    workers: int, seed: int, kill_first: bool) -> None:
    push = ("--push", "--intake-url", intake_url)
    logs = (tmp_path / "processes.log").open("wb")
    supplier = h.start_peer("supplier", pki.directory, tmp_path / "supplier.sqlite3",
                            faults(seed), *push, log=logs)
    billing = h.start_peer("billing", pki.directory, tmp_path / "billing.sqlite3",
                           faults(seed + 1), *push, log=logs)
    env = h.adapter_env(pki, database_url, supplier, billing)
    container = h.container_for(env)
    running: list[subprocess.Popen[bytes]] = []
    try:
        assert h.sync_registry_from_billing(container) == 5
        keys = h.consumer_keys(pki, tmp_path)
        builder = h.readings_for(container)
        identities = h.submit_signed(container, keys, [builder.next() for _ in range(DOCUMENTS)])
        # One head per lane (contract x destination) is pending; the rest wait behind it.
        lanes = 2 * len(h.served_consumers())
        assert h.status_counts(container) == {"pending": lanes, "waiting": 2 * DOCUMENTS - lanes}

        started = time.monotonic()
        if kill_first:  # SQLite: one live worker at a time
            doomed, held = h.kill_mid_delivery(container, env, "doomed", log=logs)
            running = [h.spawn_worker(env, f"w{n}", logs) for n in range(workers)]
        else:  # PostgreSQL: the kill lands while the others deliver too
            running = [h.spawn_worker(env, f"w{n}", logs) for n in range(workers)]
            doomed, held = h.kill_mid_delivery(container, env, "doomed", log=logs)
        counts = h.wait_settled(container, timeout=60)
        elapsed = time.monotonic() - started
        assert h.stop_workers(running) == [0] * workers  # SIGTERM: a clean exit
        rows, attempts = h.messages(container), h.attempts(container)
    finally:
        h.stop_workers(running)
        supplier.stop()
        billing.stop()
        logs.close()
        container.engine.dispose()

    # The outbox: every message delivered, none dead, none left behind.
    assert counts == {"delivered": 2 * DOCUMENTS}, counts
    delivering = {a.worker_id for a in attempts if a.outcome in ("delivered", "duplicate")}
    assert len(delivering) >= min(workers, 2), delivering  # the workers really ran side by side
    # The killed call: its attempt was closed as lost by the reaper, another worker delivered it.
    lost = [a for a in attempts if a.message_id == held and a.worker_id == doomed]
    assert [(a.outcome, a.error_code) for a in lost] == [("lost", "DELIVERY_LEASE_EXPIRED")]
    held_row = next(r for r in rows if r.id == held)
    assert held_row.status == "delivered" and held_row.ack_code in ("A01", "A51")
    faults_seen = {a.error_code for a in attempts if a.outcome == "failed"}
    # The injected faults really happened, as the errors our client maps them to.
    assert {"REMOTE_SERVER_FAULT", "REMOTE_TIMEOUT", "REMOTE_CONNECTION"} <= faults_seen
    assert any(r.ack_code == "A51" for r in rows)  # a retry after the peer had committed

    # The peers' ledgers, read from outside: each identity exactly one effect, none lost.
    summary: dict[str, object] = {
        "documents": DOCUMENTS, "seconds": round(elapsed, 1), "attempts": len(attempts),
        "lost": len(lost), "workers": sorted(delivering),
        "killed_call": f"#{held} {held_row.destination} then {held_row.ack_code}"}
    for peer in (supplier, billing):
        status, report = h.ledger_report(peer.ledger)
        assert status == 0, report["summary"]
        entries = {(e["sender_eic"], e["mrid"], e["revision"]): e
                   for e in report["messages"]}
        assert set(entries) == set(identities)  # none lost, nothing unexpected
        assert all(e["effects"] == 1 for e in entries.values())
        assert all(e["arrivals"] >= e["effects"] for e in entries.values())
        summary[f"{peer.system}_arrivals"] = sum(e["arrivals"] for e in entries.values())
        summary[f"{peer.system}_effects"] = sum(e["effects"] for e in entries.values())
        assert report["summary"]["double_effects"] == 0
    print("proof:", summary, "attempt outcomes:",
          sorted({(a.outcome, a.error_code) for a in attempts}, key=str))


def test_every_message_has_exactly_one_effect(
    sandbox_pki: SandboxPki, database_url: str, tmp_path: Path  # noqa: F811
) -> None:
    """SQLite: one worker after a killed one. PostgreSQL: four concurrent workers and a kill."""
    if database_url.startswith("sqlite"):
        run_proof(sandbox_pki, database_url, tmp_path, workers=1, seed=11, kill_first=True)
    else:
        run_proof(sandbox_pki, database_url, tmp_path, workers=4, seed=21, kill_first=False)
