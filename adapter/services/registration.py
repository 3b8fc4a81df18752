"""Registration by the seed's seven steps, checked against the DSO's consumer registry.

Each field is checked on its own first (format, check character, password strength), and every
wrong field gets its own code and message. Only a well-formed form is compared with the registry;
a mismatch then gets one message for contract, name and EIC together (``REG_REGISTRY_MISMATCH``):
saying which of the three is wrong would let anyone probe which contracts exist and which metering
points are whose. ``REG_ALREADY_REGISTERED`` is told only after the registry matched, i.e. to
someone who already knows the contract, its name and one of its EICs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select

from adapter.domain.identifiers import (
    EIC_METERING_POINT,
    is_valid_contract_number,
    is_valid_eic,
    normalise_org_name,
)
from adapter.domain.registry import Consumer
from adapter.mail import texts
from adapter.persistence.cabinet_models import OrganisationRecord, UserRecord
from adapter.persistence.uow import UnitOfWork
from adapter.services.accounts import (
    CabinetContext,
    FieldProblem,
    FormInvalid,
    check_new_password,
    check_rate,
    clean_email,
    is_valid_email,
    issue_token,
    password_problem,
    problem,
    send_mail,
    use_token,
)
from adapter.services.audit import audit
from adapter.services.registry import find_consumer_by_contract, metering_point_belongs_to

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_SPACES = re.compile(r"\s+")


class RegistryLookup(Protocol):
    """The one question registration asks the registry."""

    def consumer_for(self, contract: str, eic: str) -> Consumer | None:
        """The consumer of ``contract`` if metering point ``eic`` is one of its points."""
        ...


@dataclass(frozen=True)
class DbRegistryLookup:
    """:class:`RegistryLookup` over our copy of billing's registry (``registry_*`` tables)."""

    uow: Callable[[], UnitOfWork]

    def consumer_for(self, contract: str, eic: str) -> Consumer | None:
        """See :class:`RegistryLookup`."""
        with self.uow() as unit:
            if not metering_point_belongs_to(unit, contract, eic):
                return None
            consumer = find_consumer_by_contract(unit, contract)
        # A terminated contract opens no new cabinet; like any mismatch it is not told apart.
        return consumer if consumer is not None and consumer.withdrawn_at is None else None


@dataclass(frozen=True)
class RegistrationForm:
    """The registration card as typed (field names are the form's input names)."""

    terms: bool
    contract: str
    name: str
    email: str
    eic: str
    password: str
    password2: str


@dataclass(frozen=True)
class RegistrationOutcome:
    """What to tell the user: where the letter went and whether it left."""

    email: str
    mail_sent: bool


def validate(form: RegistrationForm) -> dict[str, FieldProblem]:
    """Every problem of the form's fields by themselves (no registry yet)."""
    problems: dict[str, FieldProblem] = {}
    if not form.terms:
        problems["terms"] = FieldProblem("REG_TERMS_NOT_ACCEPTED",
                                         "Ознайомтесь з «Умовами використання» та погодьтесь з "
                                         "ними.")
    if not is_valid_contract_number(form.contract.strip()):
        problems["contract"] = FieldProblem("REG_CONTRACT_FORMAT",
                                            "Номер договору — 9 цифр, що починаються з 27, "
                                            "наприклад 270000001.")
    name_problem = _name_problem(form.name)
    if name_problem:
        problems["name"] = name_problem
    if not is_valid_email(clean_email(form.email)):
        problems["email"] = FieldProblem("REG_EMAIL_FORMAT", "Вкажіть активну адресу "
                                         "електронної пошти, наприклад buh@dzherelo.ua.")
    eic_problem = _eic_problem(form.eic)
    if eic_problem:
        problems["eic"] = eic_problem
    weak = password_problem(form.password, avoid=(form.contract.strip(),
                                                  clean_email(form.email).split("@")[0]))
    if weak:
        problems["password"] = FieldProblem("REG_PASSWORD_WEAK", weak)
    elif form.password != form.password2:
        problems["password2"] = FieldProblem("REG_PASSWORD_MISMATCH",
                                             "Паролі не збігаються: повторіть той самий пароль.")
    return problems


def _name_problem(raw: str) -> FieldProblem | None:
    name = _SPACES.sub(" ", raw).strip()
    if not name:
        return FieldProblem("REG_NAME_REQUIRED", "Вкажіть назву організації, наприклад: "
                            "ТОВ Джерело.")
    if normalise_org_name(name) != name:
        return FieldProblem("REG_NAME_FORMAT", "Вкажіть назву без лапок, крапок і ком, "
                            f"наприклад: {normalise_org_name(name) or 'ТОВ Джерело'}.")
    if len(name) > 200:
        return FieldProblem("REG_NAME_FORMAT", "Назва задовга (не більше 200 символів).")
    return None


def _eic_problem(raw: str) -> FieldProblem | None:
    eic = raw.strip().upper()
    if _CYRILLIC.search(eic):
        return FieldProblem("REG_EIC_FORMAT", "ЕІС-код містить кириличні літери: вводьте "
                            "латинські (62Z…), зверніть увагу на літеру в коді.")
    if not re.fullmatch(r"[0-9A-Z\-]{16}", eic) or not eic.startswith("62Z"):
        return FieldProblem("REG_EIC_FORMAT", "ЕІС-код точки обліку — 16 символів, що "
                            "починаються з 62Z, наприклад 62Z000000000001B.")
    if not is_valid_eic(eic, object_type=EIC_METERING_POINT):
        return FieldProblem("REG_EIC_CHECKSUM", "ЕІС-код з помилкою: не збігається контрольний "
                            "символ. Перепишіть код з рахунку ще раз.")
    return None


def register(ctx: CabinetContext, form: RegistrationForm, *, ip: str) -> RegistrationOutcome:
    """Create a pending account matched to the registry and mail its confirmation link."""
    problems = validate(form)
    now = ctx.clock()
    with ctx.uow() as unit:
        check_rate(unit.session, ctx, "registration_failed",
                   ctx.config.rate_limits.register_per_ip, ip=ip)
    if problems:
        raise FormInvalid(problems)
    contract, eic = form.contract.strip(), form.eic.strip().upper()
    # Asked outside our transaction: on SQLite a second connection would wait for our lock.
    consumer = ctx.registry.consumer_for(contract, eic)
    password_hash = ctx.hasher.hash(form.password)  # slow: before the write transaction
    with ctx.uow() as unit:
        if consumer is None or not _same_name(consumer.name, form.name):
            audit(unit, "registration_failed", at=now, ip=ip, login=contract)
            unit.commit()
            raise _mismatch()
        email = clean_email(form.email)
        user = _pending_owner(ctx, unit, consumer, email, password_hash)
        token = issue_token(unit.session, "confirm", now=now, ttl=ctx.config.confirm_ttl,
                            user_id=user.id, organisation_id=user.organisation_id, email=email)
        audit(unit, "registration", at=now, ip=ip, login=contract, user_id=user.id,
              organisation_id=user.organisation_id)
        unit.commit()
    hours = int(ctx.config.confirm_ttl.total_seconds() // 3600)
    sent = send_mail(ctx, texts.confirmation(email, organisation=consumer.name, contract=contract,
                                             link=ctx.links("confirm", token), hours=hours),
                     ip=ip, login=contract)
    return RegistrationOutcome(email, sent)


def _same_name(registry_name: str, typed: str) -> bool:
    return normalise_org_name(registry_name).casefold() == normalise_org_name(typed).casefold()


def _mismatch() -> FormInvalid:
    message = ("Номер договору, назва організації та ЕІС-код не відповідають даним ОСР. "
               "Перевірте їх за договором і рахунком.")
    mismatch = FieldProblem("REG_REGISTRY_MISMATCH", message)
    return FormInvalid({"": mismatch, "contract": mismatch, "name": mismatch, "eic": mismatch})


def _pending_owner(ctx: CabinetContext, unit: UnitOfWork, consumer: Consumer, email: str,
                   password_hash: str) -> UserRecord:
    """The owner row for this contract: new, or a still-unconfirmed one taken over.

    Re-registering an unconfirmed contract replaces its e-mail and password (a mistyped address
    must not lock the contract out); the registry check has passed again by now.
    """
    session, now = unit.session, ctx.clock()
    org = session.scalar(select(OrganisationRecord).where(
        OrganisationRecord.contract_number == consumer.contract_number))
    if org is None:
        org = OrganisationRecord(contract_number=consumer.contract_number,
                                 edrpou=consumer.edrpou, name=consumer.name, created_at=now)
        session.add(org)
        session.flush()
    owner = session.scalar(select(UserRecord).where(UserRecord.organisation_id == org.id,
                                                    UserRecord.role == "owner"))
    if owner is not None and owner.status == "active":
        raise problem("contract", "REG_ALREADY_REGISTERED", "Для цього договору кабінет уже "
                      "зареєстровано. Увійдіть або скористайтесь «Забули пароль?».", status=409)
    taken = session.scalar(select(UserRecord).where(UserRecord.email == email))
    if taken is not None and taken is not owner:
        raise problem("email", "REG_EMAIL_TAKEN", "Ця адреса вже використовується іншим "
                      "обліковим записом.", status=409)
    if owner is None:
        owner = UserRecord(organisation_id=org.id, role="owner", created_at=now, email=email,
                           status="pending", password_hash="")
        session.add(owner)
    owner.email, owner.password_hash = email, password_hash
    org.name, org.edrpou = consumer.name, consumer.edrpou
    session.flush()
    return owner


def confirm_registration(ctx: CabinetContext, token: str, *, ip: str) -> str:
    """Activate the account from its confirmation link; returns the contract number."""
    now = ctx.clock()
    with ctx.uow() as unit:
        record = use_token(unit.session, token, "confirm", now=now)
        user = unit.session.get(UserRecord, record.user_id)
        assert user is not None  # foreign key
        user.status, user.confirmed_at = "active", now
        audit(unit, "account_confirmed", at=now, ip=ip, user_id=user.id,
              organisation_id=user.organisation_id, login=user.organisation.contract_number)
        unit.commit()
        return user.organisation.contract_number


__all__ = [
    "DbRegistryLookup",
    "RegistrationForm",
    "RegistrationOutcome",
    "RegistryLookup",
    "check_new_password",
    "confirm_registration",
    "register",
    "validate",
]
