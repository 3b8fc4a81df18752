"""Fixtures of the browser suite: the whole system on free ports, Chromium through Playwright.

``running_system(tmp_path_factory, demo_readings=...)`` starts :class:`EmbeddedSystem` (cabinet,
intake, worker, sandbox supplier and billing peers that push their documents back, registry sync)
in a temporary ``var`` directory, with letters kept in the database (the "stored" mailer).
``chromium`` is one headless Debian Chromium per session; ``page`` a fresh context and page per
test; ``shots`` saves a numbered screenshot per step under ``test-artifacts/browser/<test>/``.

Without /usr/bin/chromium or the playwright package the suite is skipped with the reason
(``-ra`` prints it); under ``CI=true`` it fails instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from adapter.bootstrap import Container
    from adapter.runtime.embedded import EmbeddedSystem

T = TypeVar("T")
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
#: Every wait on a page is bounded; the worker and the peers get their own, longer bounds.
PAGE_TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}


def missing_browser() -> str | None:
    """Why the suite cannot run here, or ``None`` when it can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def off_loop(work: Callable[[], T], timeout: float = 120) -> T:
    """Run server-side ``work`` on another thread and return its result.

    Playwright's sync API keeps an asyncio loop running on the test's thread, and signature
    verification calls ``asyncio.run`` (pyhanko-certvalidator), which refuses to nest.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result(timeout=timeout)


@dataclass
class RunningSystem:
    """The embedded system as the tests see it."""

    system: EmbeddedSystem
    base: str
    var: Path

    @property
    def container(self) -> Container:
        """The composition root the system runs on (database, settings, services)."""
        assert self.system.container is not None
        return self.system.container

    @property
    def pki(self) -> Path:
        """The sandbox PKI directory (consumer.key.pem, consumer.cert.pem, ...)."""
        return self.var / "sandbox"

    def url(self, path: str) -> str:
        """An absolute URL of the cabinet."""
        return self.base + path


def running_system(tmp_path_factory: pytest.TempPathFactory, *, demo_readings: bool
                   ) -> Iterator[RunningSystem]:
    """Start the embedded system on free ports in a fresh ``var``; stop it afterwards."""
    from adapter.runtime.embedded import EmbeddedSystem

    var = tmp_path_factory.mktemp("var")
    system = EmbeddedSystem(var, port=0, supplier_port=0, billing_port=0,
                            demo_readings=demo_readings, worker_poll=0.2)
    urls = off_loop(system.start)  # demo readings are signed and verified while starting
    try:
        yield RunningSystem(system, urls.cabinet.rstrip("/"), var)
    finally:
        off_loop(system.stop)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (skipped, or failed under CI, if absent).

    Per module: Playwright's sync API keeps an asyncio loop on the main thread while it runs,
    and a second sync_playwright() elsewhere in the session refuses to start beside it.
    """
    reason = missing_browser()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser suite cannot run under CI: {reason}", pytrace=False)
        print(f"\nbrowser suite skipped: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A Ukrainian-speaking context with bounded waits."""
    options.setdefault("viewport", DESKTOP)
    context = browser.new_context(locale="uk-UA", **options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (own cookies) for one test."""
    ctx = new_context(chromium)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so fixtures can tell that the test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def artifacts_folder(node: pytest.Item, artifacts_dir: Path) -> Path:
    """``test-artifacts/browser/<test>/``."""
    return artifacts_dir / "browser" / re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name)


@pytest.fixture
def page(request: pytest.FixtureRequest, context: BrowserContext,
         artifacts_dir: Path) -> Iterator[Page]:
    """A page in the test's own context; what it shows is saved when the test fails."""
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        folder = artifacts_folder(request.node, artifacts_dir)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "failure.png"), full_page=True)


class Shots:
    """Numbered full-page screenshots of one test: ``01-register-form.png``, ..."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, page: Page, step: str) -> Path:
        """Save what ``page`` shows now as the next step."""
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest, artifacts_dir: Path) -> Shots:
    """Where this test's screenshots go (emptied first, so a run never mixes with an older one)."""
    folder = artifacts_folder(request.node, artifacts_dir)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Shots(folder)


ShotFn = Callable[["Page", str], Path]
