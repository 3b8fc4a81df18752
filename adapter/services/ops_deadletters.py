"""Operator actions on dead letters, each audited in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from adapter.delivery import deadletters
from adapter.errors import DeliveryError
from adapter.services.ops_accounts import Operator, OpsAccess, record_action


@dataclass(frozen=True)
class ReplaySummary:
    """How a bulk replay went: which went back to the queue, which could not and why."""

    replayed: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def replay_one(access: OpsAccess, operator: Operator, message_id: int, *, ip: str) -> None:
    """Put one dead or skipped message back to pending (raises ``DeliveryError`` otherwise)."""
    now = access.clock()
    with access.uow() as unit:
        deadletters.replay(unit.session, message_id, now=now, by=f"оператор {operator.login}")
        record_action(unit, operator, "ops_replay", at=now, ip=ip,
                      detail={"message_id": message_id})
        unit.commit()


def replay_selected(access: OpsAccess, operator: Operator, ids: Iterable[int], *,
                    ip: str) -> ReplaySummary:
    """Replay several messages, each in its own transaction: one refusal stops none of the rest."""
    summary = ReplaySummary()
    for message_id in ids:
        try:
            replay_one(access, operator, message_id, ip=ip)
        except DeliveryError as error:
            summary.refused[message_id] = f"{error.code}: {error.message}"
        else:
            summary.replayed.append(message_id)
    with access.uow() as unit:
        record_action(unit, operator, "ops_replay_many", at=access.clock(), ip=ip,
                      detail={"replayed": len(summary.replayed),
                              "refused": len(summary.refused)})
        unit.commit()
    return summary


def replay_all_dead(access: OpsAccess, operator: Operator, *, ip: str) -> ReplaySummary:
    """Replay every dead message, oldest first."""
    with access.uow() as unit:
        ids = list(deadletters.dead_ids(unit.session))
    return replay_selected(access, operator, ids, ip=ip)


def skip_one(access: OpsAccess, operator: Operator, message_id: int, *, reason: str,
             ip: str) -> None:
    """Give up on a dead message so later ones with its ordering key may go."""
    reason = reason.strip()
    if not reason:
        raise DeliveryError("Вкажіть причину, з якої повідомлення пропущено.",
                            code="OPS_REASON_REQUIRED")
    now = access.clock()
    with access.uow() as unit:
        deadletters.skip(unit.session, message_id, now=now, reason=reason,
                         by=f"оператор {operator.login}")
        record_action(unit, operator, "ops_skip", at=now, ip=ip,
                      detail={"message_id": message_id, "reason": reason[:500]})
        unit.commit()
