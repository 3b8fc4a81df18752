"""Observability: health and readiness, Prometheus metrics from the database, JSON logs, and
one correlation id from the cabinet request through the outbox to the peers (docs/operations.md).
"""

from __future__ import annotations

from adapter.observability.circuits import CircuitView, circuit_view, circuit_views
from adapter.observability.correlation import (
    CORRELATION_EVENT,
    accept_correlation_id,
    bound,
    current_correlation_id,
    install_outbox_correlation,
    message_correlation,
    new_correlation_id,
)
from adapter.observability.health import Readiness, ReadinessConfig, check_readiness
from adapter.observability.logging import JsonFormatter, configure_logging
from adapter.observability.metrics import DatabaseCollector, MetricsConfig, metrics_registry
from adapter.observability.web import (
    REQUEST_ID_HEADER,
    create_observability_blueprint,
    register_correlation,
    register_observability,
)

__all__ = [
    "CORRELATION_EVENT",
    "REQUEST_ID_HEADER",
    "CircuitView",
    "DatabaseCollector",
    "JsonFormatter",
    "MetricsConfig",
    "Readiness",
    "ReadinessConfig",
    "accept_correlation_id",
    "bound",
    "check_readiness",
    "circuit_view",
    "circuit_views",
    "configure_logging",
    "create_observability_blueprint",
    "current_correlation_id",
    "install_outbox_correlation",
    "message_correlation",
    "metrics_registry",
    "new_correlation_id",
    "register_correlation",
    "register_observability",
]
