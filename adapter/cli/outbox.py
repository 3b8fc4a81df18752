"""``adapter outbox``: see what we send, inspect a message, replay dead letters."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from adapter.cli.context import container, reported_errors
from adapter.delivery.deadletters import (
    MessageDetail,
    MessageView,
    count_by_status,
    dead_ids,
    list_messages,
    replay,
    show_message,
    skip,
)
from adapter.delivery.outbox import STATUSES
from adapter.services.jsonable import to_jsonable

STATUS_LABELS = {
    "waiting": "чекає",
    "pending": "очікує",
    "in_flight": "доставляється",
    "delivered": "доставлено",
    "dead": "мертве",
    "skipped": "пропущено",
}


@click.group()
def outbox() -> None:
    """Вихідні повідомлення: черга, історія доставки, мертві листи."""


@outbox.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Лише в цьому стані.")
@click.option("--destination", default=None, help="Лише для цього адресата.")
@click.option("--limit", default=100, show_default=True, help="Скільки останніх повідомлень.")
@click.option("--json", "as_json", is_flag=True, help="Вивести JSON (для скриптів).")
def list_command(status: str | None, destination: str | None, limit: int,
                 as_json: bool) -> None:
    """Повідомлення в черзі, найновіші спершу."""
    with reported_errors():
        with container().session_factory() as session:
            rows = list_messages(session, status=status, destination=destination, limit=limit)
            counts = count_by_status(session)
    if as_json:
        click.echo(json.dumps(to_jsonable(rows), ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(_line(row))
    summary = ", ".join(f"{STATUS_LABELS[s]}: {counts[s]}" for s in STATUSES if counts.get(s))
    click.echo(f"Показано: {len(rows)}. Усього в черзі: {summary or 'порожньо'}.")


def _line(row: MessageView) -> str:
    line = (f"{row.id:>6}  {STATUS_LABELS.get(row.status, row.status):<13} "
            f"{row.destination:<28} {row.kind:<20} {row.idempotency_key}  спроб: {row.attempts}")
    if row.blocked_by is not None:
        line += f"  чекає на #{row.blocked_by}"
    if row.status != "delivered" and row.last_error_code:
        line += f"  [{row.last_error_code}] {row.last_error_message or ''}"
    return line


@outbox.command("show")
@click.argument("message_id", type=int)
@click.option("--payload", is_flag=True, help="Показати також вміст повідомлення.")
@click.option("--json", "as_json", is_flag=True, help="Вивести JSON (для скриптів).")
def show_command(message_id: int, payload: bool, as_json: bool) -> None:
    """Повідомлення, його історія доставки та остання помилка."""
    with reported_errors():
        with container().session_factory() as session:
            detail = show_message(session, message_id)
    if as_json:
        data = to_jsonable({"message": detail.message, "timeline": detail.timeline})
        if payload:
            data["payload"] = detail.payload.decode("utf-8", errors="replace")
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_detail(detail, payload)


def _print_detail(detail: MessageDetail, payload: bool) -> None:
    m = detail.message
    click.echo(f"Повідомлення #{m.id}: {m.kind} -> {m.destination}")
    click.echo(f"  ключ ідемпотентності: {m.idempotency_key}")
    click.echo(f"  стан: {STATUS_LABELS.get(m.status, m.status)}; спроб у поточному вікні: "
               f"{m.attempts}; наступна спроба: {m.next_attempt_at:%Y-%m-%d %H:%M:%S}Z")
    if m.ordering_key:
        click.echo(f"  порядок: {m.ordering_key}"
                   + (f" (чекає на #{m.blocked_by})" if m.blocked_by else ""))
    if m.last_error_code:
        click.echo(f"  остання помилка: {m.last_error_code}: {m.last_error_message or ''}")
    if m.ack_code:
        click.echo(f"  квитанція: {m.ack_code} о {m.delivered_at:%Y-%m-%d %H:%M:%S}Z")
    click.echo("Історія:")
    for entry in detail.timeline:
        who = f" [{entry.worker_id}]" if entry.worker_id else ""
        number = f" #{entry.attempt}" if entry.attempt else ""
        click.echo(f"  {entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.event}{number}{who}  {entry.detail}")
    if payload:
        click.echo(detail.payload.decode("utf-8", errors="replace"))


@outbox.command("replay")
@click.argument("message_ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Повторити всі мертві повідомлення.")
def replay_command(message_ids: Sequence[int], all_dead: bool) -> None:
    """Повернути мертві (або пропущені) повідомлення в чергу; ідентичність не змінюється."""
    if not message_ids and not all_dead:
        raise click.UsageError("Вкажіть ID повідомлень або --all-dead.")
    c = container()
    with reported_errors():
        with c.session_factory() as session, session.begin():
            ids = list(message_ids) or list(dead_ids(session))
            now = c.clock()
            with click.progressbar(ids, label="Повторення", show_pos=True) as bar:
                for message_id in bar:
                    replay(session, message_id, now=now)
    click.echo(f"Повернуто в чергу: {len(ids)}.")


@outbox.command("skip")
@click.argument("message_id", type=int)
@click.option("--reason", required=True, help="Чому від повідомлення відмовляємося.")
def skip_command(message_id: int, reason: str) -> None:
    """Відмовитися від мертвого повідомлення, щоб наступні з тим самим порядком пішли далі."""
    c = container()
    with reported_errors():
        with c.session_factory() as session, session.begin():
            skip(session, message_id, now=c.clock(), reason=reason)
    click.echo(f"Повідомлення #{message_id} пропущено.")
