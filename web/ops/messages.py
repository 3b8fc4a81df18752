"""Console pages about messages: search, one message's timeline, dead letters and their replay."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from adapter.delivery import deadletters
from adapter.errors import AdapterError, DeliveryError, ValidationError
from adapter.services import ops_messages
from adapter.services.ops_deadletters import (
    ReplaySummary,
    replay_all_dead,
    replay_one,
    replay_selected,
    skip_one,
)
from web.ops.common import bp, client_ip, current_operator, operator_required, ops, page_arg

KYIV = ZoneInfo("Europe/Kyiv")


def _day(name: str, *, end: bool = False) -> datetime | None:
    """A ``YYYY-MM-DD`` field as the start (or the end) of that day in Kyiv, in UTC."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(400)
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(), KYIV)


@bp.get("/messages")
@operator_required
def messages() -> str:
    """Search inbound documents, outbound messages or readings submissions."""
    args = request.args
    try:
        query = ops_messages.MessageQuery(
            kind=args.get("kind", ops_messages.INBOUND), mrid=args.get("mrid", ""),
            eic=args.get("eic", ""), contract=args.get("contract", ""),
            since=_day("since"), until=_day("until", end=True), page=page_arg())
    except ValidationError:
        abort(400)
    with ops().access.uow() as unit:
        result = ops_messages.search(unit.session, query)
    return render_template("ops/messages.html", result=result, query=query, args=args,
                           kinds=ops_messages.KINDS)


@bp.get("/inbound/<int:document_id>")
@operator_required
def inbound(document_id: int) -> str:
    """One inbound document and its timeline."""
    with ops().access.uow() as unit:
        try:
            record, steps = ops_messages.inbound_detail(unit.session, document_id)
        except ValidationError:
            abort(404)
        return render_template("ops/inbound.html", doc=record, steps=steps)


@bp.get("/outbound/<int:message_id>")
@operator_required
def outbound(message_id: int) -> str:
    """One outbound message: its state, last error and every event and attempt."""
    with ops().access.uow() as unit:
        try:
            detail = deadletters.show_message(unit.session, message_id)
        except DeliveryError:
            abort(404)
    return render_template("ops/outbound.html", detail=detail, message=detail.message)


@bp.get("/readings/<int:submission_id>")
@operator_required
def readings(submission_id: int) -> str:
    """One readings submission, its timeline and the outbound messages it made."""
    with ops().access.uow() as unit:
        try:
            record, steps, outbound_rows = ops_messages.readings_detail(unit.session,
                                                                        submission_id)
        except ValidationError:
            abort(404)
        return render_template("ops/readings.html", sub=record, steps=steps,
                               outbound=outbound_rows)


@bp.get("/dead-letters")
@operator_required
def dead_letters() -> str:
    """Dead (and skipped) messages, with replay and skip."""
    status = "skipped" if request.args.get("status") == "skipped" else "dead"
    with ops().access.uow() as unit:
        rows = deadletters.list_messages(unit.session, status=status, limit=500)
    return render_template("ops/dead_letters.html", rows=rows, status=status)


def _done(title: str, text: str, status: int = 200, code: str = "") -> tuple[str, int]:
    return render_template("ops/done.html", title=title, text=text, code=code), status


@bp.post("/dead-letters/<int:message_id>/replay")
@operator_required
def replay(message_id: int) -> tuple[str, int]:
    """Replay one message."""
    operator = current_operator()
    assert operator is not None
    try:
        replay_one(ops().access, operator, message_id, ip=client_ip())
    except DeliveryError as error:
        return _error(error)
    return _done("Повернуто до черги", f"Повідомлення #{message_id} знову очікує доставки.")


@bp.post("/dead-letters/<int:message_id>/skip")
@operator_required
def skip(message_id: int) -> tuple[str, int]:
    """Skip one dead message (with a reason)."""
    operator = current_operator()
    assert operator is not None
    try:
        skip_one(ops().access, operator, message_id, reason=request.form.get("reason", ""),
                 ip=client_ip())
    except DeliveryError as error:
        return _error(error)
    return _done("Пропущено", f"Повідомлення #{message_id} пропущено; наступні за ним підуть.")


@bp.post("/dead-letters/replay")
@operator_required
def replay_bulk() -> tuple[str, int] | Response:
    """Replay the ticked messages, or every dead one (``all=1``); shows a summary."""
    operator = current_operator()
    assert operator is not None
    if request.form.get("all") == "1":
        summary = replay_all_dead(ops().access, operator, ip=client_ip())
    else:
        try:
            ids = [int(value) for value in request.form.getlist("ids")]
        except ValueError:
            abort(400)
        summary = replay_selected(ops().access, operator, ids, ip=client_ip())
    return _summary(summary)


def _summary(summary: ReplaySummary) -> tuple[str, int]:
    return render_template("ops/replay_summary.html", summary=summary), 200


def _error(error: AdapterError) -> tuple[str, int]:
    status = 404 if error.code == "OUTBOX_NOT_FOUND" else 409
    return _done("Дію не виконано", error.message, status, error.code)
