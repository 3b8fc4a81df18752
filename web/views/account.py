"""The user's own account: password, e-mail, colleagues, sessions."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from adapter.services import accounts, colleagues
from adapter.services.accounts import FormInvalid
from web.views.common import (
    cabinet,
    client_ip,
    current_user,
    form_value,
    login_required,
    render_form,
)

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(error: FormInvalid | None = None, form: str = "", **extra: object) -> Response:
    user = current_user()
    assert user is not None
    members = colleagues.organisation_members(cabinet(), user)
    return render_form("account/settings.html", error, {"email": form_value("email")}
                       if error else {}, user=user, members=members, failed_form=form, **extra)


@bp.get("")
@login_required
def settings() -> Response:
    """Account settings and the organisation's users."""
    return _page(notice=request.args.get("done", ""))


@bp.post("/password")
@login_required
def change_password() -> Response:
    """Change the password (other sessions end)."""
    user = current_user()
    assert user is not None
    try:
        accounts.change_password(cabinet(), user, form_value("current"), form_value("password"),
                                 form_value("password2"), ip=client_ip())
    except FormInvalid as error:
        return _page(error, "password")
    return redirect(url_for("account.settings", done="password"))


@bp.post("/email")
@login_required
def change_email() -> Response:
    """Ask for a new address (confirmed by a link sent there)."""
    user = current_user()
    assert user is not None
    try:
        accounts.request_email_change(cabinet(), user, form_value("email"),
                                      form_value("password"), ip=client_ip())
    except FormInvalid as error:
        return _page(error, "email")
    return redirect(url_for("account.settings", done="email"))


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Response | str:
    """Confirm the new address (works without being logged in: the link is the proof)."""
    try:
        if request.method != "POST":
            accounts.check_token(cabinet(), token, "email_change")
            return render_form("auth/confirm.html", title="Підтвердження нової адреси",
                               button="Підтвердити адресу")
        email = accounts.confirm_email_change(cabinet(), token, ip=client_ip())
    except FormInvalid as error:
        return render_form("message.html", error, title="Посилання не працює")
    return render_template("message.html", title="Адресу змінено",
                           text=f"Нова адреса облікового запису: {email}.")


@bp.post("/invite")
@login_required
def invite() -> Response:
    """The owner invites a colleague."""
    user = current_user()
    assert user is not None
    try:
        colleagues.invite(cabinet(), user, form_value("email"), ip=client_ip())
    except FormInvalid as error:
        return _page(error, "invite")
    return redirect(url_for("account.settings", done="invite"))
