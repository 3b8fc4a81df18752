"""The observability blueprint (/healthz, /readyz, /metrics) and the request correlation hooks.

``register_observability(app, container)`` is the only thing the application factory calls.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from adapter.observability.correlation import (
    accept_correlation_id,
    bind,
    install_outbox_correlation,
    unbind,
)
from adapter.observability.health import ReadinessConfig, check_readiness
from adapter.observability.metrics import DatabaseCollector, MetricsConfig, metrics_registry
from adapter.services.routing import BILLING, supplier_destination

log = logging.getLogger("adapter.web.requests")

REQUEST_ID_HEADER = "X-Request-ID"
#: Probes and scrapes are logged at DEBUG: they come every few seconds and say nothing new.
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def peer_destinations(container: Any) -> tuple[str, ...]:
    """The outbox destinations this installation is configured to deliver to."""
    settings = container.settings
    out = []
    if settings.supplier.endpoint and settings.supplier.eic:
        out.append(supplier_destination(settings.supplier.eic))
    if settings.billing.endpoint:
        out.append(BILLING)
    return tuple(out)


def create_observability_blueprint(container: Any, *,
                                   fail_on_open_circuit: bool = False) -> Blueprint:
    """/healthz (liveness), /readyz (readiness, 200 or 503 with reasons), /metrics (Prometheus)."""
    delivery = container.settings.delivery
    destinations = peer_destinations(container)
    readiness = ReadinessConfig(destinations, delivery.breaker_threshold,
                                delivery.breaker_cool_down, fail_on_open_circuit)
    collector = DatabaseCollector(
        container.engine,
        MetricsConfig(destinations, delivery.breaker_threshold, delivery.breaker_cool_down),
        clock=container.clock)
    registry = metrics_registry(collector)
    blueprint = Blueprint("observability", __name__)

    @blueprint.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @blueprint.get("/readyz")
    def readyz() -> tuple[Response, int]:
        result = check_readiness(container.engine, readiness, now=container.clock)
        if not result.ready:
            log.warning("not ready: %s", "; ".join(result.problems))
        return jsonify(result.as_json()), 200 if result.ready else 503

    @blueprint.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), mimetype=None,
                        headers={"Content-Type": CONTENT_TYPE_LATEST})

    return blueprint


def register_correlation(app: Flask) -> None:
    """Give every request a correlation id (``X-Request-ID`` or a fresh one) and log it."""
    install_outbox_correlation()

    @app.before_request
    def _begin() -> None:
        correlation_id = accept_correlation_id(request.headers.get(REQUEST_ID_HEADER))
        g.correlation_id = correlation_id
        g.correlation_token = bind(correlation_id)
        g.request_started = time.perf_counter()
        level = logging.DEBUG if request.path in _QUIET_PATHS else logging.INFO
        log.log(level, "request received: %s %s", request.method, request.path,
                extra={"method": request.method, "path": request.path})

    @app.after_request
    def _finish(response: Response) -> Response:
        correlation_id = g.get("correlation_id")
        if correlation_id:
            response.headers[REQUEST_ID_HEADER] = correlation_id
            elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
            level = logging.DEBUG if request.path in _QUIET_PATHS else logging.INFO
            log.log(level, "request finished: %s %s -> %s", request.method, request.path,
                    response.status_code, extra={"status": response.status_code,
                                                 "duration_ms": round(elapsed * 1000, 1)})
        return response

    @app.teardown_request
    def _end(_error: BaseException | None) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            try:
                unbind(token)
            except ValueError:  # set in another context (async view): nothing of ours to undo
                pass


def register_observability(app: Flask, container: Any, *,
                           fail_on_open_circuit: bool = False) -> None:
    """Everything observability adds to the web application (the factory's one call)."""
    app.register_blueprint(create_observability_blueprint(
        container, fail_on_open_circuit=fail_on_open_circuit))
    register_correlation(app)
