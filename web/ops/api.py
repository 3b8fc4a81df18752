"""``POST /api/readings``: machine submission of one consumer-signed readings document.

Authenticated by an API token of the contract (``Authorization: Bearer roe_...``, issued with
``adapter operator api-token``), never by a cookie, so the blueprint is exempt from CSRF. The body
is the signed XML as is; the answer is JSON with the outcome and its code. The document goes
through exactly the pipeline the cabinet uses (``submit_readings``, channel ``api``).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from adapter.services.ops_api import contract_for_token
from adapter.services.readings import SubmissionStatus, submit_readings
from web.ops.common import ops

api = Blueprint("api_readings", __name__, url_prefix="/api")

_STATUS = {SubmissionStatus.ACCEPTED: 201, SubmissionStatus.ALREADY_RECEIVED: 200,
           SubmissionStatus.REJECTED: 422}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@api.post("/readings")
def submit() -> tuple[Response, int]:
    """Submit a signed readings document for the token's contract."""
    contract = contract_for_token(ops().access, _bearer())
    if contract is None:
        return jsonify(status="unauthorized", code="API_TOKEN_INVALID",
                       message="Потрібен дійсний API-токен договору (Authorization: Bearer)."), 401
    outcome = submit_readings(ops().container.readings, request.get_data(cache=False),
                              channel="api", expected_contract=contract)
    body = {"status": outcome.status.value, "code": outcome.code, "message": outcome.message,
            "submission_id": outcome.submission_id, "mrid": outcome.mrid,
            "revision": outcome.revision, "state": outcome.state,
            "warnings": [str(w) for w in outcome.warnings]}
    return jsonify(body), _STATUS[outcome.status]
