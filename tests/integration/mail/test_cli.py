"""``adapter mail test`` over real SMTP and ``adapter mail list`` of the demo mailbox."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from adapter.bootstrap import build_container
from adapter.cli.mail import mail
from adapter.mail import SmtpMailer
from adapter.persistence import migrate
from adapter.settings import Settings
from tests.integration.mail.conftest import SmtpServer, free_port


def test_mail_test_sends_over_smtp(smtp_server: SmtpServer, tmp_path: Path) -> None:
    root = build_container(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, "cabinet@roe.test", security="none")
    result = CliRunner().invoke(mail, ["test", "--to", "ops@roe.test"],
                                obj={"container": root, "mailer": mailer})
    assert result.exit_code == 0, result.output
    assert "Лист надіслано на ops@roe.test" in result.output
    assert smtp_server.inbox.messages[0]["To"] == "ops@roe.test"


def test_mail_test_reports_an_unreachable_server(tmp_path: Path) -> None:
    root = build_container(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    mailer = SmtpMailer("127.0.0.1", free_port(), "cabinet@roe.test", security="none", timeout=2)
    result = CliRunner().invoke(mail, ["test", "--to", "ops@roe.test"],
                                obj={"container": root, "mailer": mailer})
    assert result.exit_code == 1 and "MAIL_UNAVAILABLE" in result.output


def test_mail_list_shows_the_stored_letters(tmp_path: Path) -> None:
    root = build_container(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    migrate.upgrade(root.engine)
    runner = CliRunner()
    sent = runner.invoke(mail, ["test", "--to", "a@roe.test"], obj={"container": root})
    assert sent.exit_code == 0, sent.output
    result = runner.invoke(mail, ["list"], obj={"container": root})
    assert result.exit_code == 0
    assert "a@roe.test" in result.output and "Листів: 1." in result.output
    root.engine.dispose()
