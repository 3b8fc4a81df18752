"""What every console view shares: the blueprint, the context, the current operator.

The operator's session is its own cookie (``ops_session``, path ``/ops``, ``SameSite=Strict``)
naming a row of ``operator_sessions``; the consumer cabinet's session cookie is never consulted,
so a consumer session cannot reach any console page whatever it carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, current_app, g, redirect, request, url_for

from adapter.services.ops_accounts import Operator, OpsAccess, load_operator
from adapter.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])
COOKIE = "ops_session"
COOKIE_PATH = "/ops"

bp = Blueprint("ops", __name__, url_prefix="/ops")


@dataclass(frozen=True)
class OpsContext:
    """The console's collaborators, registered by ``register_ops``."""

    access: OpsAccess
    settings: Settings
    readiness: Callable[[], Any]
    container: Any


def ops() -> OpsContext:
    """The console's context."""
    return cast(OpsContext, current_app.extensions["ops"])


def client_ip() -> str:
    """The client's address (ProxyFix makes it the real one behind a proxy)."""
    return request.remote_addr or ""


def current_operator() -> Operator | None:
    """The operator of this request (from the ``ops_session`` cookie only), loaded once."""
    if "ops_operator" not in g:
        g.ops_operator = load_operator(ops().access, request.cookies.get(COOKIE))
    return cast(Operator | None, g.ops_operator)


def operator_required(view: F) -> F:
    """Anyone without an operator session goes to the console's login page."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_operator() is None:
            return redirect(url_for("ops.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return cast(F, wrapped)


def page_arg() -> int:
    """The ``page`` query argument (1 when missing or not a number)."""
    try:
        return max(int(request.args.get("page", "1")), 1)
    except ValueError:
        return 1
