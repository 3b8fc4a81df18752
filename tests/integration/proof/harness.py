"""The end-to-end delivery rig: real sandbox peers, real worker processes, a real database.

Shared by the proof tests and ``bench/bench_delivery.py``. Everything runs as it does in
production: ``adapter sandbox supplier|billing`` and ``adapter worker`` are started as
subprocesses (``python -m adapter.cli ...``) configured only through ``ADAPTER_*`` variables, the
registry comes from the billing peer over SOAP, readings are signed by consumers and go through
:func:`adapter.services.readings.submit_readings`, and the verdict is read from outside with
``adapter sandbox ledger --json``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select

from adapter.bootstrap import Container, build_container
from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
    RegistryConsumer,
)
from adapter.domain.registry import register_zones
from adapter.errors import TransientRemoteError
from adapter.mappers import write_document
from adapter.persistence import migrate
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.outbox_models import OutboxAttemptRecord, OutboxMessageRecord
from adapter.pki import SandboxPki, issue_extra_cert
from adapter.pki.env_file import sandbox_env
from adapter.sandbox.registry_data import SANDBOX_SUPPLIER_EIC, sandbox_registry
from adapter.services.readings import SubmissionStatus, submit_readings
from adapter.services.registry import sync_registry
from adapter.settings import Settings
from adapter.signing import SigningKey, load_signing_key, sign
from tests.support.servers import serve_in_thread

ROOT = Path(__file__).resolve().parents[3]
DSO_EIC = "62X0000000000012"
SUPPLIER_DESTINATION = f"supplier:{SANDBOX_SUPPLIER_EIC}"
UNSETTLED = ("waiting", "pending", "in_flight")


@dataclass(frozen=True)
class PeerFaults:
    """The fault flags of ``adapter sandbox supplier|billing``."""

    error_rate: float = 0.0
    timeout_after_commit_rate: float = 0.0
    reset_rate: float = 0.0
    duplicate_push_rate: float = 0.0
    latency: float = 0.0
    hang_seconds: float = 2.0
    seed: int = 1

    def flags(self) -> list[str]:
        """Command-line flags for the peer."""
        return [
            "--error-rate", str(self.error_rate),
            "--timeout-after-commit-rate", str(self.timeout_after_commit_rate),
            "--reset-rate", str(self.reset_rate),
            "--duplicate-push-rate", str(self.duplicate_push_rate),
            "--latency", str(self.latency),
            "--hang-seconds", str(self.hang_seconds),
            "--seed", str(self.seed),
        ]


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", "adapter.cli", *args]


@dataclass
class Peer:
    """A sandbox peer running as its own process."""

    system: str
    url: str
    ledger: Path
    process: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        """Its SOAP endpoint."""
        return f"{self.url}/soap/{self.system}"

    def stop(self) -> None:
        """Ctrl+C (the CLI closes its server), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_peer(system: str, pki_dir: Path, ledger: Path, faults: PeerFaults,
               *extra: str, log: IO[bytes] | None = None) -> Peer:
    """``adapter sandbox SYSTEM`` on a free port; returns once its ``?wsdl`` answers."""
    port = free_port()
    process = subprocess.Popen(
        _python("sandbox", system, "--port", str(port), "--pki", str(pki_dir),
                "--ledger", str(ledger), *faults.flags(), *extra),
        cwd=ROOT, stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
    peer = Peer(system, f"http://127.0.0.1:{port}", ledger, process)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{peer.endpoint}?wsdl", timeout=2) as answer:
                if answer.status == 200 and b"definitions" in answer.read():
                    return peer
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            peer.stop()
            raise RuntimeError(f"пісочний {system} не запустився (код {process.returncode})")
        time.sleep(0.1)


def ledger_report(ledger: Path) -> tuple[int, dict[str, Any]]:
    """``adapter sandbox ledger --ledger FILE --json``: its exit status and parsed output."""
    done = subprocess.run(_python("sandbox", "ledger", "--ledger", str(ledger), "--json"),
                          cwd=ROOT, capture_output=True, timeout=600, check=False)
    return done.returncode, json.loads(done.stdout)


def adapter_env(pki: SandboxPki, database_url: str, supplier: Peer | None = None,
                billing: Peer | None = None, **overrides: str) -> dict[str, str]:
    """``ADAPTER_*`` settings of the adapter under test: sandbox trust, both peers, fast retries.

    Whole-second settings are integers (``Settings.from_env``): the retry base is 0, so a failed
    message is due again at once (the breaker still spaces out a failing peer), and the lease is
    2 s so a killed worker's message is reaped quickly.
    """
    env = {
        **sandbox_env(pki),
        "ADAPTER_DATABASE_URL": database_url,
        "ADAPTER_SUPPLIER_ENDPOINT": supplier.endpoint if supplier else "",
        "ADAPTER_BILLING_ENDPOINT": billing.endpoint if billing else "",
        "ADAPTER_RETRY_BASE_SECONDS": "0",
        "ADAPTER_RETRY_CAP_SECONDS": "1",
        "ADAPTER_RETRY_MAX_ATTEMPTS": "200",
        "ADAPTER_BREAKER_THRESHOLD": "5",
        "ADAPTER_BREAKER_COOL_DOWN_SECONDS": "1",
        "ADAPTER_WORKER_LEASE_SECONDS": "2",
        "ADAPTER_WORKER_POLL_SECONDS": "0.05",
        "ADAPTER_SOAP_TIMEOUT_SECONDS": "1.0",
        # The outbox runs on the real clock (worker processes cannot share an injected one), so
        # the readings window is switched off instead: documents are dated for the next window.
        "ADAPTER_READINGS_ENFORCE_WINDOW": "0",
    }
    env.update(overrides)
    return env


def spawn_worker(env: dict[str, str], worker_id: str,
                 log: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """``adapter worker --id WORKER_ID`` as its own process."""
    return subprocess.Popen(_python("worker", "--id", worker_id), cwd=ROOT,
                            env={**os.environ, **env}, stdout=log or subprocess.DEVNULL,
                            stderr=log or subprocess.DEVNULL)


def stop_workers(processes: Iterable[subprocess.Popen[bytes]], timeout: float = 20) -> list[int]:
    """SIGTERM every worker and collect exit statuses (SIGKILL for one that hangs)."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    codes = []
    for process in processes:
        try:
            codes.append(process.wait(timeout))
        except subprocess.TimeoutExpired:
            process.kill()
            codes.append(process.wait(5))
    return codes


# ----- the adapter side ------------------------------------------------------------------------


def container_for(env: dict[str, str]) -> Container:
    """The composition root as the workers build it (same settings, real clock)."""
    return build_container(Settings.from_env(env))


def prepare_database(container: Container) -> None:
    """Run every migration on the fresh database."""
    migrate.upgrade(container.engine)


@contextmanager
def intake_server(env: dict[str, str]) -> Iterator[tuple[str, Container]]:
    """Our own ``/soap/intake`` on loopback (the peers push what they issue to it).

    Only the SOAP blueprint, served from this process: the peers reach it over real HTTP and it
    stores into the same database the workers use.
    """
    container = container_for(env)
    prepare_database(container)
    app = Flask("proof_intake")
    for blueprint in container.soap_blueprints():
        app.register_blueprint(blueprint)
    try:
        with serve_in_thread(app) as url:
            yield f"{url}/soap/intake", container
    finally:
        container.engine.dispose()


def inbound_identities(container: Container, sender_eic: str) -> Counter[tuple[str, int]]:
    """(mRID, revision) of every document ``sender_eic`` pushed that our intake stored."""
    with container.session_factory() as session:
        rows = session.execute(select(InboundDocumentRecord.mrid, InboundDocumentRecord.revision)
                               .where(InboundDocumentRecord.sender_eic == sender_eic))
        return Counter((mrid, revision) for mrid, revision in rows)


def sync_registry_from_billing(container: Container, attempts: int = 30) -> int:
    """Pull billing's registry over SOAP (retrying the injected faults); consumers applied."""
    ctx = container.registry
    assert ctx.fetch_page is not None
    for _ in range(attempts):
        try:
            return sync_registry(ctx.uow, ctx.fetch_page, clock=ctx.clock).consumers
        except TransientRemoteError:
            time.sleep(0.05)  # applying is idempotent: start again from the first page
    raise RuntimeError("реєстр не вдалося синхронізувати")


@cache
def served_consumers(generated: int = 0) -> tuple[RegistryConsumer, ...]:
    """Consumers of the integrated sandbox supplier (their readings go to both peers).

    The demo ones, then ``generated`` generated ones (the peers' ``--generated-consumers``).
    Cached: the document builder asks for every document it makes.
    """
    return tuple(c for c in sandbox_registry(generated) if c.supplier_eic == SANDBOX_SUPPLIER_EIC)


def consumer_keys(pki: SandboxPki, directory: Path, generated: int = 0) -> dict[str, SigningKey]:
    """A signing key per served consumer's EDRPOU, each certified by the sandbox CA."""
    keys: dict[str, SigningKey] = {}
    for consumer in served_consumers(generated):
        if consumer.edrpou == pki.consumer_edrpou:
            files = pki.party("consumer")
        else:
            files = issue_extra_cert(pki, f"consumer-{consumer.edrpou}", directory=directory,
                                     edrpou=consumer.edrpou)
        keys[consumer.edrpou] = load_signing_key(files.key.read_bytes(),
                                                 files.cert.read_bytes())
    return keys


@dataclass
class Readings:
    """Builds readings documents: round-robin over consumers, each counter rising every time."""

    reading_date: date
    created_at: datetime
    prefix: str = "PR"
    generated: int = 0
    issued: int = 0
    _last: dict[tuple[str, str, str, int], int] = field(default_factory=dict)

    def next(self) -> MeterReadingsDocument:
        """The next document (a new mRID, revision 1)."""
        consumers = served_consumers(self.generated)
        consumer = consumers[self.issued % len(consumers)]
        self.issued += 1
        points = []
        for point in consumer.metering_points:
            meter = point.meters[0]
            readings = []
            for counter in register_zones(meter.registers, meter.zone_count):
                key = (point.eic, meter.serial_number, counter.register.value, counter.zone)
                previous = self._last.get(key, 1000)
                self._last[key] = previous + 50
                readings.append(Reading(counter.register, counter.zone, previous + 50, previous))
            points.append(MeteringPointReadings(point.eic, meter.serial_number, tuple(readings)))
        header = DocumentHeader(f"{self.prefix}-{self.issued:05d}", 1,
                                DocumentKind.METER_READINGS, DSO_EIC, DSO_EIC, self.created_at)
        return MeterReadingsDocument(header, consumer.contract_number, consumer.edrpou,
                                     self.reading_date, tuple(points))


def readings_for(container: Container, prefix: str = "PR", generated: int = 0) -> Readings:
    """A document builder dated the reading date of the current or next readings window.

    Its documents go round the served consumers, ``generated`` generated ones included.
    """
    ctx = container.readings
    now = ctx.clock()
    day = now.astimezone(ZoneInfo(ctx.timezone)).date()
    while (reading_date := ctx.window.reading_date_for(day)) is None:
        day += timedelta(days=1)
    return Readings(reading_date, now.replace(microsecond=0), prefix, generated)


def submit_signed(container: Container, keys: dict[str, SigningKey], documents:
                  Iterable[MeterReadingsDocument]) -> list[tuple[str, str, int]]:
    """Sign each document with its consumer's key and submit it; identities accepted."""
    identities = []
    for document in documents:
        signed = sign(write_document(document), key=keys[document.consumer_edrpou])
        outcome = submit_readings(container.readings, signed, channel="file")
        if outcome.status != SubmissionStatus.ACCEPTED:
            raise AssertionError(f"{document.header.mrid}: {outcome.code} {outcome.message}")
        identities.append((document.header.sender_eic, document.header.mrid,
                           document.header.revision))
    return identities


# ----- watching the outbox ---------------------------------------------------------------------


def status_counts(container: Container) -> Counter[str]:
    """Outbox rows per status."""
    with container.session_factory() as session:
        rows = session.execute(select(OutboxMessageRecord.status, func.count())
                               .group_by(OutboxMessageRecord.status))
        return Counter({status: count for status, count in rows})


def in_flight_of(container: Container, worker_id: str) -> list[int]:
    """Ids of messages ``worker_id`` holds in flight under an unexpired lease."""
    with container.session_factory() as session:
        return list(session.scalars(select(OutboxMessageRecord.id).where(
            OutboxMessageRecord.status == "in_flight",
            OutboxMessageRecord.lease_owner == worker_id,
            OutboxMessageRecord.lease_expires_at > datetime.now(UTC))))


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.01) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def wait_settled(container: Container, timeout: float) -> Counter[str]:
    """Wait until no row is pending or in flight; the final counts per status."""
    wait_for(lambda: not any(status_counts(container)[s] for s in UNSETTLED), timeout, 0.1)
    return status_counts(container)


def messages(container: Container) -> list[OutboxMessageRecord]:
    """Every outbox row (detached)."""
    with container.session_factory() as session:
        rows = list(session.scalars(select(OutboxMessageRecord).order_by(OutboxMessageRecord.id)))
        session.expunge_all()
        return rows


def attempts(container: Container) -> list[OutboxAttemptRecord]:
    """Every attempt row (detached)."""
    with container.session_factory() as session:
        rows = list(session.scalars(select(OutboxAttemptRecord)
                                    .order_by(OutboxAttemptRecord.id)))
        session.expunge_all()
        return rows


def kill_mid_delivery(container: Container, env: dict[str, str], worker_id: str,
                      timeout: float = 30, tries: int = 3,
                      log: IO[bytes] | None = None) -> tuple[str, int]:
    """Start a worker, SIGKILL it while it holds a delivery in flight: (its id, the message).

    The row must still be ``in_flight`` under the dead worker's lease right after the kill
    (nothing but the reaper can change it now): proof that the kill hit a call in the middle.
    If the call ended in the instant between seeing it and the kill, try again with a new worker.
    """
    for n in range(1, tries + 1):
        name = worker_id if n == 1 else f"{worker_id}-{n}"
        process = spawn_worker(env, name, log)
        held: list[int] = []

        def caught(name: str = name, held: list[int] = held) -> bool:
            held.extend(in_flight_of(container, name))
            return bool(held)

        try:
            wait_for(caught, timeout, 0.005)
        finally:
            process.kill()
            process.wait(10)
        if not held:
            raise AssertionError(f"{name} never held a delivery in flight")
        if held[0] in in_flight_of_any(container, name):
            return name, held[0]
    raise AssertionError(f"could not catch a delivery in flight in {tries} tries")


def in_flight_of_any(container: Container, worker_id: str) -> list[int]:
    """Ids of messages still marked in flight by ``worker_id``, expired lease or not."""
    with container.session_factory() as session:
        return list(session.scalars(select(OutboxMessageRecord.id).where(
            OutboxMessageRecord.status == "in_flight",
            OutboxMessageRecord.lease_owner == worker_id)))


def delivered_to(container: Container, destination: str) -> int:
    """How many of ``destination``'s messages are delivered."""
    with container.session_factory() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessageRecord).where(
            OutboxMessageRecord.destination == destination,
            OutboxMessageRecord.status == "delivered")) or 0


def dead(container: Container) -> int:
    """How many messages are dead."""
    return status_counts(container)["dead"]


def delivery_span(container: Container, destination: str) -> tuple[float, int]:
    """Seconds from the first attempt's start to the last delivery, and the attempts made."""
    with container.session_factory() as session:
        first, last, count = session.execute(
            select(func.min(OutboxAttemptRecord.started_at),
                   func.max(OutboxMessageRecord.delivered_at), func.count())
            .join(OutboxMessageRecord,
                  OutboxMessageRecord.id == OutboxAttemptRecord.message_id)
            .where(OutboxMessageRecord.destination == destination,
                   OutboxAttemptRecord.outcome != "not_sent")).one()
    assert first is not None and last is not None, "nothing was delivered"
    return (last - first).total_seconds(), int(count)
