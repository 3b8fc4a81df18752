"""/dev/mail: the stored mailer's letters, for the embedded demo (only when configured)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template

from adapter.mail import stored_message, stored_messages
from web.views.common import cabinet

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")

_URL = re.compile(r"(https?://\S+)")


@bp.get("")
def inbox() -> str:
    """Every stored letter, newest first."""
    return render_template("devmail/list.html", messages=stored_messages(cabinet().uow))


@bp.get("/<int:message_id>")
def show(message_id: int) -> str:
    """One letter, its links clickable."""
    message = stored_message(cabinet().uow, message_id)
    if message is None:
        abort(404)
    # Split into (text, is_link) pieces so the template escapes text and links alike.
    pieces = [(part, bool(_URL.fullmatch(part))) for part in _URL.split(message.text) if part]
    return render_template("devmail/show.html", message=message, pieces=pieces)
