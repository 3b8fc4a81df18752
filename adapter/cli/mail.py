"""``adapter mail``: send a test letter through the configured mailer, list the demo mailbox."""

from __future__ import annotations

import click

from adapter.bootstrap import Container
from adapter.cli.context import container, reported_errors
from adapter.mail import Mailer, Message, build_mailer, stored_messages
from adapter.services.accounts import cabinet_config_from_settings


def _root(click_ctx: click.Context) -> Container:
    """``obj["container"]`` when given (tests), else one configured from the environment."""
    obj = click_ctx.find_object(dict) or {}
    return obj.get("container") or container()


def _mailer(click_ctx: click.Context, root: Container) -> Mailer:
    obj = click_ctx.find_object(dict) or {}
    config = cabinet_config_from_settings(root.settings)
    return obj.get("mailer") or build_mailer(config.mail, uow=root.uow, clock=root.clock)


@click.group()
def mail() -> None:
    """Електронна пошта кабінету."""


@mail.command("test")
@click.option("--to", "to", required=True, help="Кому надіслати пробний лист.")
@click.pass_context
def test_command(click_ctx: click.Context, to: str) -> None:
    """Надіслати пробний лист через налаштований поштовий сервер."""
    with reported_errors():
        root = _root(click_ctx)
        _mailer(click_ctx, root).send(Message(
            to, "Пробний лист — Кабінет юридичного споживача",
            "Пошта кабінету налаштована правильно.\n",
            "<p>Пошта кабінету налаштована правильно.</p>"))
    click.echo(f"Лист надіслано на {to}.")


@mail.command("list")
@click.option("--limit", default=20, show_default=True, help="Скільки останніх листів.")
@click.pass_context
def list_command(click_ctx: click.Context, limit: int) -> None:
    """Показати листи, збережені демонстраційною поштою (ADAPTER_MAIL_BACKEND=stored)."""
    with reported_errors():
        messages = stored_messages(_root(click_ctx).uow, limit=limit)
    for message in messages:
        click.echo(f"{message.id:>5}  {message.created_at:%Y-%m-%d %H:%M}  {message.recipient}  "
                   f"{message.subject}")
    click.echo(f"Листів: {len(messages)}.")


__all__ = ["mail"]
