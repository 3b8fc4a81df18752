"""From a transport's result to what the outbox records (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapter.delivery.outcomes import call_transport, outcome_of, peer_failed
from adapter.delivery.policy import RetryPolicy
from adapter.delivery.transport import DeliveryReceipt, OutboundMessage
from adapter.errors import ConfigurationError, PermanentRemoteError, TransientRemoteError

NOW = datetime(2026, 3, 1, tzinfo=UTC)
MESSAGE = OutboundMessage(1, "billing", "readings", "62X0000000000012", "R-1", 1, b"<d/>", 1,
                          "62X0000000000012:R-1:1")
POLICY = RetryPolicy(jitter=lambda: 0.0)


class Raising:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        raise self.error


def _outcome(result: object) -> object:
    return outcome_of(result, policy=POLICY, attempts=1, window_started_at=NOW, now=NOW,  # type: ignore[arg-type]
                      unconfigured_until=NOW + timedelta(minutes=1))


def test_a01_and_a51_are_delivered() -> None:
    assert _outcome(DeliveryReceipt("A01")).status == "delivered"  # type: ignore[attr-defined]
    duplicate = _outcome(DeliveryReceipt("A51"))
    assert (duplicate.status, duplicate.attempt_outcome) == ("delivered", "duplicate")  # type: ignore[attr-defined]


def test_transient_is_pending_and_counts_against_the_breaker() -> None:
    error = TransientRemoteError("HTTP 503")
    outcome = _outcome(error)
    assert (outcome.status, outcome.next_attempt_at) == ("pending", NOW)  # type: ignore[attr-defined]
    assert peer_failed(error)
    assert not peer_failed(PermanentRemoteError("A02"))


def test_configuration_error_waits_without_counting() -> None:
    outcome = _outcome(ConfigurationError("немає транспорту"))
    assert outcome.undo_attempt and outcome.status == "pending"  # type: ignore[attr-defined]


def test_unexpected_exception_becomes_transient() -> None:
    result = call_transport(Raising(KeyError("x")), MESSAGE)
    assert isinstance(result, TransientRemoteError) and result.code == "DELIVERY_UNEXPECTED"


def test_adapter_errors_pass_through() -> None:
    error = PermanentRemoteError("Відхилено", code="A02")
    assert call_transport(Raising(error), MESSAGE) is error
