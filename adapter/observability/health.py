"""Liveness and readiness checks, independent of Flask (the blueprint only renders them).

Ready means: the database answers, its schema is at every head this code knows
(:func:`adapter.persistence.migrate.is_current`). Each peer's circuit (derived from the database,
see :mod:`adapter.observability.circuits`) is reported too; an open circuit does not make the
instance unready by default, because the cabinet and our intake keep working while a peer is down
(the outbox holds the messages), and taking every web instance out of the load balancer would turn
one peer's outage into ours. ``fail_on_open_circuit=True`` changes that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from adapter.delivery.breaker import OPEN
from adapter.observability.circuits import circuit_views
from adapter.persistence import migrate


@dataclass(frozen=True)
class ReadinessConfig:
    """What readiness looks at."""

    destinations: tuple[str, ...] = ()
    breaker_threshold: int = 5
    breaker_cool_down: timedelta = timedelta(seconds=30)
    fail_on_open_circuit: bool = False


@dataclass(frozen=True)
class Readiness:
    """The outcome of :func:`check_readiness`; ``problems`` lists what is wrong, in Ukrainian."""

    ready: bool
    checks: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The /readyz body."""
        return {"status": "ready" if self.ready else "not_ready", "checks": self.checks,
                "problems": list(self.problems)}


def check_readiness(engine: Engine, config: ReadinessConfig, *,
                    now: Callable[[], datetime]) -> Readiness:
    """Database, migrations, circuits; never raises for an unreachable database."""
    checks: dict[str, Any] = {}
    problems: list[str] = []
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        problems.append(f"База даних недоступна: {_first_line(exc)}")
        return Readiness(False, checks, tuple(problems))
    checks["database"] = {"ok": True}
    checks["migrations"] = _migrations(engine, problems)
    if checks["migrations"].get("ok"):
        checks["circuits"] = _circuits(engine, config, now(), problems)
    return Readiness(not problems, checks, tuple(problems))


def _migrations(engine: Engine, problems: list[str]) -> dict[str, Any]:
    try:
        current, heads = migrate.current_revisions(engine), migrate.head_revisions()
    except SQLAlchemyError as exc:
        problems.append(f"Не вдалося прочитати версію схеми: {_first_line(exc)}")
        return {"ok": False}
    ok = migrate.is_current(engine)
    if not ok:
        missing = ", ".join(sorted(heads - current)) or "-"
        problems.append(f"Схема бази даних застаріла (бракує: {missing}); "
                        "виконайте `adapter db upgrade`.")
    return {"ok": ok, "current": sorted(current), "heads": sorted(heads)}


def _circuits(engine: Engine, config: ReadinessConfig, now: datetime,
              problems: list[str]) -> dict[str, Any]:
    with Session(engine) as session:
        views = circuit_views(session, configured=config.destinations,
                              threshold=config.breaker_threshold,
                              cool_down=config.breaker_cool_down, now=now)
    out: dict[str, Any] = {}
    for view in views:
        out[view.destination] = {"state": view.state,
                                 "consecutive_failures": view.consecutive_failures}
        if view.state == OPEN and config.fail_on_open_circuit:
            problems.append(f"Зв'язок із {view.destination} розімкнено (сервіс недоступний).")
    return out


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def configured_destinations(names: Iterable[str]) -> tuple[str, ...]:
    """The non-empty destination names, as a tuple (for :class:`ReadinessConfig`)."""
    return tuple(name for name in names if name)
