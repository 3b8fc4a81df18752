"""Blueprint ``readings`` (/cabinet/readings): the form, two ways to sign, history, consumption.

Signing: (a) in the browser (``static/kep-sign.js``): ``/prepare`` checks the values and returns
the bytes to sign, ``/complete`` gets only the signature value back; (b) ``/unsigned`` downloads
the document to sign with the user's own tool and ``/upload`` takes the signed file. Either way
the signed document goes through ``submit_readings`` (full policy, EDRPOU of this cabinet).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from adapter.errors import AdapterError, ConfigurationError
from adapter.services.accounts import FieldProblem, FormInvalid
from adapter.services.audit import audit
from adapter.services.readings import ReadingsContext, SubmissionOutcome, submit_readings
from adapter.services.readings_bulk import bulk_values, read_rows
from adapter.services.readings_form import (
    CONFIRM_FIELD,
    check_readings,
    readings_form,
    window_status,
)
from adapter.services.readings_history import (
    EVENT_LABELS,
    STATUS_LABELS,
    chart_bars,
    destination_label,
    list_submissions,
    monthly_consumption,
    submission_detail,
)
from adapter.services.signing_drafts import complete_draft, create_draft
from web.views.common import cabinet, client_ip, current_org, current_user, login_required
from web.views.kep import certificate_field, draft_response

bp = Blueprint("readings", __name__, url_prefix="/cabinet/readings")
PURPOSE = "readings"
MAX_SIGNED_BYTES = 5 * 1024 * 1024


def readings_ctx() -> ReadingsContext:
    """The readings pipeline of the composition root's container."""
    return current_app.extensions["adapter"].readings  # type: ignore[no-any-return]


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"readings_due": _due, "reading_status": lambda s: STATUS_LABELS.get(s, s),
            "reading_event": lambda e: EVENT_LABELS.get(e, e),
            "destination_label": destination_label}


def _due() -> dict[str, Any] | None:
    """The dashboard's "what is due": the window and whether this month's readings are in."""
    if current_user() is None:
        return None
    try:
        ctx = readings_ctx()
    except ConfigurationError:
        return None  # consumers' trust not configured: readings are not offered at all
    status = window_status(ctx, ctx.clock())
    with cabinet().uow() as unit:
        rows = list_submissions(unit.session, current_org().contract_number, limit=12)
    done = [r for r in rows if status.reading_date and r.reading_date == status.reading_date]
    return {"status": status, "done": done[0] if done else None}


def _form_page(values: dict[str, str], error: FormInvalid | None = None,
               **extra: Any) -> Response:
    ctx = readings_ctx()
    org = current_org()
    with cabinet().uow() as unit:
        model = readings_form(unit, ctx, org.contract_number, ctx.clock())
    errors = error.problems if error else {}
    html = render_template("readings/form.html", form=model, values=values, errors=errors,
                           summary=list(errors.items()), confirm_field=CONFIRM_FIELD,
                           rollover=ctx.rules.max_rollover_fraction, **extra)
    return Response(html, status=error.status if error else 200, mimetype="text/html")


def _posted_values() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if k.startswith("r-") or k == CONFIRM_FIELD}


@bp.get("")
@login_required
def form() -> Response:
    """The readings form of the organisation's meters."""
    return _form_page({})


@bp.post("/check")
@login_required
def check() -> Response:
    """Check the values without signing (the form without JavaScript; shows volumes)."""
    values = _posted_values()
    try:
        checked = _check(values)
    except FormInvalid as error:
        return _form_page(values, error)
    return _form_page(values, checked=checked)


def _check(values: dict[str, str]) -> Any:
    ctx = readings_ctx()
    with cabinet().uow() as unit:
        return check_readings(unit, ctx, current_org().contract_number, values, ctx.clock())


@bp.post("/unsigned")
@login_required
def unsigned() -> Response:
    """The checked document as XML, to sign with the user's own tool."""
    values = _posted_values()
    try:
        checked = _check(values)
    except FormInvalid as error:
        return _form_page(values, error)
    name = f"readings_{checked.document.contract_number}_{checked.document.reading_date:%Y%m%d}.xml"
    return Response(checked.unsigned_xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/upload")
@login_required
def upload() -> Response:
    """A readings document signed with the user's own tool."""
    file = request.files.get("signed")
    data = file.read(MAX_SIGNED_BYTES + 1) if file else b""
    if not data:
        problem = FormInvalid({"signed": FieldProblem("READING_NO_FILE",
                                                      "Оберіть підписаний файл.")})
        return _form_page({}, problem)
    return _result_page(_submit(data, channel="cabinet"))


def _submit(signed: bytes, *, channel: str) -> SubmissionOutcome:
    ctx, org, user = readings_ctx(), current_org(), current_user()
    outcome = submit_readings(ctx, signed, channel=channel, expected_contract=org.contract_number)
    with cabinet().uow() as unit:
        audit(unit, "readings_submitted", at=ctx.clock(), ip=client_ip(),
              user_id=user.user_id if user else None, organisation_id=org.id,
              detail={"status": outcome.status.value, "code": outcome.code,
                      "submission_id": outcome.submission_id})
        unit.commit()
    return outcome


def _result_page(outcome: SubmissionOutcome) -> Response:
    html = render_template("readings/result.html", outcome=outcome)
    return Response(html, status=200 if outcome.accepted else 422, mimetype="text/html")


@bp.post("/prepare")
@login_required
def prepare() -> tuple[Response, int]:
    """Check the values, build the document and the bytes the browser signs (JSON)."""
    values = _posted_values()
    ctx, org = readings_ctx(), current_org()
    try:
        certificate = certificate_field()
        with cabinet().uow() as unit:
            checked = check_readings(unit, ctx, org.contract_number, values, ctx.clock())
            draft = create_draft(unit, organisation_id=org.id, purpose=PURPOSE,
                                 unsigned_xml=checked.unsigned_xml, certificate_pem=certificate,
                                 now=ctx.clock(), edrpou=org.edrpou)
            unit.commit()
    except FormInvalid as error:
        return jsonify(error=error.message, code=error.code, problems={
            name: problem.message for name, problem in error.problems.items()}), error.status
    except AdapterError as error:
        return jsonify(error=error.message, code=error.code), 400
    return draft_response(draft)


@bp.post("/complete")
@login_required
def complete() -> tuple[Response, int]:
    """Put the browser's signature value in place and submit the signed document (JSON)."""
    ctx, org = readings_ctx(), current_org()
    try:
        with cabinet().uow() as unit:
            signed = complete_draft(unit, organisation_id=org.id,
                                    draft_id=request.form.get("draft_id", ""), purpose=PURPOSE,
                                    signature_value_b64=request.form.get("signature", ""),
                                    now=ctx.clock())
            unit.commit()
    except AdapterError as error:
        return jsonify(error=error.message, code=error.code), 400
    outcome = _submit(signed, channel="cabinet")
    if not outcome.accepted:
        return jsonify(error=outcome.message, code=outcome.code), 422
    return jsonify(ok=True, message=outcome.message, submission_id=outcome.submission_id,
                   warnings=[w.message for w in outcome.warnings],
                   redirect=url_for("readings.submission", submission_id=outcome.submission_id)
                   ), 200


@bp.get("/bulk")
@login_required
def bulk_form() -> str:
    """Upload a CSV or XLSX of many metering points."""
    return render_template("readings/bulk.html", problems=(), error=None)


@bp.post("/bulk")
@login_required
def bulk_upload() -> Response:
    """Parse the file into the form's values and show them for review and signing."""
    file = request.files.get("file")
    ctx, org = readings_ctx(), current_org()
    try:
        rows = read_rows(file.read() if file else b"", file.filename or "" if file else "")
    except AdapterError as error:
        html = render_template("readings/bulk.html", problems=(), error=error)
        return Response(html, status=400, mimetype="text/html")
    with cabinet().uow() as unit:
        model = readings_form(unit, ctx, org.contract_number, ctx.clock())
    result = bulk_values(rows, model)
    if result.problems or not result.values:
        html = render_template("readings/bulk.html", problems=result.problems, error=None,
                               empty=not result.values)
        return Response(html, status=422, mimetype="text/html")
    try:
        checked = _check(result.values)
    except FormInvalid as error:
        return _form_page(result.values, error, bulk_rows=result.rows)
    return _form_page(result.values, checked=checked, bulk_rows=result.rows)


@bp.get("/submissions")
@login_required
def submissions() -> str:
    """The organisation's submissions, newest first."""
    with cabinet().uow() as unit:
        rows = list_submissions(unit.session, current_org().contract_number)
    return render_template("readings/submissions.html", rows=rows)


@bp.get("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int) -> str:
    """One submission's values, timeline and deliveries (404 for another organisation's)."""
    with cabinet().uow() as unit:
        detail = submission_detail(unit.session, current_org().contract_number, submission_id)
    if detail is None:
        abort(404)
    return render_template("readings/submission.html", detail=detail)


@bp.get("/consumption")
@login_required
def consumption() -> str:
    """A bar chart (inline SVG) and a table of monthly A+ consumption per metering point."""
    ctx, org = readings_ctx(), current_org()
    with cabinet().uow() as unit:
        months = monthly_consumption(unit.session, org.contract_number)
        model = readings_form(unit, ctx, org.contract_number, ctx.clock())
    points = sorted({m.point_eic for m in model.meters} | set(months))
    charts = [(point, months.get(point, []), chart_bars(months.get(point, [])))
              for point in points]
    return render_template("readings/consumption.html", charts=charts)
