"""Blueprint ``documents`` (/cabinet/documents): list, view, original, PDF, report, countersign.

Every page reaches a document only through :func:`document_for` with the current organisation's
contract: another organisation's id answers 404 exactly like an id that does not exist.
Countersigning mirrors the readings page: (a) in the browser (``static/kep-sign.js``):
``/prepare`` returns the bytes to sign, ``/complete`` takes only the signature value; (b)
``/unsigned`` downloads the XML to sign with one's own tool and ``/upload`` takes the signed file.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from adapter.errors import AdapterError, ValidationError
from adapter.services import countersign as cs
from adapter.services.cabinet_documents import (
    KIND_LABELS,
    DocumentFilter,
    dashboard_lists,
    document_for,
    document_row,
    is_superseded,
    list_documents,
)
from adapter.services.document_pdf import render_pdf
from adapter.services.document_report import verification_report
from adapter.services.document_view import money, quantity, readable_view
from web.views.common import cabinet, client_ip, current_org, current_user, login_required
from web.views.kep import certificate_field, draft_response

bp = Blueprint("documents", __name__, url_prefix="/cabinet/documents")
MAX_SIGNED_BYTES = 5 * 1024 * 1024
STATUS_LABELS = {"unpaid": "Неоплачені рахунки", "paid": "Оплачені рахунки",
                 "awaiting": "Акти, що чекають підпису", "countersigned": "Підписані акти"}


def container() -> Any:
    """The composition root's container (``register_cabinet`` keeps it in the app)."""
    return current_app.extensions["adapter"]


def countersign_ctx() -> cs.CountersignContext:
    c = container()
    return cs.CountersignContext(uow=c.uow, clock=c.clock, dso_eic=c.settings.dso_eic,
                                 consumer_policy=lambda: c.party_policy("consumer"))


def _signatory() -> cs.Signatory:
    org, user = current_org(), current_user()
    return cs.Signatory(org.id, org.contract_number, org.edrpou,
                        user_id=getattr(user, "id", None), ip=client_ip())


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"money": money, "quantity": quantity, "documents_due": _due,
            "kind_label": lambda k: KIND_LABELS.get(k, k)}


def _due() -> dict[str, Any] | None:
    """The dashboard's unpaid invoices and acts awaiting countersignature."""
    if current_user() is None:
        return None
    with cabinet().uow() as unit:
        unpaid, awaiting = dashboard_lists(unit.session, current_org().contract_number)
    return {"unpaid": unpaid, "awaiting": awaiting}


@bp.get("")
@login_required
def index() -> str:
    """The list: filter by kind, month and status, search by number or mRID, pages."""
    flt = DocumentFilter.from_args(request.args)
    with cabinet().uow() as unit:
        page = list_documents(unit.session, current_org().contract_number, flt)
    return render_template("documents/index.html", page=page, flt=flt, kinds=KIND_LABELS,
                           statuses=STATUS_LABELS, payments_on=_payments_on())


def _payments_on() -> bool:
    liqpay = container().settings.liqpay
    return bool(liqpay.public_key and liqpay.private_key)


def _owned(unit: Any, document_id: int) -> Any:
    try:
        return document_for(unit.session, current_org().contract_number, document_id)
    except ValidationError:
        abort(404)


@bp.get("/<int:document_id>")
@login_required
def show(document_id: int) -> str:
    """The readable view, status, countersignature timeline and actions."""
    contract = current_org().contract_number
    with cabinet().uow() as unit:
        record = _owned(unit, document_id)
        view, row = readable_view(record), document_row(unit.session, contract, document_id)
        superseded = is_superseded(unit.session, record)
        signature = cs.countersignature_of(unit.session, document_id)
        timeline = (cs.delivery_timeline(unit.session, signature.outbox_message_id)
                    if signature and signature.outbox_message_id else None)
    return render_template("documents/show.html", doc=view, row=row, superseded=superseded,
                           signature=signature, timeline=timeline, payments_on=_payments_on())


@bp.get("/<int:document_id>/original")
@login_required
def original(document_id: int) -> Response:
    """The signed original, byte for byte."""
    with cabinet().uow() as unit:
        record = _owned(unit, document_id)
        data, name = bytes(record.original), f"{record.kind}-{record.mrid}-{record.revision}.xml"
    return _download(data, name, "application/xml")


@bp.get("/<int:document_id>/pdf")
@login_required
def pdf(document_id: int) -> Response:
    """The readable view as a PDF."""
    contract = current_org().contract_number
    with cabinet().uow() as unit:
        record = _owned(unit, document_id)
        view, row = readable_view(record), document_row(unit.session, contract, document_id)
    status = ("оплачено" if row.paid else "не оплачено") if row.is_invoice else (
        "підписано" if row.countersigned else "")
    return _download(render_pdf(view, status=status),
                     f"{view.kind}-{view.mrid}-{view.revision}.pdf", "application/pdf")


def _download(data: bytes, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:document_id>/report")
@login_required
def report(document_id: int) -> str:
    """Who signed it, when, issued by whom, valid or not and why (verified again now)."""
    c = container()
    with cabinet().uow() as unit:
        record = _owned(unit, document_id)
        view = readable_view(record)
        result = verification_report(record, policy_for=c.party_policy, now=c.clock())
    return render_template("documents/report.html", doc=view, report=result)


# ----- countersigning an act -------------------------------------------------------------------


def _act_page(document_id: int, error: AdapterError | None = None,
              values: dict[str, str] | None = None) -> Response:
    with cabinet().uow() as unit:
        record = _owned(unit, document_id)
        view = readable_view(record)
        signature = cs.countersignature_of(unit.session, document_id)
    html = render_template("documents/countersign.html", doc=view, signature=signature,
                           error=error, values=values or {"decision": "accepted"})
    return Response(html, status=400 if error else 200, mimetype="text/html")


@bp.get("/<int:document_id>/countersign")
@login_required
def countersign_form(document_id: int) -> Response:
    """Decision, comment, and the two ways to sign."""
    return _act_page(document_id)


def _decision() -> tuple[str, str]:
    return request.form.get("decision", ""), request.form.get("comment", "")


@bp.post("/<int:document_id>/countersign/unsigned")
@login_required
def countersign_unsigned(document_id: int) -> Response:
    """The XML to sign with one's own tool."""
    decision, comment = _decision()
    with cabinet().uow() as unit:
        _owned(unit, document_id)
    try:
        xml = cs.unsigned_countersignature(countersign_ctx(), _signatory(), document_id,
                                           decision=decision, comment=comment)
    except AdapterError as error:
        return _act_page(document_id, error, dict(request.form))
    return _download(xml, f"ActCountersignature-{document_id}.xml", "application/xml")


@bp.post("/<int:document_id>/countersign/upload")
@login_required
def countersign_upload(document_id: int) -> Response:
    """A countersignature signed with one's own tool."""
    with cabinet().uow() as unit:
        _owned(unit, document_id)
    file = request.files.get("signed")
    signed = file.read(MAX_SIGNED_BYTES + 1) if file else b""
    try:
        if not signed or len(signed) > MAX_SIGNED_BYTES:
            raise ValidationError("Оберіть підписаний файл XML (до 5 МБ).", code="CS_FILE_REQUIRED")
        cs.upload_signed(countersign_ctx(), _signatory(), document_id, signed)
    except AdapterError as error:
        return _act_page(document_id, error, dict(request.form))
    return redirect(url_for("documents.show", document_id=document_id, signed=1), code=303)


@bp.post("/<int:document_id>/countersign/prepare")
@login_required
def countersign_prepare(document_id: int) -> tuple[Response, int]:
    """Build the countersignature and the bytes the browser signs (JSON)."""
    decision, comment = _decision()
    with cabinet().uow() as unit:
        _owned(unit, document_id)
    try:
        draft = cs.start_browser_signing(countersign_ctx(), _signatory(), document_id,
                                         decision=decision, comment=comment,
                                         certificate=certificate_field())
    except AdapterError as error:
        return jsonify(error=error.message, code=error.code), 400
    return draft_response(draft)


@bp.post("/<int:document_id>/countersign/complete")
@login_required
def countersign_complete(document_id: int) -> tuple[Response, int]:
    """Put the browser's signature value in place, verify, store and send (JSON)."""
    with cabinet().uow() as unit:
        _owned(unit, document_id)
    try:
        done = cs.finish_browser_signing(
            countersign_ctx(), _signatory(), document_id,
            draft_id=request.form.get("draft_id", ""),
            signature_value=request.form.get("signature", ""))
    except AdapterError as error:
        return jsonify(error=error.message, code=error.code), 400
    return jsonify(ok=True, message="Акт підписано й надіслано постачальнику.",
                   countersignature_id=done.id,
                   redirect=url_for("documents.show", document_id=document_id, signed=1)), 200


def register(app: Flask, container: Any) -> None:
    """Register the documents and payment blueprints (``register_cabinet`` calls this)."""
    from web.views import payments

    app.extensions.setdefault("adapter", container)
    app.register_blueprint(bp)
    payments.register(app)
