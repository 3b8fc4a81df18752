"""The gunicorn app of the scale-out bench: ``web.create_app()`` plus the console and /api/readings.

``gunicorn 'bench.scaleout_app:create_app()'``. Once the lead wires ``register_ops`` into
``create_app`` this adds nothing (it checks).
"""

from __future__ import annotations

from flask import Flask

import web
from web.ops import register_ops


def create_app() -> Flask:
    """The production app with the operator console and the readings API registered."""
    app = web.create_app()
    if "ops" not in app.extensions:
        register_ops(app, app.extensions["adapter"])
    return app
