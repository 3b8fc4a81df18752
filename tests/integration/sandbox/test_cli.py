"""``adapter sandbox``: options become a peer configuration; the ledger command counts effects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapter.cli import sandbox as cli
from adapter.pki import SandboxPki
from adapter.sandbox import Ledger


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, str, int, str]]:
    calls: list[tuple[object, str, int, str]] = []
    monkeypatch.setattr(cli, "serve", lambda app, host, port, path: calls.append(
        (app, host, port, path)))
    return calls


def _peer(app) -> object:  # noqa: ANN001
    return app.config["PEER"]


def test_supplier_options_reach_the_peer(served, sandbox_pki: SandboxPki, tmp_path: Path):
    result = CliRunner().invoke(cli.sandbox, [
        "supplier", "--pki", str(sandbox_pki.directory), "--ledger", str(tmp_path / "s.db"),
        "--port", "9101", "--intake-url", "http://127.0.0.1:8000/soap/intake", "--push",
        "--error-rate", "0.25", "--reset-rate", "0.1", "--seed", "3", "--tariff", "4.5",
    ])

    assert result.exit_code == 0, result.output
    [(app, host, port, path)] = served
    config = _peer(app).config
    assert (host, port, path) == ("127.0.0.1", 9101, "/soap/supplier")
    assert (config.push, config.faults.error_rate, config.faults.reset_rate,
            config.faults.seed) == (True, 0.25, 0.1, 3)
    assert str(config.energy_tariff) == "4.5"


def test_billing_options_reach_the_peer(served, sandbox_pki: SandboxPki, tmp_path: Path):
    result = CliRunner().invoke(cli.sandbox, [
        "billing", "--pki", str(sandbox_pki.directory), "--ledger", str(tmp_path / "b.db"),
        "--page-size", "3", "--timeout-after-commit-rate", "1", "--hang-seconds", "2",
    ])

    assert result.exit_code == 0, result.output
    config = _peer(served[0][0]).config
    assert (config.registry_page_size, config.faults.timeout_after_commit_rate,
            config.faults.hang_seconds) == (3, 1.0, 2.0)


@pytest.mark.parametrize("args", [["--error-rate", "1.5"], ["--push"], ["--tariff", "abc"]])
def test_bad_options_are_refused(served, sandbox_pki: SandboxPki, tmp_path: Path, args):
    result = CliRunner().invoke(cli.sandbox, [
        "supplier", "--pki", str(sandbox_pki.directory), "--ledger", str(tmp_path / "s.db"),
        *args,
    ])

    assert result.exit_code == 2
    assert served == []


def _ledger_with(tmp_path: Path, arrivals: dict[str, int]) -> Path:
    path = tmp_path / "ledger.sqlite3"
    book = Ledger(path)
    for mrid, count in arrivals.items():
        for _ in range(count):
            book.record(("62X0000000000012", mrid, 1), kind="MeterReadingsDocument",
                        sha256="same", idempotency_key=mrid, effect=lambda conn: None)
    return path


def test_ledger_lists_every_message_and_a_summary(tmp_path: Path):
    path = _ledger_with(tmp_path, {"RD-1": 1, "RD-2": 3})

    result = CliRunner().invoke(cli.sandbox, ["ledger", "--ledger", str(path)])

    assert result.exit_code == 0, result.output
    assert "RD-2" in result.output and "надходжень: 3  ефектів: 1" in result.output
    assert result.output.strip().endswith(
        "2 повідомлень, 2 повторних надходжень, 0 подвійних ефектів")


def test_ledger_as_json(tmp_path: Path):
    path = _ledger_with(tmp_path, {"RD-1": 2})

    result = CliRunner().invoke(cli.sandbox, ["ledger", "--ledger", str(path), "--json"])

    data = json.loads(result.output)
    assert data["summary"] == {"messages": 1, "duplicate_arrivals": 1, "double_effects": 0}
    assert (data["messages"][0]["arrivals"], data["messages"][0]["effects"]) == (2, 1)


def test_ledger_exits_1_on_a_double_effect(tmp_path: Path):
    path = _ledger_with(tmp_path, {"RD-1": 1})
    with Ledger(path).transaction() as conn:  # what a broken peer would have done
        conn.execute("UPDATE messages SET effects = 2")

    result = CliRunner().invoke(cli.sandbox, ["ledger", "--ledger", str(path)])

    assert result.exit_code == 1
    assert "1 подвійних ефектів" in result.output
