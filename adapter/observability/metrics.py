"""Prometheus metrics read from the database at scrape time.

The database is the one source of truth every web instance and worker shares, so whichever
instance is scraped answers the same, and nothing is lost when a process restarts. Every query is
a GROUP BY over an indexed column or a bounded, newest-first read:

* ``adapter_outbox_messages{destination,state}``: current messages per destination and status;
* ``adapter_outbox_dead_letters{destination}``: messages waiting for an operator;
* ``adapter_outbox_retries_total{destination,outcome}``: attempts beyond a message's first;
* ``adapter_outbox_recent_delivery_latency_seconds{destination}``: from first enqueue to
  delivery, for messages delivered within ``latency_window`` (at most ``latency_limit`` newest);
  a histogram of that recent window, not a cumulative one;
* ``adapter_inbound_documents_total{kind}``, ``adapter_inbound_rejections_total{code}``;
* ``adapter_circuit_state{destination,state}`` (1 for the current state) and
  ``adapter_circuit_consecutive_failures{destination}``, derived as in
  :mod:`adapter.observability.circuits`;
* ``adapter_metrics_database_up`` and ``adapter_metrics_scrape_seconds``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry
from prometheus_client.utils import floatToGoString
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from adapter.delivery.outbox import DEAD, DELIVERED
from adapter.observability.circuits import STATES, circuit_views
from adapter.persistence.models import InboundDocumentRecord, InboundRejectionRecord
from adapter.persistence.outbox_models import OutboxAttemptRecord, OutboxMessageRecord

log = logging.getLogger(__name__)

#: Seconds; covers a same-second delivery up to a peer that was down for a day.
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600)
Message, Attempt = OutboxMessageRecord, OutboxAttemptRecord


@dataclass(frozen=True)
class MetricsConfig:
    """What the collector reads and how far back."""

    destinations: tuple[str, ...] = ()
    breaker_threshold: int = 5
    breaker_cool_down: timedelta = timedelta(seconds=30)
    latency_window: timedelta = timedelta(hours=1)
    latency_limit: int = 5000


class DatabaseCollector(Collector):
    """A prometheus-client collector that queries the database on every scrape."""

    def __init__(self, engine: Engine, config: MetricsConfig, *,
                 clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._config = config
        self._clock = clock

    def describe(self) -> list[Metric]:
        """Nothing up front: describing would need a database query at registration."""
        return []

    def collect(self) -> Iterator[Metric]:
        """Every metric, or only ``adapter_metrics_database_up 0`` when the database fails."""
        started = time.perf_counter()
        try:
            with Session(self._engine) as session:
                metrics = list(self._collect(session))
        except SQLAlchemyError:
            log.exception("metrics: database query failed")
            metrics = []
        yield GaugeMetricFamily("adapter_metrics_database_up",
                                "1 when the scrape could read the database.",
                                value=1 if metrics else 0)
        yield from metrics
        yield GaugeMetricFamily("adapter_metrics_scrape_seconds",
                                "Time spent reading the database for this scrape.",
                                value=time.perf_counter() - started)

    def _collect(self, session: Session) -> Iterator[Metric]:
        yield from _outbox_counts(session)
        yield _retries(session)
        yield _latency(session, self._clock() - self._config.latency_window,
                       self._config.latency_limit)
        yield _grouped(session, CounterMetricFamily, "adapter_inbound_documents",
                       "Signed documents accepted by intake, by kind.", "kind",
                       InboundDocumentRecord.kind)
        yield _grouped(session, CounterMetricFamily, "adapter_inbound_rejections",
                       "Documents and requests refused, by error code.", "code",
                       InboundRejectionRecord.code)
        yield from _circuits(session, self._config, self._clock())


def _outbox_counts(session: Session) -> Iterator[Metric]:
    messages = GaugeMetricFamily("adapter_outbox_messages",
                                 "Outbox messages by destination and state.",
                                 labels=["destination", "state"])
    dead = GaugeMetricFamily("adapter_outbox_dead_letters",
                             "Dead letters (given up, waiting for an operator) by destination.",
                             labels=["destination"])
    rows = session.execute(select(Message.destination, Message.status, func.count())
                           .group_by(Message.destination, Message.status)).all()
    for destination, status, count in sorted(rows):
        messages.add_metric([destination, status], count)
        if status == DEAD:
            dead.add_metric([destination], count)
    yield messages
    yield dead


def _retries(session: Session) -> Metric:
    metric = CounterMetricFamily("adapter_outbox_retries",
                                 "Delivery attempts beyond each message's first, by outcome.",
                                 labels=["destination", "outcome"])
    rows = session.execute(
        select(Message.destination, Attempt.outcome, func.count())
        .join(Message, Message.id == Attempt.message_id)
        .where(Attempt.number > 1)
        .group_by(Message.destination, Attempt.outcome)
    ).all()
    for destination, outcome, count in sorted(rows):
        metric.add_metric([destination, outcome], count)
    return metric


def _latency(session: Session, since: datetime, limit: int) -> Metric:
    metric = HistogramMetricFamily(
        "adapter_outbox_recent_delivery_latency_seconds",
        "Seconds from first enqueue to delivery, of messages delivered in the recent window.",
        labels=["destination"])
    rows = session.execute(
        select(Message.destination, Message.first_enqueued_at, Message.delivered_at)
        .where(Message.status == DELIVERED, Message.delivered_at >= since)
        .order_by(Message.id.desc()).limit(limit)
    ).all()
    by_destination: dict[str, list[float]] = {}
    for destination, enqueued, delivered in rows:
        if delivered is None:  # pragma: no cover - filtered by the query
            continue
        seconds = max((delivered - enqueued).total_seconds(), 0.0)
        by_destination.setdefault(destination, []).append(seconds)
    for destination, values in sorted(by_destination.items()):
        metric.add_metric([destination], _buckets(values, LATENCY_BUCKETS), sum(values))
    return metric


def _buckets(values: Sequence[float], bounds: Iterable[float]) -> list[tuple[str, float]]:
    out = [(floatToGoString(bound), float(sum(1 for v in values if v <= bound)))
           for bound in bounds]
    return [*out, ("+Inf", float(len(values)))]


def _grouped(session: Session, family: type[CounterMetricFamily], name: str, doc: str,
             label: str, column: object) -> Metric:
    metric = family(name, doc, labels=[label])
    rows = session.execute(select(column, func.count()).group_by(column)).all()  # type: ignore[call-overload]
    for value, count in sorted(rows):
        metric.add_metric([value], count)
    return metric


def _circuits(session: Session, config: MetricsConfig, now: datetime) -> Iterator[Metric]:
    state = GaugeMetricFamily("adapter_circuit_state",
                              "Circuit state per destination, derived from recorded attempts "
                              "(1 for the current state).", labels=["destination", "state"])
    failures = GaugeMetricFamily("adapter_circuit_consecutive_failures",
                                 "Newest attempts to the destination that all failed.",
                                 labels=["destination"])
    for view in circuit_views(session, configured=config.destinations,
                              threshold=config.breaker_threshold,
                              cool_down=config.breaker_cool_down, now=now):
        for name in STATES:
            state.add_metric([view.destination, name], 1 if view.state == name else 0)
        failures.add_metric([view.destination], view.consecutive_failures)
    yield state
    yield failures


def metrics_registry(collector: DatabaseCollector) -> CollectorRegistry:
    """A registry of its own holding only ``collector`` (no process metrics of one instance)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry
