"""What every cabinet view shares: the services' context, the current user, forms, errors.

Later areas (readings, documents, payment) build on three names: :func:`login_required`,
:func:`current_user` and :func:`current_org`. Every query an org-scoped page makes filters by
``current_org().id`` (or its contract number); never by an id taken from the URL alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from adapter.services.accounts import (
    CabinetContext,
    CurrentUser,
    FieldProblem,
    FormInvalid,
    load_session,
)

F = TypeVar("F", bound=Callable[..., Any])
SESSION_KEY = "sid"


def cabinet() -> CabinetContext:
    """The services' context registered by ``register_cabinet``."""
    return cast(CabinetContext, current_app.extensions["cabinet"])


def client_ip() -> str:
    """The client's address (behind a proxy, the lead's ProxyFix makes this the real one)."""
    return request.remote_addr or ""


def current_user() -> CurrentUser | None:
    """The logged-in user of this request, loaded once per request."""
    if "cabinet_user" not in g:
        token = session.get(SESSION_KEY)
        g.cabinet_user = load_session(cabinet(), token) if isinstance(token, str) else None
    return cast(CurrentUser | None, g.cabinet_user)


@dataclass(frozen=True)
class Organisation:
    """The organisation (consumer contract) the current user acts for."""

    id: int
    contract_number: str
    name: str
    edrpou: str


def current_org() -> Organisation:
    """The current user's organisation; only call it behind :func:`login_required`."""
    user = current_user()
    if user is None:
        abort(401)
    return Organisation(user.organisation_id, user.contract_number, user.organisation_name,
                        user.edrpou)


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, then back here."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return cast(F, wrapped)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site may be a post-login target (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def form_value(name: str) -> str:
    """A text field of the posted form ('' when missing)."""
    return request.form.get(name, "")


def render_form(template: str, error: FormInvalid | None = None,
                values: Mapping[str, str] | None = None, **context: Any) -> Response:
    """Render a form page, with per-field errors and the status code the error asks for."""
    errors: dict[str, FieldProblem] = error.problems if error else {}
    html = render_template(template, errors=errors, summary=error_summary(errors),
                           values=dict(values or {}), **context)
    return Response(html, status=error.status if error else 200, mimetype="text/html")


def error_summary(errors: Mapping[str, FieldProblem]) -> list[tuple[str, FieldProblem]]:
    """Each distinct message once, linked to the first field it belongs to."""
    seen: dict[str, tuple[str, FieldProblem]] = {}
    for name, found in errors.items():
        key = found.message
        if key not in seen or (not seen[key][0] and name):
            seen[key] = (name, found)
    return list(seen.values())
