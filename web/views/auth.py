"""Registration, confirmation, log in/out, forgotten password, accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from adapter.services import accounts, colleagues
from adapter.services.accounts import FormInvalid
from adapter.services.registration import RegistrationForm, confirm_registration, register
from web.views.common import (
    SESSION_KEY,
    cabinet,
    client_ip,
    current_user,
    form_value,
    login_required,
    render_form,
    safe_next,
)

bp = Blueprint("auth", __name__)

REGISTRATION_FIELDS = ("contract", "name", "email", "eic")


@bp.route("/register", methods=["GET", "POST"])
def register_view() -> Response | str:
    """The registration card (seed steps 1-7)."""
    if request.method != "POST":
        return render_form("auth/register.html")
    form = RegistrationForm(terms=request.form.get("terms") == "on",
                            password=form_value("password"), password2=form_value("password2"),
                            **{name: form_value(name) for name in REGISTRATION_FIELDS})
    values = {name: getattr(form, name) for name in REGISTRATION_FIELDS}
    try:
        outcome = register(cabinet(), form, ip=client_ip())
    except FormInvalid as error:
        return render_form("auth/register.html", error, values, terms=form.terms)
    return render_template("auth/registered.html", email=outcome.email,
                           mail_sent=outcome.mail_sent)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Response | str:
    """A GET shows a button; only the POST uses the link (mail scanners prefetch GETs)."""
    try:
        if request.method != "POST":
            accounts.check_token(cabinet(), token, "confirm")
            return render_form("auth/confirm.html", title="Підтвердження реєстрації",
                               button="Підтвердити реєстрацію")
        contract = confirm_registration(cabinet(), token, ip=client_ip())
    except FormInvalid as error:
        return render_form("message.html", error, title="Посилання не працює")
    return render_template("message.html", title="Реєстрацію підтверджено",
                           text=f"Обліковий запис активовано. Ваш логін — номер договору "
                                f"{contract}.", link=url_for("auth.login"), link_text="Увійти")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Log in with the contract number (or e-mail) and password."""
    target = safe_next(request.values.get("next"), url_for("dashboard.index"))
    if request.method != "POST":
        return render_form("auth/login.html", next=target)
    try:
        result = accounts.login(cabinet(), form_value("login"), form_value("password"),
                                ip=client_ip())
    except FormInvalid as error:
        return render_form("auth/login.html", error, {"login": form_value("login")}, next=target)
    session.clear()  # a fresh session (and CSRF secret) for the logged-in user
    session[SESSION_KEY] = result.session_token
    session.permanent = True
    return redirect(target)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out here, or everywhere with ``everywhere=1``."""
    user = current_user()
    assert user is not None
    accounts.logout(cabinet(), user, ip=client_ip(),
                    everywhere=request.form.get("everywhere") == "1")
    session.clear()
    return redirect(url_for("public.index"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot() -> Response | str:
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    if request.method != "POST":
        return render_form("auth/forgot.html")
    try:
        accounts.request_password_reset(cabinet(), form_value("login"), ip=client_ip())
    except FormInvalid as error:
        return render_form("auth/forgot.html", error, {"login": form_value("login")})
    return render_template("message.html", title="Перевірте пошту",
                           text="Якщо такий обліковий запис існує, ми надіслали на його адресу "
                                "лист з посиланням для відновлення пароля.")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response | str:
    """Set a new password from the link."""
    try:
        if request.method != "POST":
            accounts.check_token(cabinet(), token, "reset")
            return render_form("auth/new_password.html", title="Новий пароль")
        accounts.reset_password(cabinet(), token, form_value("password"),
                                form_value("password2"), ip=client_ip())
    except FormInvalid as error:
        if set(error.problems) & {"password", "password2"}:
            return render_form("auth/new_password.html", error, title="Новий пароль")
        return render_form("message.html", error, title="Посилання не працює")
    session.clear()
    return render_template("message.html", title="Пароль змінено",
                           text="Новий пароль збережено; усі попередні сеанси завершено.",
                           link=url_for("auth.login"), link_text="Увійти")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str) -> Response | str:
    """An invited colleague sets a password."""
    title = "Приєднатися до кабінету"
    try:
        if request.method != "POST":
            email = accounts.check_token(cabinet(), token, "invite")
            return render_form("auth/new_password.html", title=title, email=email)
        email = colleagues.accept_invitation(cabinet(), token, form_value("password"),
                                             form_value("password2"), ip=client_ip())
    except FormInvalid as error:
        if set(error.problems) & {"password", "password2"}:
            return render_form("auth/new_password.html", error, title=title)
        return render_form("message.html", error, title="Посилання не працює")
    return render_template("message.html", title="Обліковий запис створено",
                           text=f"Входьте з адресою {email} як логіном і своїм паролем.",
                           link=url_for("auth.login"), link_text="Увійти")
