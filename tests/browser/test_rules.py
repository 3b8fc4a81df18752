"""The cabinet's validation and security rules, checked in a real browser.

One running system (with the demo readings, so the sandbox consumer has invoices and acts
without typing anything); the sandbox consumer's owner and a second organisation register once
and each test opens its own context with their cookies.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from tests.browser.conftest import RunningSystem, Shots, new_context, running_system
from tests.browser.flows import (
    PASSWORD,
    Org,
    choose_key_files,
    fill_readings,
    fill_registration,
    log_in,
    register_and_confirm,
    sandbox_org,
    wait_for,
)

pytestmark = pytest.mark.browser

OWNER = sandbox_org(0)
OTHER = sandbox_org(1)
PHONE = {"width": 360, "height": 740}
PUBLIC_PAGES = ("/", "/register", "/login", "/forgot", "/how-to-register", "/instructions",
                "/terms", "/kep", "/feedback")
CABINET_PAGES = ("/cabinet", "/cabinet/readings", "/cabinet/readings/submissions",
                 "/cabinet/readings/consumption", "/cabinet/documents", "/account")


@pytest.fixture(scope="module")
def system(chromium: Browser, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[RunningSystem]:
    """The system with the demo readings: the sandbox consumer's documents arrive by themselves."""
    yield from running_system(tmp_path_factory, demo_readings=True)


def _registered(browser: Browser, system: RunningSystem, org: Org) -> dict[str, Any]:
    context = new_context(browser)
    try:
        page = context.new_page()
        register_and_confirm(page, system, org)
        log_in(page, system, org.contract)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="module")
def owner(chromium: Browser, system: RunningSystem) -> dict[str, Any]:
    """The sandbox consumer's owner, registered, confirmed and logged in (cookies)."""
    return _registered(chromium, system, OWNER)


@pytest.fixture(scope="module")
def other(chromium: Browser, system: RunningSystem) -> dict[str, Any]:
    """Another organisation (contract 270000002), logged in."""
    return _registered(chromium, system, OTHER)


@pytest.fixture(scope="module")
def owner_documents(chromium: Browser, system: RunningSystem, owner: dict[str, Any]
                    ) -> list[int]:
    """Ids of the sandbox consumer's documents, once the peers' pushes have arrived."""
    context = new_context(chromium, storage_state=owner)
    page = context.new_page()

    def listed() -> list[int]:
        page.goto(system.url("/cabinet/documents"))
        rows = page.locator("#doc-table tbody tr")
        return [int(rows.nth(i).get_attribute("data-document-id") or 0)
                for i in range(rows.count())] if rows.count() >= 5 else []
    try:
        return wait_for("the demo readings' invoices and acts", listed, every=0.5)
    finally:
        context.close()


def as_user(browser: Browser, state: dict[str, Any], **options: Any) -> BrowserContext:
    """A new context carrying a logged-in user's cookies."""
    return new_context(browser, storage_state=state, **options)


# ----- registration: each problem next to its field --------------------------------------------


def _problem(page: Page, field: str) -> tuple[str | None, str]:
    """The code and text of the error shown inside ``field``'s own block."""
    error = page.locator(f".field:has(#{field}) p.error")
    expect(error).to_be_visible()
    expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    described = page.locator(f"#{field}").get_attribute("aria-describedby") or ""
    assert f"{field}-error" in described.split(), described
    return error.get_attribute("data-code"), (error.text_content() or "").strip()


def test_registration_format_errors_sit_next_to_their_fields(
        page: Page, system: RunningSystem, shots: Shots) -> None:
    bad = Org(contract="280000001", name='ТОВ "Джерело"', eic="62Z000000000001C",
              email="owner@example.com")
    fill_registration(page, system, bad, password="qwerty12345")
    page.get_by_role("button", name="Зареєструватись").click()
    expect(page.locator("#error-summary")).to_be_visible()
    shots(page, "format-errors")
    assert _problem(page, "contract")[0] == "REG_CONTRACT_FORMAT"
    code, text = _problem(page, "name")
    assert code == "REG_NAME_FORMAT" and "лап" in text, text
    assert _problem(page, "eic")[0] == "REG_EIC_CHECKSUM"
    assert _problem(page, "password")[0] == "REG_PASSWORD_WEAK"
    summary = page.locator("#error-summary li")
    codes = {summary.nth(i).get_attribute("data-code") for i in range(summary.count())}
    assert {"REG_CONTRACT_FORMAT", "REG_NAME_FORMAT", "REG_EIC_CHECKSUM",
            "REG_PASSWORD_WEAK"} <= codes
    # The summary's links lead to the fields; the typed values are kept (not the password).
    page.locator("#error-summary a[href='#eic']").click()
    expect(page.locator("#eic")).to_be_focused()
    expect(page.locator("#contract")).to_have_value("280000001")
    expect(page.locator("#password")).to_have_value("")


def test_registration_mismatched_passwords_and_cyrillic_eic(
        page: Page, system: RunningSystem, shots: Shots) -> None:
    card = sandbox_org(3, email="mismatch@example.com")
    cyrillic_eic = card.eic.replace("Z", "З")  # the Ukrainian letter Ze instead of Latin Z
    fill_registration(page, system, Org(card.contract, card.name, cyrillic_eic, card.email),
                      password=PASSWORD, password2=PASSWORD + "x")
    page.get_by_role("button", name="Зареєструватись").click()
    shots(page, "mismatch-and-cyrillic")
    assert _problem(page, "password2")[0] == "REG_PASSWORD_MISMATCH"
    code, text = _problem(page, "eic")
    assert code == "REG_EIC_FORMAT" and "латин" in text.lower(), text
    expect(page.locator(".field:has(#contract) p.error")).to_have_count(0)
    expect(page.locator(".field:has(#name) p.error")).to_have_count(0)


def test_password_generator_fills_both_fields_with_an_accepted_password(
        page: Page, system: RunningSystem, shots: Shots) -> None:
    card = sandbox_org(4, email="generated@example.com")
    fill_registration(page, system, card, password="", password2="")
    page.get_by_role("button", name="Генерувати").click()
    first = page.locator("#password").input_value()
    assert first == page.locator("#password2").input_value()
    assert len(first) >= 16
    assert re.search(r"[a-z]", first) and re.search(r"[A-Z]", first)
    assert re.search(r"[0-9]", first) and re.search(r"[^A-Za-z0-9]", first)
    expect(page.locator("#password")).to_have_attribute("type", "text")  # shown, to be saved
    expect(page.locator("#password-meter-text")).not_to_be_empty()
    shots(page, "generated")
    page.get_by_role("button", name="Генерувати").click()
    assert page.locator("#password").input_value() != first  # random each time
    page.get_by_role("button", name="Зареєструватись").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Реєстрацію прийнято")


# ----- keyboard, small screens ------------------------------------------------------------------


def _tab_to(page: Page, element_id: str, limit: int = 40) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} not reached with {limit} Tab presses")


def test_keyboard_alone_reaches_and_submits_the_login_form(
        page: Page, system: RunningSystem, owner: dict[str, Any], shots: Shots) -> None:
    page.goto(system.url("/login"))
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    _tab_to(page, "login")
    page.keyboard.type(OWNER.contract)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    shots(page, "typed-with-keyboard")
    page.keyboard.press("Enter")
    expect(page).to_have_url(system.url("/cabinet"))
    expect(page.get_by_role("heading", level=1)).to_have_text(OWNER.name)


def _overflow(page: Page) -> int:
    return int(page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"))


def test_no_horizontal_scroll_at_360_px(chromium: Browser, system: RunningSystem,
                                        owner: dict[str, Any], owner_documents: list[int],
                                        shots: Shots) -> None:
    context = as_user(chromium, owner, viewport=PHONE)
    page = context.new_page()
    too_wide: dict[str, int] = {}
    broken: dict[str, int] = {}
    try:
        page.goto(system.url("/cabinet/readings/submissions"))
        submission = page.locator("#submissions a").first.get_attribute("href") or ""
        pages = (*PUBLIC_PAGES, *CABINET_PAGES, submission,
                 f"/cabinet/documents/{owner_documents[0]}")
        for path in pages:
            answer = page.goto(system.url(path))
            if answer is None or not answer.ok:
                broken[path] = answer.status if answer else 0
            expect(page.locator("h1")).to_be_visible()
            shots(page, f"360 {path if path != '/' else 'home'}")
            if (extra := _overflow(page)) > 0:
                too_wide[path] = extra
    finally:
        context.close()
    assert not broken, f"pages that did not open: {broken}"
    assert not too_wide, f"pages wider than 360 px (extra px): {too_wide}"


# ----- CSRF, headers, cookies -------------------------------------------------------------------


def test_a_form_posted_without_its_csrf_token_is_refused(
        chromium: Browser, system: RunningSystem, owner: dict[str, Any], shots: Shots) -> None:
    context = as_user(chromium, owner)
    page = context.new_page()
    try:
        page.goto(system.url("/account"))
        form = page.locator("form:has(input[name='password'])").first
        form.locator("input[name='csrf_token']").evaluate("input => input.remove()")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            form.locator("button[type='submit']").click()
        assert posted.value.status == 400
        expect(page.locator("[data-code='CSRF_INVALID']")).to_be_visible()
        shots(page, "refused")
        # A script on another site would post without any token at all: refused the same way.
        answer = page.request.post(system.url("/logout"), form={"everywhere": "1"},
                                   max_redirects=0)
        assert answer.status == 400 and "CSRF_INVALID" in answer.text()
        page.goto(system.url("/cabinet"))  # the session survived both attempts
        expect(page).to_have_url(system.url("/cabinet"))
    finally:
        context.close()


def test_security_headers_and_cookie_flags(chromium: Browser, system: RunningSystem,
                                           owner: dict[str, Any],
                                           owner_documents: list[int]) -> None:
    context = as_user(chromium, owner)
    try:
        for path in ("/", "/login", "/cabinet", "/cabinet/documents",
                     f"/cabinet/documents/{owner_documents[0]}"):
            answer = context.request.get(system.url(path))
            assert answer.status == 200, path
            headers = answer.headers
            csp = headers.get("content-security-policy", "")
            for directive in ("default-src 'self'", "script-src 'self'",
                              "frame-ancestors 'none'", "object-src 'none'",
                              "form-action 'self'"):
                assert directive in csp, (path, csp)
            assert "unsafe-inline" not in csp
            assert headers.get("x-frame-options") == "DENY", path
            assert headers.get("x-content-type-options") == "nosniff", path
            assert headers.get("referrer-policy") == "same-origin", path
            assert "no-store" in headers.get("cache-control", ""), path
        cookie = next(c for c in context.cookies() if c["name"] == "cabinet_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    finally:
        context.close()


# ----- another organisation's objects -----------------------------------------------------------


def test_another_organisations_documents_answer_404(
        chromium: Browser, system: RunningSystem, owner: dict[str, Any],
        other: dict[str, Any], owner_documents: list[int], shots: Shots) -> None:
    theirs = as_user(chromium, other)
    mine = as_user(chromium, owner)
    try:
        page = theirs.new_page()
        page.goto(system.url("/cabinet/documents"))
        expect(page.locator("#doc-count")).to_contain_text("Знайдено документів: 0")
        token = page.locator("input[name='csrf_token']").first.get_attribute("value") or ""
        for document_id in owner_documents:
            for suffix in ("", "/original", "/pdf", "/report", "/countersign"):
                path = f"/cabinet/documents/{document_id}{suffix}"
                assert mine.request.get(system.url(path)).status == 200, path  # it exists
                assert theirs.request.get(system.url(path)).status == 404, path
            paying = theirs.request.post(system.url(f"/payments/start/{document_id}"),
                                         form={"csrf_token": token})
            assert paying.status == 404, document_id
        listing = mine.new_page()
        listing.goto(system.url("/cabinet/readings/submissions"))
        submissions = listing.locator("#submissions a")
        expect(submissions.first).to_be_visible()  # the demo readings, the owner's own
        for index in range(submissions.count()):
            path = submissions.nth(index).get_attribute("href") or ""
            assert theirs.request.get(system.url(path)).status == 404, path
        missing = max(owner_documents) + 1000
        assert mine.request.get(system.url(f"/cabinet/documents/{missing}")).status == 404
        page.goto(system.url(f"/cabinet/documents/{owner_documents[0]}"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shots(page, "not-found")
    finally:
        theirs.close()
        mine.close()


# ----- the private key stays in the browser -----------------------------------------------------


def _pem_body(pem: bytes) -> str:
    return "".join(line for line in pem.decode().splitlines() if not line.startswith("-----"))


def test_in_browser_signing_never_sends_the_private_key(
        chromium: Browser, system: RunningSystem, owner: dict[str, Any], shots: Shots) -> None:
    key_pem = (system.pki / "consumer.key.pem").read_bytes()
    cert_pem = (system.pki / "consumer.cert.pem").read_bytes()
    key_body = _pem_body(key_pem)
    secrets = [key_body, key_pem.decode(), base64.b64encode(key_pem).decode(),
               *(line for line in key_pem.decode().splitlines() if len(line) >= 40)]
    context = as_user(chromium, owner)
    sent: list[Request] = []
    page = context.new_page()
    page.on("request", lambda request: sent.append(request))
    try:
        page.goto(system.url("/cabinet/readings"))
        fill_readings(page, step=7)
        page.get_by_label("Я перевірив(ла) показники").check()
        choose_key_files(page, system)
        page.get_by_role("button", name="Підписати у браузері").click()
        expect(page).to_have_url(re.compile(r"/cabinet/readings/submissions/\d+$"))
        shots(page, "signed")
    finally:
        context.close()
    bodies = {f"{r.method} {r.url}": r.post_data_buffer or b"" for r in sent}
    posted = " ".join(bodies)
    assert "/cabinet/readings/prepare" in posted and "/cabinet/readings/complete" in posted
    # The certificate did go (so the capture sees what the page sends) ...
    assert any(base64.b64encode(cert_pem) in body for body in bodies.values())
    assert any(b'name="signature"' in body for body in bodies.values())
    # ... and no piece of the key, in any body or URL.
    for where, body in bodies.items():
        text = body.decode("latin-1") + where
        leaked = [s[:20] for s in secrets if s in text]
        assert not leaked, f"{where} carries the private key: {leaked}"
        assert "PRIVATE KEY" not in text, where
