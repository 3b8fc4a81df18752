"""The public feedback form: stored first, then e-mailed to the DSO's address."""

from __future__ import annotations

from dataclasses import dataclass

from adapter.domain.identifiers import is_valid_contract_number
from adapter.mail import texts
from adapter.persistence.cabinet_models import FeedbackRecord
from adapter.services.accounts import (
    CabinetContext,
    FieldProblem,
    FormInvalid,
    check_rate,
    clean_email,
    is_valid_email,
    send_mail,
)
from adapter.services.audit import audit

MESSAGE_MAX = 5000


@dataclass(frozen=True)
class FeedbackForm:
    """The feedback form as typed; ``contract`` is optional."""

    name: str
    email: str
    contract: str
    subject: str
    message: str


def validate_feedback(form: FeedbackForm) -> dict[str, FieldProblem]:
    """Every problem of the form, by field."""
    problems: dict[str, FieldProblem] = {}
    if not form.name.strip() or len(form.name) > 200:
        problems["name"] = FieldProblem("FB_NAME_REQUIRED", "Вкажіть, як до Вас звертатися.")
    if not is_valid_email(clean_email(form.email)):
        problems["email"] = FieldProblem("FB_EMAIL_FORMAT", "Вкажіть адресу електронної пошти "
                                         "для відповіді.")
    if form.contract.strip() and not is_valid_contract_number(form.contract.strip()):
        problems["contract"] = FieldProblem("FB_CONTRACT_FORMAT", "Номер договору — 9 цифр, "
                                            "що починаються з 27 (або залиште поле порожнім).")
    if not form.subject.strip() or len(form.subject) > 200:
        problems["subject"] = FieldProblem("FB_SUBJECT_REQUIRED", "Вкажіть тему звернення "
                                           "(до 200 символів).")
    if not form.message.strip() or len(form.message) > MESSAGE_MAX:
        problems["message"] = FieldProblem("FB_MESSAGE_REQUIRED", "Опишіть питання (до "
                                           f"{MESSAGE_MAX} символів).")
    return problems


def submit_feedback(ctx: CabinetContext, form: FeedbackForm, *, ip: str,
                    user_id: int | None = None) -> int:
    """Store the message, then mail it to the DSO; returns its number."""
    problems = validate_feedback(form)
    now = ctx.clock()
    with ctx.uow() as unit:
        check_rate(unit.session, ctx, "feedback", ctx.config.rate_limits.feedback_per_ip, ip=ip)
        if problems:
            raise FormInvalid(problems)
        record = FeedbackRecord(name=form.name.strip(), email=clean_email(form.email),
                                contract_number=form.contract.strip(),
                                subject=form.subject.strip(), message=form.message.strip(),
                                created_at=now, ip=ip[:45], user_id=user_id)
        unit.session.add(record)
        unit.session.flush()
        audit(unit, "feedback", at=now, ip=ip, user_id=user_id, login=record.email,
              detail={"feedback_id": record.id})
        unit.commit()
        feedback_id, sender = record.id, record.email
        message = texts.feedback(ctx.config.dso_feedback_email, name=record.name,
                                 email=record.email, contract=record.contract_number,
                                 subject=record.subject, message=record.message,
                                 feedback_id=feedback_id)
    if send_mail(ctx, message, ip=ip, login=sender):
        with ctx.uow() as unit:
            stored = unit.session.get(FeedbackRecord, feedback_id)
            if stored is not None:
                stored.mailed = True
                unit.commit()
    return feedback_id


__all__ = ["FeedbackForm", "submit_feedback", "validate_feedback"]
