"""Delivery throughput to the sandbox supplier on loopback, with and without injected faults.

Run: .venv/bin/python bench/bench_delivery.py [--documents 200] [--postgres URL] [--only LABEL]

Each run starts from nothing: a fresh database (SQLite file, or a new PostgreSQL schema), the
sandbox supplier and billing peers as real processes (``adapter sandbox ...``), the registry
synced from billing, N consumer-signed readings submitted through ``submit_readings`` (each queued
for the supplier and for billing), then ``adapter worker`` processes. The workers are given the
supplier's endpoint only, so they deliver to the supplier and park the billing messages
(unconfigured): the rate is supplier messages delivered per second, from the first attempt's start
to the last delivery (worker start-up excluded). Every run ends with ``adapter sandbox ledger
--json`` on the supplier's ledger: each message must have exactly one effect and none may be
missing. The peers, the workers and the database share the machine's 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapter.pki import generate_sandbox_pki  # noqa: E402
from bench.support import postgres_schema  # noqa: E402
from tests.integration.proof import harness as h  # noqa: E402

NO_FAULTS = h.PeerFaults()
#: 20 % of calls fail: 10 % soap:Server faults, 5 % connection resets, 5 % timeouts after the
#: peer committed (the client waits its 1 s timeout; the retry is answered A51).
FAULTS_20 = h.PeerFaults(error_rate=0.10, reset_rate=0.05, timeout_after_commit_rate=0.05,
                         hang_seconds=1.5, seed=7)


@dataclass(frozen=True)
class Result:
    """One run's figures."""

    label: str
    messages: int
    seconds: float
    attempts: int
    arrivals: int
    effects_ok: bool
    missing: int
    doubled: int

    @property
    def rate(self) -> float:
        """Supplier messages delivered per second."""
        return self.messages / self.seconds


def run(label: str, database_url: str, workers: int, faults: h.PeerFaults, documents: int,
        work: Path) -> Result:
    """One measured run (see the module docstring)."""
    work.mkdir(parents=True)
    pki = generate_sandbox_pki(work / "pki")
    log = (work / "processes.log").open("wb")
    supplier = h.start_peer("supplier", pki.directory, work / "supplier.sqlite3", faults, log=log)
    billing = h.start_peer("billing", pki.directory, work / "billing.sqlite3", NO_FAULTS,
                           "--page-size", "5", log=log)
    env = h.adapter_env(pki, database_url, supplier, billing)
    container = h.container_for(env)
    running = []
    try:
        h.prepare_database(container)
        h.sync_registry_from_billing(container)
        builder = h.readings_for(container, prefix="BENCH")
        identities = h.submit_signed(container, h.consumer_keys(pki, work),
                                     [builder.next() for _ in range(documents)])
        worker_env = {**env, "ADAPTER_BILLING_ENDPOINT": ""}
        running = [h.spawn_worker(worker_env, f"b{n}", log) for n in range(workers)]
        h.wait_for(lambda: h.delivered_to(container, h.SUPPLIER_DESTINATION) == documents
                   or h.dead(container) > 0, timeout=600, interval=0.2)
        h.stop_workers(running)
        seconds, attempts = h.delivery_span(container, h.SUPPLIER_DESTINATION)
        delivered = h.delivered_to(container, h.SUPPLIER_DESTINATION)
    finally:
        h.stop_workers(running)
        supplier.stop()
        billing.stop()
        log.close()
        container.engine.dispose()
    status, report = h.ledger_report(supplier.ledger)
    entries = {(e["sender_eic"], e["mrid"], e["revision"]): e
               for e in report["messages"]}
    missing = len(set(identities) - set(entries))
    doubled = sum(1 for e in entries.values() if e["effects"] > 1)
    assert delivered == documents, f"{label}: delivered {delivered} of {documents}"
    return Result(label, delivered, seconds, attempts,
                  sum(e["arrivals"] for e in entries.values()),
                  status == 0 and missing == 0 and doubled == 0, missing, doubled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", help="run only the rows whose label contains this text")
    args = parser.parse_args()
    plan = [
        ("SQLite, 1 worker, 0 % faults", "sqlite", 1, NO_FAULTS),
        ("SQLite, 1 worker, 20 % faults", "sqlite", 1, FAULTS_20),
        ("PostgreSQL, 1 worker, 0 % faults", "postgres", 1, NO_FAULTS),
        ("PostgreSQL, 1 worker, 20 % faults", "postgres", 1, FAULTS_20),
        ("PostgreSQL, 4 workers, 0 % faults", "postgres", 4, NO_FAULTS),
        ("PostgreSQL, 4 workers, 20 % faults", "postgres", 4, FAULTS_20),
    ]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as tmp:
        for n, (label, backend, workers, faults) in enumerate(plan):
            if args.only and args.only not in label:
                continue
            work = Path(tmp) / f"run{n}"
            started = time.monotonic()
            if backend == "sqlite":
                result = run(label, f"sqlite:///{work}.sqlite3", workers, faults,
                             args.documents, work)
            else:
                with postgres_schema(args.postgres) as url:
                    result = run(label, url, workers, faults, args.documents, work)
            results.append(result)
            print(f"{label}: {result.rate:.1f} msg/s ({result.messages} in {result.seconds:.1f} s,"
                  f" {result.attempts} attempts, {result.arrivals} arrivals); ledger "
                  f"{'OK' if result.effects_ok else 'FAILED'} (missing {result.missing}, "
                  f"doubled {result.doubled}); run {time.monotonic() - started:.0f} s",
                  flush=True)
    print()
    print("| run | messages | msg/s | attempts | arrivals at peer | ledger: exactly once |")
    print("|---|---:|---:|---:|---:|---|")
    for r in results:
        verdict = "yes" if r.effects_ok else f"NO (missing {r.missing}, doubled {r.doubled})"
        print(f"| {r.label} | {r.messages} | {r.rate:.1f} | {r.attempts} | {r.arrivals} | "
              f"{verdict} |")
    if not all(r.effects_ok for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
