"""``adapter poll`` and ``adapter files watch`` through click's runner, against real peers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from adapter.bootstrap import Container
from adapter.cli import files as files_cli
from adapter.cli import poll as poll_cli
from adapter.pki import SandboxPki
from adapter.soap.transports import BillingTransport
from tests.integration.exchange.conftest import (
    MakeContainer,
    distribution_invoice,
    signed_by,
    stored,
)
from tests.integration.sandbox.conftest import outbound, readings_document
from tests.support.exchange import BILLING_EIC


def _use(monkeypatch: pytest.MonkeyPatch, module: object, container: Container) -> None:
    monkeypatch.setattr(module, "build", lambda: container)


def test_poll_once_status_and_rewind(start_peer, make_container: MakeContainer,
                                     monkeypatch: pytest.MonkeyPatch):
    runner = CliRunner()
    with start_peer("billing") as sandbox:
        doc = readings_document("RD-C1", receiver=BILLING_EIC)
        BillingTransport(sandbox.billing_client()).deliver(outbound(sandbox.sign(doc), "billing"))
        container = make_container(ADAPTER_BILLING_ENDPOINT=f"{sandbox.url}/soap/billing")
        _use(monkeypatch, poll_cli, container)
        first = runner.invoke(poll_cli.poll, ["--once"])
        status = runner.invoke(poll_cli.poll, ["--status"])
        rewound = runner.invoke(poll_cli.poll, ["--peer", "billing", "--rewind", "start"])
        again = runner.invoke(poll_cli.poll, ["--once", "--peer", "billing"])

    assert first.exit_code == 0, first.output
    assert "billing: отримано 2 (прийнято 2, вже були 0, відхилено 0)" in first.output
    assert "Разом отримано документів: 2; з помилкою: ні." in first.output
    assert "billing: курсор 2, документів 2" in status.output
    assert rewound.exit_code == 0 and "початок" in rewound.output
    assert "отримано 2 (прийнято 0, вже були 2" in again.output
    assert len(stored(container)) == 2


def test_poll_once_exits_1_when_a_peer_is_down(make_container: MakeContainer,
                                               monkeypatch: pytest.MonkeyPatch):
    container = make_container(ADAPTER_BILLING_ENDPOINT="http://127.0.0.1:9/soap/billing")
    _use(monkeypatch, poll_cli, container)
    result = CliRunner().invoke(poll_cli.poll, ["--once"])
    assert result.exit_code == 1
    assert "billing: помилка REMOTE_CONNECTION" in result.output
    assert "з помилкою: billing" in result.output


def test_poll_without_peers_is_a_usage_error(make_container: MakeContainer,
                                             monkeypatch: pytest.MonkeyPatch):
    _use(monkeypatch, poll_cli, make_container())
    result = CliRunner().invoke(poll_cli.poll, ["--once"])
    assert result.exit_code == 2 and "Немає кого опитувати" in result.output


def test_files_watch_once_reports_each_file_and_a_summary(
    sandbox_pki: SandboxPki, tmp_path: Path, make_container: MakeContainer,
    monkeypatch: pytest.MonkeyPatch,
):
    inbox = tmp_path / "in"
    inbox.mkdir()
    good = signed_by(sandbox_pki, distribution_invoice())
    (inbox / "a.xml").write_bytes(good)
    (inbox / "b.xml").write_bytes(good.replace(b"<quantity>500<", b"<quantity>501<", 1))
    (inbox / "c.xml.part").write_bytes(good[:100])
    container = make_container()
    _use(monkeypatch, files_cli, container)

    result = CliRunner().invoke(files_cli.files, ["watch", "--inbox", str(inbox), "--once"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "a.xml: A01 прийнято -> processed/"
    assert lines[1].startswith("b.xml: A02 відхилено -> rejected/ (SIG_INVALID: ")
    assert lines[2] == ("Оброблено файлів: 2 (прийнято 1, вже отримано 0, відхилено 1); "
                        "пропущено: 0.")
    assert (inbox / "c.xml.part").exists()
