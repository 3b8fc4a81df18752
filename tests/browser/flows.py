"""What a person does in the cabinet, step by step, shared by the journey and the rules tests.

Everything here goes through the browser except two things a person does elsewhere: reading
their mailbox (the stored mailer's table) and last month's readings, which the consumer sent
before this test began (the sandbox peers invoice only a volume, i.e. a second reading).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
)
from adapter.mail import stored_messages
from adapter.mappers import write_document
from adapter.sandbox.registry_data import DEMO_CONSUMERS
from adapter.services.readings import submit_readings
from adapter.services.registry import find_consumer_by_contract
from adapter.signing import load_signing_key, sign
from tests.browser.conftest import RunningSystem, off_loop

T = TypeVar("T")
#: How long the worker, the peers and their pushes get (they take about a second here).
DELIVERY_TIMEOUT = 30.0
BASELINE = 5_000
PASSWORD = "Ясна-Зоря-2026!"


@dataclass(frozen=True)
class Org:
    """A registry consumer as the registration card asks for it."""

    contract: str
    name: str
    eic: str
    email: str


def sandbox_org(index: int = 0, *, email: str | None = None) -> Org:
    """The ``index``-th demo consumer (0: the sandbox consumer 270000001, ТОВ Джерело)."""
    consumer = DEMO_CONSUMERS[index]
    return Org(consumer.contract_number, consumer.name, consumer.metering_points[0].eic,
               email or f"owner-{consumer.contract_number}@example.com")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = DELIVERY_TIMEOUT,
             every: float = 0.25) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(every)


def confirmation_link(system: RunningSystem, email: str) -> str:
    """The link of the newest letter to ``email`` (the stored mailer is the mailbox)."""
    def newest() -> str | None:
        for letter in stored_messages(system.container.uow):
            if letter.recipient == email:
                found = re.search(re.escape(system.base) + r"/confirm/\S+", letter.text)
                return found.group(0) if found else None
        return None
    return wait_for(f"a confirmation letter to {email}", newest, timeout=5)


def fill_registration(page: Page, system: RunningSystem, org: Org, password: str = PASSWORD,
                      password2: str | None = None) -> None:
    """Open /register and fill the card (not submitted)."""
    page.goto(system.url("/register"))
    page.get_by_label("Я ознайомився(-лась)").check()
    page.get_by_label("2. Номер договору").fill(org.contract)
    page.get_by_label("3. Назва організації").fill(org.name)
    page.get_by_label("4. Активна адреса електронної пошти").fill(org.email)
    page.get_by_label("5. ЕІС-код точки обліку").fill(org.eic)
    page.locator("#password").fill(password)
    page.locator("#password2").fill(password if password2 is None else password2)


def register_and_confirm(page: Page, system: RunningSystem, org: Org,
                         shot: Callable[[Page, str], object] | None = None) -> None:
    """Register ``org``, follow the letter's link and confirm (screenshots when ``shot``)."""
    snap = shot or (lambda _page, _step: None)
    fill_registration(page, system, org)
    snap(page, "registration-card-filled")
    page.get_by_role("button", name="Зареєструватись").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Реєстрацію прийнято")
    expect(page.get_by_role("status")).to_contain_text(org.email)
    snap(page, "registration-accepted")
    page.goto(confirmation_link(system, org.email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Підтвердження реєстрації")
    snap(page, "confirmation-link-opened")
    page.get_by_role("button", name="Підтвердити реєстрацію").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Реєстрацію підтверджено")
    expect(page.get_by_role("status")).to_contain_text(f"номер договору {org.contract}")
    snap(page, "registration-confirmed")


def log_in(page: Page, system: RunningSystem, login: str, password: str = PASSWORD) -> None:
    """Log in through the form and land on the dashboard."""
    page.goto(system.url("/login"))
    page.get_by_label("Логін (номер договору) або e-mail").fill(login)
    page.get_by_label("Пароль", exact=True).fill(password)
    page.get_by_role("button", name="Увійти").click()
    expect(page).to_have_url(system.url("/cabinet"))


def submit_baseline(system: RunningSystem, contract: str = "270000001",
                    value: int = BASELINE) -> None:
    """Last month's readings, signed with the consumer's key: the baseline this month's use."""
    container = system.container
    with container.uow() as unit:
        consumer = find_consumer_by_contract(unit, contract)
    assert consumer is not None, f"{contract} is not in the synced registry"
    today = container.clock().astimezone(ZoneInfo(container.settings.readings.timezone)).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    points = tuple(
        MeteringPointReadings(point.eic, meter.serial, tuple(
            Reading(counter.register, counter.zone, value) for counter in meter.registers))
        for point in consumer.metering_points for meter in point.meters)
    dso = container.settings.dso_eic
    header = DocumentHeader(f"BASE-{uuid.uuid4()}", 1, DocumentKind.METER_READINGS, dso, dso,
                            container.clock().replace(microsecond=0))
    document = MeterReadingsDocument(header, contract, consumer.edrpou, last_month, points)
    key = load_signing_key((system.pki / "consumer.key.pem").read_bytes(),
                           (system.pki / "consumer.cert.pem").read_bytes())
    signed = sign(write_document(document), key=key)
    outcome = off_loop(lambda: submit_readings(container.readings, signed, channel="file"))
    assert outcome.accepted, outcome.message


def fill_readings(page: Page, step: int = 100) -> dict[str, int]:
    """Type into every counter its previous reading plus ``step`` (x its position: distinct)."""
    typed: dict[str, int] = {}
    inputs = page.locator("input[data-reading]")
    for index in range(inputs.count()):
        field = inputs.nth(index)
        previous = field.get_attribute("data-previous") or "0"
        value = int(previous) + step * (index + 1)
        field.fill(str(value))
        typed[field.get_attribute("id") or ""] = value
    return typed


def choose_key_files(page: Page, system: RunningSystem) -> None:
    """Pick the consumer's key and certificate in the page's file inputs (the person's disk)."""
    page.locator("#kep-key").set_input_files(str(system.pki / "consumer.key.pem"))
    page.locator("#kep-cert").set_input_files(str(system.pki / "consumer.cert.pem"))

