"""``adapter operator``: operator accounts of the console (/ops) and API tokens of contracts."""

from __future__ import annotations

import secrets

import click

from adapter.cli.context import container, reported_errors
from adapter.services.ops_accounts import OpsAccess, create_operator
from adapter.services.ops_api import issue_api_token


def _access() -> OpsAccess:
    root = container()
    return OpsAccess(root.uow, root.clock)


@click.group()
def operator() -> None:
    """Оператори консолі /ops і API-токени договорів."""


@operator.command("create")
@click.option("--login", "login", required=True, help="Логін оператора (латиниця, цифри, . _ -).")
@click.option("--ask-password", is_flag=True,
              help="Ввести пароль двічі замість згенерованого одноразового.")
def create_command(login: str, ask_password: bool) -> None:
    """Створити оператора; друкує згенерований пароль (показується лише раз)."""
    if ask_password:
        password = click.prompt("Пароль", hide_input=True, confirmation_prompt="Ще раз")
    else:
        password = secrets.token_urlsafe(15)
    with reported_errors():
        operator_id = create_operator(_access(), login, password)
    click.echo(f"Оператора «{login}» створено (№ {operator_id}). Вхід: /ops/login.")
    if not ask_password:
        click.echo(f"Пароль (показується лише зараз, збережіть його): {password}")


@operator.command("api-token")
@click.option("--contract", required=True, help="Номер договору споживача (27XXXXXXX).")
@click.option("--label", default="", help="Для чого токен (наприклад, назва системи споживача).")
def api_token_command(contract: str, label: str) -> None:
    """Видати API-токен договору для POST /api/readings (показується лише раз)."""
    with reported_errors():
        token = issue_api_token(_access(), contract, label=label, by="cli")
    click.echo(f"Токен для договору {contract} (показується лише зараз):")
    click.echo(token)
    click.echo("Надсилайте його в заголовку: Authorization: Bearer <токен>.")
