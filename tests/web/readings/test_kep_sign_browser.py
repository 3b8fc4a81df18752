"""kep-sign.js in a real Chromium: the key is read and used in the page, only the signature goes."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from adapter.pki import SandboxPki
from tests.support.servers import serve_in_thread
from tests.web.conftest import CONTRACT, PASSWORD, POINT_1, POINT_2, Cabinet, Clock
from tests.web.readings.conftest import make_readings_cabinet

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="chromium is not installed")
def test_signing_in_the_browser_submits_the_readings(tmp_path: Path, clock: Clock,
                                                      sandbox_pki: SandboxPki):
    cabinet: Cabinet = make_readings_cabinet(f"sqlite:///{tmp_path / 'db.sqlite3'}", clock,
                                             sandbox_pki)
    browser = cabinet.client()
    browser.register()
    browser.follow_mail_link()
    sent: list[str] = []
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(serve_in_thread(cabinet.app))
        pw = stack.enter_context(playwright.sync_playwright())
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        stack.callback(chromium.close)
        page = chromium.new_page()
        page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
        page.goto(f"{base}/login")
        page.fill("#login", CONTRACT)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/cabinet/readings")
        for name, value in ((f"r-{POINT_1}-M-1001-ap-1", "10500"),
                            (f"r-{POINT_1}-M-1001-ap-2", "4200"),
                            (f"r-{POINT_1}-M-1001-rp-1", "900"),
                            (f"r-{POINT_2}-M-2002-ap-1", "3000")):
            page.fill(f"#{name}", value)
        page.set_input_files("#kep-key", str(sandbox_pki.consumer_key))
        page.set_input_files("#kep-cert", str(sandbox_pki.consumer_cert))
        page.click("#sign-browser")
        page.wait_for_url("**/cabinet/readings/submissions/*", timeout=15000)
        assert page.locator("#submission-status").get_attribute("data-status") == "queued"
    cabinet.container.engine.dispose()
    key_body = sandbox_pki.consumer_key.read_text().splitlines()[1]
    assert sent and not any(key_body in body or "PRIVATE KEY" in body for body in sent)
