"""API tokens for machine submission of signed readings (``POST /api/readings``).

An operator issues a token to one consumer contract (``adapter operator api-token``); the
consumer's system sends it as ``Authorization: Bearer <token>``. Only its SHA-256 is stored. The
token only says which contract the request speaks for: the readings document must still be signed
by that consumer's key (``submit_readings`` checks the signer's EDRPOU against the registry).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from adapter.domain.identifiers import is_valid_contract_number
from adapter.errors import ValidationError
from adapter.persistence.operator_models import ApiTokenRecord
from adapter.services.audit import audit
from adapter.services.ops_accounts import OpsAccess


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(access: OpsAccess, contract: str, *, label: str = "",
                    by: str = "cli") -> str:
    """A new token for ``contract``; shown once, stored as its digest."""
    if not is_valid_contract_number(contract):
        raise ValidationError(f"Номер договору «{contract}» має вигляд 27XXXXXXX.",
                              code="OPS_CONTRACT_FORMAT")
    token = "roe_" + secrets.token_urlsafe(32)
    now = access.clock()
    with access.uow() as unit:
        unit.session.add(ApiTokenRecord(token_hash=_digest(token), contract_number=contract,
                                        label=label[:200], created_at=now, created_by=by[:64]))
        audit(unit, "ops_api_token_issued", at=now, login=by,
              detail={"contract": contract, "label": label[:200]})
        unit.commit()
    return token


def contract_for_token(access: OpsAccess, token: str | None) -> str | None:
    """The contract a live token speaks for, or None."""
    if not token:
        return None
    with access.uow() as unit:
        return unit.session.scalar(select(ApiTokenRecord.contract_number).where(
            ApiTokenRecord.token_hash == _digest(token), ApiTokenRecord.revoked_at.is_(None)))
