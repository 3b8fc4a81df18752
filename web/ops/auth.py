"""The console's own log in and log out (not the cabinet's: operators are separate accounts)."""

from __future__ import annotations

from flask import redirect, request, url_for
from werkzeug.wrappers import Response

from adapter.services.accounts import FormInvalid
from adapter.services.ops_accounts import login_operator, logout_operator
from web.ops.common import (
    COOKIE,
    COOKIE_PATH,
    bp,
    client_ip,
    current_operator,
    operator_required,
    ops,
)
from web.views.common import form_value, render_form, safe_next


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    """Log in with an operator's login and password."""
    target = safe_next(request.values.get("next"), url_for("ops.index"))
    if not target.startswith(COOKIE_PATH):
        target = url_for("ops.index")
    if request.method != "POST":
        return render_form("ops/login.html", next=target)
    try:
        token = login_operator(ops().access, form_value("login"), form_value("password"),
                               ip=client_ip())
    except FormInvalid as error:
        return render_form("ops/login.html", error, {"login": form_value("login")}, next=target)
    response = redirect(target)
    config = ops().access.config
    response.set_cookie(COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=config.cookie_secure,
                        max_age=int(config.session_ttl.total_seconds()))
    return response


@bp.post("/logout")
@operator_required
def logout() -> Response:
    """End this operator session (the row is revoked: a copied cookie dies too)."""
    operator = current_operator()
    assert operator is not None
    logout_operator(ops().access, operator, request.cookies.get(COOKIE, ""), ip=client_ip())
    response = redirect(url_for("ops.login"))
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
