"""Scale-out: two gunicorn web instances and four workers on PostgreSQL, readings over HTTP.

Run: .venv/bin/python bench/bench_scaleout.py [--readings 50000] [--consumers 300] [--clients 8]
     [--postgres URL]

A fresh PostgreSQL schema; the sandbox supplier (with faults: 10 % soap:Server errors, 5 %
connection resets, 5 % timeouts after the peer committed) and billing as processes, both with
``--consumers`` generated consumers beside the demo ones (each contract is one ordering lane of
the delivery engine, so the demo registry's four would leave three of four workers idle); the
registry synced from billing; an API token per consumer contract; two ``gunicorn -w 2``
instances of the web app on two ports; four ``adapter worker`` processes. The load client
(``--clients`` threads, round-robin over the two instances) POSTs consumer-signed readings to
``/api/readings`` (signed beforehand: signing is the consumer's cost, not ours). Workers deliver
to the supplier and park billing's copies (no billing endpoint), as in bench_delivery.

Printed together: HTTP submission throughput, end-to-end throughput (first submission to last
supplier acknowledgement), p50/p95 from submission (outbox enqueue, in the submission's
transaction) to the supplier's acknowledgement (``delivered_at``), and the ledger check: every
submitted identity has exactly one effect at the supplier, none missing, none doubled.
Everything (2 web instances, 4 workers, 2 peers, PostgreSQL, the client) shares the machine.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapter.mappers import write_document  # noqa: E402
from adapter.persistence.outbox_models import OutboxMessageRecord  # noqa: E402
from adapter.pki import generate_sandbox_pki  # noqa: E402
from adapter.services.ops_accounts import OpsAccess  # noqa: E402
from adapter.services.ops_api import issue_api_token  # noqa: E402
from adapter.signing import sign  # noqa: E402
from bench.support import postgres_schema, start_gunicorn  # noqa: E402
from tests.integration.proof import harness as h  # noqa: E402

FAULTS = h.PeerFaults(error_rate=0.10, reset_rate=0.05, timeout_after_commit_rate=0.05,
                      hang_seconds=1.5, seed=11)


def start_web(env: dict[str, str], log: object) -> tuple[str, subprocess.Popen[bytes]]:
    """``gunicorn -w 2`` of the app on a free port; returns once /healthz answers."""
    return start_gunicorn({**os.environ, **env}, workers=2, threads=1, log=log)  # type: ignore[arg-type]


def prepare_documents(container: object, pki: object, work: Path, count: int, generated: int
                      ) -> list[tuple[str, bytes, tuple[str, str, int]]]:
    """Signed documents with their contract and identity (consumers round-robin)."""
    keys = h.consumer_keys(pki, work, generated)  # type: ignore[arg-type]
    builder = h.readings_for(container, prefix="SCALE",  # type: ignore[arg-type]
                             generated=generated)
    out = []
    for _ in range(count):
        doc = builder.next()
        signed = sign(write_document(doc), key=keys[doc.consumer_edrpou])
        out.append((doc.contract_number, signed,
                    (doc.header.sender_eic, doc.header.mrid, doc.header.revision)))
    return out


def submit_all(urls: list[str], tokens: dict[str, str], documents: list, clients: int
               ) -> tuple[float, list[str]]:
    """POST every document from ``clients`` threads; seconds taken and the failures."""
    queue = iter(enumerate(documents))
    lock, failures = threading.Lock(), []

    def client(number: int) -> None:
        session = requests.Session()
        targets = itertools.cycle(urls[number % len(urls):] + urls[:number % len(urls)])
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            _, (contract, body, identity) = item
            answer = session.post(f"{next(targets)}/api/readings", data=body, timeout=60,
                                  headers={"Authorization": f"Bearer {tokens[contract]}",
                                           "Content-Type": "application/xml"})
            if answer.status_code != 201:
                with lock:
                    failures.append(f"{identity[1]}: {answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, failures


@contextmanager
def progress_lines(container: object, total: int, every: float = 60.0) -> Iterator[None]:
    """While the block runs, print every ``every`` s how many readings are queued and delivered."""
    stop = threading.Event()
    started = time.monotonic()

    def report() -> None:
        while not stop.wait(every):
            with container.session_factory() as session:  # type: ignore[attr-defined]
                rows = dict(session.execute(
                    select(OutboxMessageRecord.status, func.count())
                    .where(OutboxMessageRecord.destination == h.SUPPLIER_DESTINATION)
                    .group_by(OutboxMessageRecord.status)).all())
            queued = sum(rows.values())
            print(f"  {time.monotonic() - started:5.0f} с: прийнято {queued}/{total}, "
                  f"доставлено {rows.get('delivered', 0)}, мертвих {rows.get('dead', 0)}",
                  flush=True)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def latencies(container: object) -> tuple[list[float], float]:
    """Enqueue-to-acknowledgement seconds of supplier messages; first enqueue to last ack."""
    with container.session_factory() as session:  # type: ignore[attr-defined]
        rows = session.execute(select(OutboxMessageRecord.first_enqueued_at,
                                      OutboxMessageRecord.delivered_at).where(
            OutboxMessageRecord.destination == h.SUPPLIER_DESTINATION,
            OutboxMessageRecord.status == "delivered")).all()
        first = session.scalar(select(func.min(OutboxMessageRecord.first_enqueued_at)))
    values = sorted((d - e).total_seconds() for e, d in rows)
    last = max(d for _, d in rows)
    return values, (last - first).total_seconds()


def run(args: argparse.Namespace, database_url: str, work: Path) -> int:
    """One measured run; prints the figures and returns the exit status."""
    pki = generate_sandbox_pki(work / "pki")
    log = (work / "processes.log").open("wb")
    generated = ("--generated-consumers", str(args.consumers))
    supplier = h.start_peer("supplier", pki.directory, work / "supplier.sqlite3", FAULTS,
                            *generated, log=log)
    billing = h.start_peer("billing", pki.directory, work / "billing.sqlite3", h.PeerFaults(),
                           "--page-size", "100", *generated, log=log)
    env = h.adapter_env(pki, database_url, supplier, billing)
    container = h.container_for(env)
    webs: list[subprocess.Popen[bytes]] = []
    workers: list[subprocess.Popen[bytes]] = []
    try:
        h.prepare_database(container)
        h.sync_registry_from_billing(container)
        access = OpsAccess(container.uow, container.clock)
        tokens = {c.contract_number: issue_api_token(access, c.contract_number, label="bench")
                  for c in h.served_consumers(args.consumers)}
        t0 = time.monotonic()
        documents = prepare_documents(container, pki, work, args.readings, args.consumers)
        print(f"підписано {len(documents)} документів за {time.monotonic() - t0:.0f} с",
              flush=True)
        run_env = {**env, "ADAPTER_BILLING_ENDPOINT": "", "ADAPTER_SECRET_KEY": "bench"}
        urls = []
        for _ in range(2):
            url, process = start_web(run_env, log)
            urls.append(url)
            webs.append(process)
        workers = [h.spawn_worker(run_env, f"w{n}", log) for n in range(4)]
        with progress_lines(container, len(documents)):
            submit_seconds, failures = submit_all(urls, tokens, documents, args.clients)
            h.wait_for(lambda: h.delivered_to(container, h.SUPPLIER_DESTINATION)
                       >= len(documents) - len(failures) or h.dead(container) > 0,
                       timeout=3600, interval=0.5)
        h.stop_workers(workers)
        values, span = latencies(container)
        dead = h.dead(container)
    finally:
        h.stop_workers(workers)
        h.stop_workers(webs)
        supplier.stop()
        billing.stop()
        log.close()
        container.engine.dispose()
    return report(args, documents, failures, submit_seconds, values, span, dead,
                  *h.ledger_report(supplier.ledger))


def report(args: argparse.Namespace, documents: list, failures: list[str], submit_seconds: float,
           values: list[float], span: float, dead: int, status: int, ledger: dict) -> int:
    """Print the figures together; exit status 1 unless the ledger check holds."""
    identities = {identity for _, _, identity in documents}
    entries = {(e["sender_eic"], e["mrid"], e["revision"]): e for e in ledger["messages"]}
    missing = len(identities - set(entries))
    doubled = sum(1 for e in entries.values() if e["effects"] > 1)
    arrivals = sum(e["arrivals"] for e in entries.values())
    ok = status == 0 and not missing and not doubled and not failures and not dead
    p50 = statistics.median(values) if values else float("nan")
    p95 = values[int(0.95 * (len(values) - 1))] if values else float("nan")
    print(f"\nreadings: {len(documents)} over HTTP (2 web × gunicorn -w 2, {args.clients} "
          f"clients) for {len(h.served_consumers(args.consumers))} contracts, 4 workers, "
          f"PostgreSQL, supplier faults 10/5/5 %")
    print(f"HTTP submission: {len(documents) / submit_seconds:.1f} /s "
          f"({submit_seconds:.0f} s; refused {len(failures)})")
    print(f"end to end (first enqueue -> last supplier ack): {len(values) / span:.1f} /s "
          f"({len(values)} acknowledged in {span:.0f} s)")
    print(f"submission -> acknowledgement: p50 {p50:.2f} s, p95 {p95:.2f} s, "
          f"max {values[-1] if values else float('nan'):.2f} s")
    print(f"ledger: {'OK' if ok else 'FAILED'} - missing {missing}, doubled {doubled}, "
          f"dead {dead}, arrivals {arrivals} for {len(entries)} identities")
    for line in failures[:5]:
        print("  refused:", line)
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=50000)
    parser.add_argument("--consumers", type=int, default=300,
                        help="generated consumers beside the demo ones (ordering lanes)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scaleout-") as tmp:
        with postgres_schema(args.postgres) as url:
            raise SystemExit(run(args, url, Path(tmp)))


if __name__ == "__main__":
    main()
