"""The Flask application factory (flaskr's ``create_app``), one blueprint per area."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from adapter.bootstrap import Container, build_container
from adapter.observability import configure_logging, register_observability
from adapter.settings import Settings
from web.cabinet import register_cabinet
from web.ops import register_ops


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web application: the cabinet's pages and our SOAP endpoints.

    ``test_config`` may carry ``SETTINGS`` (a :class:`Settings`) and ``CONTAINER`` (a prebuilt
    :class:`Container`, e.g. with a fixed clock); anything else is copied into ``app.config``.
    """
    config = dict(test_config or {})
    production = test_config is None
    container: Container = config.pop("CONTAINER", None) or build_container(
        config.pop("SETTINGS", None) or Settings.from_env()
    )
    settings = container.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
    )
    app.config.update(config)
    app.extensions["adapter"] = container
    for blueprint in container.soap_blueprints():
        app.register_blueprint(blueprint)
    register_cabinet(app, container)
    register_ops(app, container)  # after the cabinet: it reuses its CSRF, headers and assets
    register_observability(app, container)
    if production:  # gunicorn 'web:create_app()'; tests keep pytest's own log capture
        configure_logging(json=settings.log_json, level=settings.log_level)
    return app
