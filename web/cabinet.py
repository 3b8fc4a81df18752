"""Wiring the consumer cabinet into a Flask app: ``register_cabinet(app, container)``.

It registers the cabinet's blueprints, CSRF protection for every form (blueprints whose name
starts with ``soap`` are exempt: machine-to-machine endpoints authenticated by signatures, not by
cookies; ``app.config["CABINET_CSRF_EXEMPT_PREFIXES"]`` may name more, e.g. a payment provider's
signed server-to-server callback), security headers on every response, the session cookie's
flags, and the services' context that views reach through :func:`web.views.cabinet`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from flask import Blueprint, Flask, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response

from adapter.mail import Mailer, build_mailer
from adapter.persistence.uow import UnitOfWork
from adapter.services.accounts import (
    CabinetConfig,
    CabinetContext,
    cabinet_config_from_settings,
)
from adapter.services.registration import DbRegistryLookup, RegistryLookup
from adapter.settings import Settings
from web.views import account, auth, dashboard, devmail, public
from web.views import documents as documents_views
from web.views import readings as readings_views
from web.views.common import current_user

#: Which page each e-mailed link opens.
LINK_ENDPOINTS = {
    "confirm": "auth.confirm",
    "reset": "auth.reset",
    "invite": "auth.accept_invite",
    "email_change": "account.confirm_email",
}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

assets = Blueprint("cabinet_assets", __name__, template_folder="templates",
                   static_folder="static", static_url_path="/assets")


class ContainerLike(Protocol):
    """What the cabinet needs from the composition root's container."""

    clock: Callable[[], datetime]
    settings: Settings

    def uow(self) -> UnitOfWork:
        """A new unit of work."""
        ...


def register_cabinet(
    app: Flask,
    container: ContainerLike,
    config: CabinetConfig | None = None,
    *,
    registry: RegistryLookup | None = None,
    mailer: Mailer | None = None,
) -> CabinetContext:
    """Add the cabinet to ``app``; returns the services' context (tests use it directly).

    ``config`` defaults to :func:`cabinet_config_from_settings` of ``container.settings``;
    ``registry`` to our copy of billing's registry; ``mailer`` to what ``config.mail`` says.
    """
    if config is None:
        config = cabinet_config_from_settings(container.settings)
    ctx = CabinetContext(
        uow=container.uow,
        clock=container.clock,
        mailer=mailer or build_mailer(config.mail, uow=container.uow, clock=container.clock),
        registry=registry or DbRegistryLookup(container.uow),
        config=config,
        links=lambda purpose, token: _absolute(config, LINK_ENDPOINTS[purpose], token),
    )
    app.extensions["cabinet"] = ctx
    _configure_cookies(app, config)
    _register_csrf(app)
    app.extensions.setdefault("adapter", container)  # areas reach their services through it
    for blueprint in (assets, public.bp, auth.bp, account.bp, dashboard.bp, readings_views.bp):
        app.register_blueprint(blueprint)
    documents_views.register(app, container)  # documents, payment pages, provider callback
    if config.dev_mail:
        app.register_blueprint(devmail.bp)
    app.after_request(_security_headers(config))
    app.context_processor(lambda: {"current_user": current_user, "cabinet_config": config})
    for status in (403, 404, 405, 413, 500):
        app.register_error_handler(status, _error_page)
    return ctx


def _absolute(config: CabinetConfig, endpoint: str, token: str) -> str:
    # The configured public URL, never the request's Host header (which a client chooses).
    return config.public_url.rstrip("/") + url_for(endpoint, token=token)


def _configure_cookies(app: Flask, config: CabinetConfig) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="cabinet_session",
        SESSION_COOKIE_SECURE=config.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=config.session_ttl,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _register_csrf, minus the SOAP blueprints
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )


def _register_csrf(app: Flask) -> None:
    csrf = CSRFProtect(app)

    @app.before_request
    def _protect() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return
        exempt = tuple(app.config.get("CABINET_CSRF_EXEMPT_PREFIXES", ("soap",)))
        if (request.blueprint or "").startswith(exempt):
            return
        csrf.protect()

    @app.errorhandler(CSRFError)
    def _csrf_failed(error: CSRFError) -> tuple[str, int]:
        return render_template(
            "error.html", title="Форму не прийнято", code="CSRF_INVALID",
            text="Форма застаріла або надіслана не з цього сайту. Оновіть сторінку та "
                 "спробуйте ще раз."), 400


def _security_headers(config: CabinetConfig) -> Callable[[Response], Response]:
    def add(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if config.cookie_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            # Pages may show personal data and one-time links: never keep them in caches.
            headers.setdefault("Cache-Control", "no-store")
        return response
    return add


_ERRORS = {
    403: ("Доступ заборонено", "Ця сторінка недоступна для Вашого облікового запису."),
    404: ("Сторінку не знайдено", "Перевірте адресу або поверніться на головну."),
    405: ("Метод не дозволено", "Ця сторінка не приймає такий запит."),
    413: ("Завеликий запит", "Надіслані дані перевищують дозволений розмір."),
    500: ("Внутрішня помилка", "Щось пішло не так. Спробуйте пізніше."),
}


def _error_page(error: Any) -> Any:
    if (request.blueprint or "").startswith("soap"):
        return error  # SOAP clients get the endpoint's own answer, not an HTML page
    status = getattr(error, "code", 500) or 500
    title, text = _ERRORS.get(status, _ERRORS[500])
    return render_template("error.html", title=title, text=text, code=f"HTTP_{status}"), status


__all__ = ["LINK_ENDPOINTS", "cabinet_config_from_settings", "register_cabinet"]
