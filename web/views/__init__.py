"""The cabinet's blueprints, one per area, and the helpers later areas build on."""

from __future__ import annotations

from web.views.common import (
    Organisation,
    cabinet,
    client_ip,
    current_org,
    current_user,
    login_required,
    render_form,
)

__all__ = [
    "Organisation",
    "cabinet",
    "client_ip",
    "current_org",
    "current_user",
    "login_required",
    "render_form",
]
