"""The consumer's whole month in a real browser, against the running system and sandbox peers.

Register, confirm the e-mail, log in, sign this month's readings in the browser with the
consumer's own key, watch them delivered to the supplier and billing, see the invoices and acts
they issue arrive, countersign the act, pay an invoice at the sandbox provider, see it paid. One
screenshot per step in ``test-artifacts/browser/test_consumer_month/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import RunningSystem, Shots, running_system
from tests.browser.flows import (
    DELIVERY_TIMEOUT,
    choose_key_files,
    fill_readings,
    log_in,
    register_and_confirm,
    sandbox_org,
    submit_baseline,
    wait_for,
)

pytestmark = pytest.mark.browser

ORG = sandbox_org(0, email="energetyk@dzherelo.example")


@pytest.fixture(scope="module")
def system(chromium: Browser, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[RunningSystem]:
    """A clean system (no demo readings) holding last month's readings as the baseline."""
    for running in running_system(tmp_path_factory, demo_readings=False):
        submit_baseline(running)
        yield running


def reload_until(page: Page, what: str, ready: str, count: int = 1,
                 timeout: float = DELIVERY_TIMEOUT) -> None:
    """Reload ``page`` until the CSS selector ``ready`` matches ``count`` elements (bounded)."""
    def probe() -> bool:
        page.reload()
        return page.locator(ready).count() >= count
    wait_for(what, probe, timeout=timeout, every=0.5)


def test_consumer_month(page: Page, system: RunningSystem, shots: Shots) -> None:
    page.goto(system.url("/"))
    expect(page.get_by_role("link", name="Реєстрація").first).to_be_visible()
    shots(page, "home")

    register_and_confirm(page, system, ORG, shots)

    log_in(page, system, ORG.contract)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG.name)
    expect(page.locator(".facts")).to_contain_text("12345678")
    for point in ("62Z000000000001B", "62Z0000000000029"):
        expect(page.get_by_role("cell", name=point)).to_be_visible()
    shots(page, "dashboard")

    _submit_signed_readings(page, system, shots)
    _see_delivered(page, shots)
    act_id, invoice_id = _see_documents_arrive(page, system, shots)
    _countersign(page, system, shots, act_id)
    _pay(page, system, shots, invoice_id)

    page.get_by_role("button", name="Вийти").click()
    nav = page.get_by_role("navigation", name="Основна навігація")
    expect(nav.get_by_role("link", name="Вхід")).to_be_visible()
    page.goto(system.url(f"/cabinet/documents/{invoice_id}"))
    expect(page).to_have_url(re.compile(r"/login\?next="))
    shots(page, "logged-out")


def _submit_signed_readings(page: Page, system: RunningSystem, shots: Shots) -> None:
    page.get_by_role("link", name="Подати показники").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Показники лічильників")
    fill_readings(page)
    expect(page.locator("output.volume").first).to_contain_text("Обсяг: 100")
    page.get_by_label("Я перевірив(ла) показники").check()
    choose_key_files(page, system)
    shots(page, "readings-filled-key-chosen")
    page.get_by_role("button", name="Підписати у браузері").click()
    expect(page).to_have_url(re.compile(r"/cabinet/readings/submissions/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Показники на")
    expect(page.locator("#timeline")).to_contain_text("Підписано КЕП споживача")
    shots(page, "readings-signed-and-sent")


def _see_delivered(page: Page, shots: Shots) -> None:
    reload_until(page, "readings delivered to the supplier and to billing",
                 "#deliveries td[data-status='delivered']", count=2)
    rows = page.locator("#deliveries tbody tr")
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index)).to_contain_text("Доставлено")
        expect(rows.nth(index)).to_contain_text("Прийнято")
    expect(page.locator("#deliveries")).to_contain_text("постачальник 62X0000000000020")
    expect(page.locator("#deliveries")).to_contain_text("білінг")
    expect(page.locator("#submission-status")).to_have_text("Доставлено")
    shots(page, "readings-delivered")


def _see_documents_arrive(page: Page, system: RunningSystem, shots: Shots) -> tuple[int, int]:
    page.goto(system.url("/cabinet/documents"))
    # The supplier issues an invoice and an act; billing a distribution invoice and act and a
    # reactive energy invoice (the first meter has an R+ register).
    reload_until(page, "five documents from the peers", "#doc-table tbody tr:nth-child(5)")
    expect(page.locator("#doc-count")).to_contain_text("Знайдено документів: 5")
    table = page.locator("#doc-table")
    for label in ("Рахунок постачальника", "Акт приймання-передачі", "Рахунок за розподіл",
                  "Акт про розподіл", "Рахунок за реактивну енергію"):
        expect(table).to_contain_text(label)
    expect(table.locator(".badge", has_text="не оплачено")).to_have_count(3)
    expect(table.locator(".badge", has_text="чекає підпису")).to_have_count(1)
    shots(page, "invoices-and-acts-arrived")
    act = table.locator("tr[data-kind='AcceptanceAct']")
    invoice = table.locator("tr[data-kind='SupplierInvoice']")
    act_id = int(act.get_attribute("data-document-id") or 0)
    invoice_id = int(invoice.get_attribute("data-document-id") or 0)
    page.goto(system.url("/cabinet"))
    expect(page.locator("#dashboard-unpaid li")).to_have_count(3)
    expect(page.locator("#dashboard-awaiting li")).to_have_count(1)
    shots(page, "dashboard-with-documents")
    return act_id, invoice_id


def _countersign(page: Page, system: RunningSystem, shots: Shots, act_id: int) -> None:
    page.goto(system.url(f"/cabinet/documents/{act_id}"))
    expect(page.locator("#doc-state")).to_contain_text("чекає підпису")
    shots(page, "act")
    page.locator("#countersign-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Підписати акт")
    page.get_by_label("Погоджуюсь з актом").check()
    choose_key_files(page, system)
    shots(page, "act-countersign-form")
    sign_button = page.locator("#sign-in-browser")
    expect(sign_button).to_be_visible()
    sign_button.click()
    expect(page).to_have_url(re.compile(rf"/cabinet/documents/{act_id}\?signed=1$"))
    expect(page.locator("#countersign-done")).to_contain_text("Акт підписано")
    expect(page.locator("#doc-state")).to_contain_text("підписано (погоджено")
    expect(page.locator("#cs-decision")).to_have_text("погоджено")
    shots(page, "act-countersigned")
    reload_until(page, "the countersignature delivered to the supplier",
                 "#cs-delivery[data-status='delivered']")
    expect(page.locator("#cs-delivery")).to_contain_text(re.compile("доставлено", re.I))
    expect(page.locator("#cs-timeline li").last).to_contain_text("доставлено (A01)")
    shots(page, "countersignature-delivered")


def _pay(page: Page, system: RunningSystem, shots: Shots, invoice_id: int) -> None:
    page.goto(system.url(f"/cabinet/documents/{invoice_id}"))
    expect(page.locator("#doc-state")).to_have_text("не оплачено")
    gross = (page.locator("#doc-gross").text_content() or "").strip()
    shots(page, "invoice")
    page.locator("#pay-button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Оплата рахунку")
    expect(page.locator("#checkout-summary")).to_contain_text(gross)
    shots(page, "checkout")
    page.get_by_role("button", name="Перейти до оплати").click()
    expect(page).to_have_url(system.url("/payments/sandbox"))
    expect(page.locator("#sandbox-amount")).to_contain_text(gross)
    shots(page, "sandbox-provider")
    page.get_by_role("button", name="Сплатити (успішно)").click()
    expect(page).to_have_url(re.compile(r"/payments/result\?order_id="))
    expect(page.locator("#payment-result")).to_have_attribute("data-status", "paid")
    expect(page.locator("#payment-result")).to_contain_text(f"Рахунок оплачено: {gross} грн")
    shots(page, "payment-result")
    page.locator("#payment-document").click()
    expect(page.locator("#doc-state")).to_have_text("оплачено")
    expect(page.locator("#pay-button")).to_have_count(0)
    shots(page, "invoice-paid")
    page.goto(system.url("/cabinet/documents?status=paid"))
    expect(page.locator(f"#doc-status-{invoice_id}")).to_contain_text("оплачено")
    expect(page.locator("#doc-table tbody tr")).to_have_count(1)
    shots(page, "paid-invoices")
