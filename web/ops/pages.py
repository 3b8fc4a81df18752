"""Console pages: the summary, rejected documents, the registry, trust store, feedback, audit."""

from __future__ import annotations

from flask import render_template, request

from adapter.delivery.deadletters import count_by_status
from adapter.services import ops_lists
from adapter.services.ops_trust import ERROR, WARNING, trust_store
from web.ops.common import bp, operator_required, ops, page_arg


def _trust() -> list:  # type: ignore[type-arg]
    context = ops()
    return trust_store(context.settings, now=context.access.clock(),
                       warning=context.access.config.expiry_warning)


@bp.get("")
@operator_required
def index() -> str:
    """Health, circuits, queue counts and what needs attention."""
    readiness = ops().readiness()
    with ops().access.uow() as unit:
        counts = count_by_status(unit.session)
        codes = ops_lists.rejection_codes(unit.session)[:5]
    entries = _trust()
    return render_template("ops/index.html", readiness=readiness, counts=counts, codes=codes,
                           trust_errors=sum(e.level == ERROR for e in entries),
                           trust_warnings=sum(e.level == WARNING for e in entries))


@bp.get("/rejections")
@operator_required
def rejections() -> str:
    """Refused inbound documents and requests with their codes."""
    code = request.args.get("code", "")
    with ops().access.uow() as unit:
        result = ops_lists.rejections(unit.session, code=code, page=page_arg())
        codes = ops_lists.rejection_codes(unit.session)
        return render_template("ops/rejections.html", result=result, codes=codes, code=code)


@bp.get("/registry")
@operator_required
def registry() -> str:
    """Consumers with their metering points, and suppliers."""
    search = request.args.get("q", "")
    with ops().access.uow() as unit:
        result = ops_lists.consumers(unit.session, search=search, page=page_arg())
        suppliers = ops_lists.suppliers(unit.session)
        return render_template("ops/registry.html", result=result, suppliers=suppliers,
                               q=search)


@bp.get("/trust")
@operator_required
def trust() -> str:
    """Configured certificates, CAs and CRLs with how long they have left."""
    return render_template("ops/trust.html", entries=_trust(),
                           warning_days=ops().access.config.expiry_warning.days)


@bp.get("/feedback")
@operator_required
def feedback() -> str:
    """The feedback inbox."""
    with ops().access.uow() as unit:
        result = ops_lists.feedback(unit.session, page=page_arg())
        return render_template("ops/feedback.html", result=result)


@bp.get("/audit")
@operator_required
def audit_log() -> str:
    """What operators did."""
    with ops().access.uow() as unit:
        result = ops_lists.operator_audit(unit.session, page=page_arg())
        return render_template("ops/audit.html", result=result)
