"""In-process fakes for delivery tests: a settable clock, scripted and deduplicating transports."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from adapter.delivery import DeliveryReceipt, OutboundMessage, enqueue
from adapter.errors import ConfigurationError

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SUPPLIER = "supplier:62X0000000000020"
DSO = "62X0000000000012"


class ManualClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


Step = DeliveryReceipt | Exception | Callable[[OutboundMessage], DeliveryReceipt]


class Ledger:
    """A deduplicating receiver: applies each idempotency key once, answers A51 after that."""

    def __init__(self) -> None:
        self.effects: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.order: list[str] = []
        self._lock = threading.Lock()

    def receive(self, key: str) -> str:
        with self._lock:
            self.calls[key] += 1
            if self.effects[key]:
                return "A51"
            self.effects[key] += 1
            self.order.append(key)
            return "A01"


class ScriptedTransport:
    """Plays ``steps`` per message mRID in order, then accepts through the ledger."""

    def __init__(self, steps: dict[str, Iterable[Step]] | None = None,
                 ledger: Ledger | None = None) -> None:
        self.steps = {mrid: list(items) for mrid, items in (steps or {}).items()}
        self.ledger = ledger or Ledger()
        self.seen: list[OutboundMessage] = []
        self._lock = threading.Lock()

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        with self._lock:
            self.seen.append(message)
            queue = self.steps.get(message.mrid, [])
            step = queue.pop(0) if queue else None
        if isinstance(step, Exception):
            raise step
        if isinstance(step, DeliveryReceipt):
            return step
        if step is not None:
            return step(message)
        return DeliveryReceipt(self.ledger.receive(message.idempotency_key), b"<ack/>")


def transports_for(**by_destination: object) -> Callable[[str], ScriptedTransport]:
    """A transport factory over named destinations (``supplier=...``, ``billing=...``)."""
    names = {"supplier": SUPPLIER, "billing": "billing"}
    table = {names.get(key, key): value for key, value in by_destination.items()}

    def factory(destination: str) -> ScriptedTransport:
        if destination not in table:
            raise ConfigurationError(f"Немає транспорту для {destination}.",
                                     code="CONFIG_NO_TRANSPORT")
        transport = table[destination]
        assert isinstance(transport, ScriptedTransport)
        return transport

    return factory


def add(session: Session, mrid: str, *, destination: str = SUPPLIER, now: datetime = START,
        ordering_key: str | None = None) -> int:
    """Enqueue a small message."""
    return enqueue(session, destination=destination, kind="readings", sender_eic=DSO, mrid=mrid,
                   revision=1, payload=f"<doc id='{mrid}'/>".encode(), ordering_key=ordering_key,
                   now=now)
