"""The operator console (``/ops``) and the machine readings API (``/api/readings``).

``register_ops(app, container)`` adds both; call it after ``register_cabinet`` (the console
reuses the cabinet's CSRF protection, security headers, error pages and form macros).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from adapter.observability.health import ReadinessConfig, check_readiness
from adapter.observability.web import peer_destinations
from adapter.services.ops_accounts import OpsAccess, OpsConfig
from adapter.settings import Settings
from web.ops import auth, messages, pages  # noqa: F401 - they add their routes to ``bp``
from web.ops.api import api
from web.ops.common import COOKIE, OpsContext, bp, current_operator, ops


def ops_config_from_settings(settings: Settings) -> OpsConfig:
    """The console's config: cookies follow the cabinet's ``ADAPTER_COOKIE_SECURE``."""
    return OpsConfig(cookie_secure=settings.cookie_secure)


def register_ops(app: Flask, container: Any, config: OpsConfig | None = None) -> OpsContext:
    """Add the console and the readings API to ``app``; returns the console's context."""
    settings: Settings = container.settings
    delivery = settings.delivery
    readiness = ReadinessConfig(peer_destinations(container), delivery.breaker_threshold,
                                delivery.breaker_cool_down)
    context = OpsContext(
        access=OpsAccess(container.uow, container.clock,
                         config or ops_config_from_settings(settings)),
        settings=settings,
        readiness=lambda: check_readiness(container.engine, readiness, now=container.clock),
        container=container,
    )
    app.extensions["ops"] = context
    app.register_blueprint(bp)
    app.register_blueprint(api)
    # The API authenticates by a bearer token, never a cookie: CSRF does not apply to it.
    exempt = tuple(app.config.get("CABINET_CSRF_EXEMPT_PREFIXES", ("soap",)))
    app.config["CABINET_CSRF_EXEMPT_PREFIXES"] = (*exempt, api.name)
    app.context_processor(lambda: {"current_operator": current_operator})
    return context


__all__ = ["COOKIE", "OpsContext", "ops", "ops_config_from_settings", "register_ops"]
