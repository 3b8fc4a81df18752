"""Online payment pages: pay an invoice, the provider's callback, the result, the sandbox provider.

Blueprint ``payments`` (cabinet pages, CSRF-protected, login): ``POST /payments/start/<id>``
shows the checkout form (a plain form with a button: the CSP forbids auto-submitting scripts)
and ``GET /payments/result`` the outcome. Blueprint ``payments_provider`` is what the provider
calls, exempt from CSRF and login because it is authenticated by its signature:
``POST /payments/liqpay/callback``, and in sandbox mode ``/payments/sandbox`` (the stand-in
checkout page), whose buttons make the server POST a signed callback over real HTTP, as LiqPay's
server does, and then send the browser to ``result_url``.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import requests
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request
from werkzeug.wrappers import Response

from adapter.errors import AdapterError, ConfigurationError, ValidationError
from adapter.payments.sandbox import read_checkout, sandbox_callback
from adapter.services.audit import audit
from adapter.services.payments import (
    PaymentsContext,
    handle_callback,
    payments_of,
    start_payment,
)
from web.views.common import cabinet, client_ip, current_org, current_user, login_required

bp = Blueprint("payments", __name__, url_prefix="/payments")
provider_bp = Blueprint("payments_provider", __name__, url_prefix="/payments")
CALLBACK_TIMEOUT = 10


def payments_ctx() -> PaymentsContext:
    """The container's payments context, auditing into the cabinet's audit log."""
    container = current_app.extensions["adapter"]
    try:
        ctx: PaymentsContext = container.payments
    except ConfigurationError:
        abort(404)
    return dataclasses.replace(ctx, audit=_auditor(container))


def _auditor(container: Any) -> Any:
    def write(event: str, **fields: Any) -> None:
        with container.uow() as unit:
            audit(unit, event, at=container.clock(), ip=client_ip(), detail=fields)
            unit.commit()
    return write


@bp.post("/start/<int:document_id>")
@login_required
def start(document_id: int) -> Response:
    """Open an order for one of the organisation's unpaid invoices; show the checkout form."""
    org = current_org()
    try:
        checkout = start_payment(payments_ctx(), contract=org.contract_number,
                                 document_id=document_id)
    except ValidationError as error:
        if error.code == "PAY_NOT_YOURS":
            abort(404)
        return _page("payments/refused.html", 409, error=error, document_id=document_id)
    except ConfigurationError as error:
        return _page("payments/refused.html", 503, error=error, document_id=document_id)
    with cabinet().uow() as unit:
        audit(unit, "payment_checkout", at=payments_ctx().clock(), ip=client_ip(),
              user_id=getattr(current_user(), "id", None), organisation_id=org.id,
              detail={"order_id": checkout.order_id, "document_id": document_id})
        unit.commit()
    return _page("payments/checkout.html", 200, checkout=checkout, document_id=document_id)


def _page(template: str, status: int, **context: Any) -> Response:
    return Response(render_template(template, **context), status=status, mimetype="text/html")


@bp.get("/result")
@login_required
def result() -> Response:
    """Where the provider sends the browser back: the order's state (this org's orders only)."""
    order_id = request.args.get("order_id", "")
    orders = payments_of(payments_ctx(), current_org().contract_number)
    order = next((o for o in orders if o.order_id == order_id), None) if order_id else None
    return _page("payments/result.html", 200, order=order, orders=orders[:10])


@provider_bp.post("/liqpay/callback")
def callback() -> tuple[Response, int]:
    """The provider's server-to-server callback: 200 processed or already, 400 with the code."""
    try:
        outcome = handle_callback(payments_ctx(), data=request.form.get("data", ""),
                                  signature=request.form.get("signature", ""))
    except AdapterError as error:
        return Response(f"{error.code}\n", mimetype="text/plain"), 400
    return Response(f"{outcome.result}\n", mimetype="text/plain"), 200


def _sandbox_ctx() -> PaymentsContext:
    ctx = payments_ctx()
    if not ctx.sandbox:
        abort(404)  # the stand-in provider exists only in sandbox mode
    return ctx


@provider_bp.post("/sandbox")
def sandbox_page() -> Response:
    """The stand-in checkout: the order as LiqPay would show it, pay or decline."""
    ctx = _sandbox_ctx()
    data, signature = request.form.get("data", ""), request.form.get("signature", "")
    try:
        order = read_checkout(data, signature, public_key=ctx.public_key,
                              private_key=ctx.private_key)
    except AdapterError as error:
        return _page("payments/sandbox.html", 400, error=error, order=None)
    return _page("payments/sandbox.html", 200, order=order, data=data, signature=signature,
                 error=None)


@provider_bp.post("/sandbox/decide")
def sandbox_decide() -> Response:
    """Make the signed callback, POST it to ``server_url`` over HTTP, send the browser back."""
    ctx = _sandbox_ctx()
    try:
        made = sandbox_callback(request.form.get("data", ""), request.form.get("signature", ""),
                                public_key=ctx.public_key, private_key=ctx.private_key,
                                succeed=request.form.get("outcome") == "pay", now=ctx.clock())
    except AdapterError as error:
        return _page("payments/sandbox.html", 400, error=error, order=None)
    delivered = _post_callback(made.server_url, made.data, made.signature)
    if not delivered:
        return _page("payments/sandbox.html", 502, order=None, error=ValidationError(
            f"Сервер магазину не прийняв повідомлення ({made.server_url}).",
            code="PAY_SANDBOX_CALLBACK_FAILED"))
    order_id = read_checkout(request.form["data"], request.form["signature"],
                             public_key=ctx.public_key, private_key=ctx.private_key).order_id
    return redirect(f"{made.result_url}?{urlencode({'order_id': order_id})}", code=303)


def _post_callback(url: str, data: str, signature: str) -> bool:
    try:
        answer = requests.post(url, data={"data": data, "signature": signature},
                               timeout=CALLBACK_TIMEOUT)
    except requests.RequestException:
        return False
    return answer.status_code == 200


def register(app: Flask) -> None:
    """Register both blueprints; the provider's is exempt from CSRF (signed, no cookies)."""
    app.register_blueprint(bp)
    app.register_blueprint(provider_bp)
    exempt = tuple(app.config.get("CABINET_CSRF_EXEMPT_PREFIXES", ("soap",)))
    if provider_bp.name not in exempt:
        app.config["CABINET_CSRF_EXEMPT_PREFIXES"] = (*exempt, provider_bp.name)
