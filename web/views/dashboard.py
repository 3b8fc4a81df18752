"""The cabinet's home: the organisation, its metering points (later: readings, documents)."""

from __future__ import annotations

from flask import Blueprint, render_template

from adapter.services.registry import find_consumer_by_contract
from web.views.common import cabinet, current_org, login_required

bp = Blueprint("dashboard", __name__, url_prefix="/cabinet")


@bp.get("")
@login_required
def index() -> str:
    """The organisation's name, contract, EDRPOU and metering points (scoped to the user's org)."""
    org = current_org()
    with cabinet().uow() as unit:
        consumer = find_consumer_by_contract(unit, org.contract_number)
    points = consumer.metering_points if consumer else ()
    supplier = consumer.supplier if consumer else None
    return render_template("dashboard/index.html", org=org, points=points, supplier=supplier)
