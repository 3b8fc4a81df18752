"""Colleagues: the organisation's users, invitations by the owner and accepting them.

Same conventions as :mod:`adapter.services.accounts`: one use case per function, a
:class:`FormInvalid` with a stable code per field, mail after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from adapter.mail import texts
from adapter.persistence.cabinet_models import OrganisationRecord, UserRecord
from adapter.services.accounts import email_taken, send_mail
from adapter.services.audit import audit
from adapter.services.cabinet_context import CabinetContext, problem
from adapter.services.credentials import (
    CurrentUser,
    check_new_password,
    clean_email,
    is_valid_email,
    issue_token,
    peek_token,
    use_token,
)


@dataclass(frozen=True)
class Member:
    """A user of the organisation, as the team page lists them."""

    email: str
    role: str
    status: str
    created_at: datetime


def organisation_members(ctx: CabinetContext, user: CurrentUser) -> list[Member]:
    """The users of the current user's organisation (and of no other)."""
    with ctx.uow() as unit:
        rows = unit.session.scalars(select(UserRecord).where(
            UserRecord.organisation_id == user.organisation_id).order_by(UserRecord.id))
        return [Member(r.email, r.role, r.status, r.created_at) for r in rows]


def invite(ctx: CabinetContext, user: CurrentUser, raw_email: str, *, ip: str) -> None:
    """The owner invites a colleague of the same organisation by e-mail."""
    if not user.is_owner:
        raise problem("", "ACC_NOT_OWNER", "Запрошувати колег може лише власник облікового "
                      "запису організації.", status=403)
    email = clean_email(raw_email)
    if not is_valid_email(email):
        raise problem("email", "ACC_EMAIL_FORMAT", "Вкажіть адресу електронної пошти колеги.")
    now = ctx.clock()
    with ctx.uow() as unit:
        if email_taken(unit.session, email):
            raise problem("email", "ACC_EMAIL_TAKEN", "Ця адреса вже має обліковий запис.")
        token = issue_token(unit.session, "invite", now=now, ttl=ctx.config.invite_ttl,
                            organisation_id=user.organisation_id, email=email)
        audit(unit, "invitation_sent", at=now, ip=ip, user_id=user.user_id,
              organisation_id=user.organisation_id, login=user.email, detail={"to": email})
        unit.commit()
    hours = int(ctx.config.invite_ttl.total_seconds() // 3600)
    send_mail(ctx, texts.invitation(email, organisation=user.organisation_name,
                                    contract=user.contract_number, inviter=user.email,
                                    link=ctx.links("invite", token), hours=hours),
              ip=ip, login=user.email)


def accept_invitation(ctx: CabinetContext, token: str, password: str, repeat: str, *,
                      ip: str) -> str:
    """The colleague sets a password; the account is active at once. Returns their e-mail."""
    now = ctx.clock()
    with ctx.uow() as unit:
        record = peek_token(unit.session, token, "invite", now=now)
        org = unit.session.get(OrganisationRecord, record.organisation_id)
        assert org is not None
        check_new_password(password, repeat, avoid=(org.contract_number,
                                                    record.email.split("@")[0]), prefix="ACC")
        use_token(unit.session, token, "invite", now=now)
        if email_taken(unit.session, record.email):
            raise problem("", "ACC_EMAIL_TAKEN", "Ця адреса вже має обліковий запис.", status=409)
        user = UserRecord(organisation_id=org.id, email=record.email, role="member",
                          status="active", password_hash=ctx.hasher.hash(password),
                          created_at=now, confirmed_at=now)
        unit.session.add(user)
        unit.session.flush()
        audit(unit, "invitation_accepted", at=now, ip=ip, user_id=user.id,
              organisation_id=org.id, login=record.email)
        unit.commit()
        return record.email
