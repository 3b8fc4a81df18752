"""Public pages: what the cabinet does, how to register, instructions, terms, KEP, feedback."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from adapter.services.accounts import FormInvalid
from adapter.services.feedback import FeedbackForm, submit_feedback
from web.views.common import cabinet, client_ip, current_user, form_value, render_form

bp = Blueprint("public", __name__)

FEEDBACK_FIELDS = ("name", "email", "contract", "subject", "message")


@bp.get("/")
def index() -> str:
    """What the cabinet does (the seed's greeting)."""
    return render_template("public/index.html")


@bp.get("/how-to-register")
def how_to_register() -> str:
    """The seed's seven registration steps."""
    return render_template("public/how_to_register.html")


@bp.get("/instructions")
def instructions() -> str:
    """How to use the cabinet."""
    return render_template("public/instructions.html")


@bp.get("/terms")
def terms() -> str:
    """Terms of use (accepting them is step 1 of registration)."""
    return render_template("public/terms.html")


@bp.get("/kep")
def kep() -> str:
    """How to get a qualified electronic signature."""
    return render_template("public/kep.html")


@bp.route("/feedback", methods=["GET", "POST"])
def feedback() -> Response | str:
    """The feedback form: stored, then mailed to the DSO."""
    user = current_user()
    if request.method != "POST":
        prefill = {"email": user.email, "contract": user.contract_number} if user else {}
        return render_form("public/feedback.html", values=prefill)
    form = FeedbackForm(**{name: form_value(name) for name in FEEDBACK_FIELDS})
    try:
        number = submit_feedback(cabinet(), form, ip=client_ip(),
                                 user_id=user.user_id if user else None)
    except FormInvalid as error:
        return render_form("public/feedback.html", error, vars(form))
    return render_template("message.html", title="Звернення надіслано",
                           text=f"Дякуємо! Ваше звернення №{number} отримано. Відповідь надійде "
                                "на вказану адресу електронної пошти.")

